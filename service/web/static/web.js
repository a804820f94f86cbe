// Moderato's review queue: decisions with If-Match, undo, bulk actions, keyboard, live updates.
// Plain JavaScript, no library and no build step; the server renders every piece of HTML.
"use strict";

(function () {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;

  // Every POST carries the CSRF token as a header (Flask-WTF reads X-CSRFToken).
  async function post(url, form, headers) {
    const response = await fetch(url, {
      method: "POST",
      body: form || new FormData(),
      credentials: "same-origin",
      headers: Object.assign({ "X-CSRFToken": csrfToken(), Accept: "application/json" }, headers),
    });
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = { message: response.statusText };
    }
    return { ok: response.ok, status: response.status, data: data };
  }

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html; // server-rendered and escaped there; the CSP blocks any script
    return template.content;
  }

  function init(queue) {
    const itemsBox = queue.querySelector('[data-role="items"]');
    const toast = queue.querySelector('[data-role="toast"]');
    const toastText = queue.querySelector('[data-role="toast-text"]');
    const undoButton = queue.querySelector('[data-role="undo"]');
    const alertBox = queue.querySelector('[data-role="alert"]');
    const help = queue.querySelector('[data-role="help"]');
    const bulkForm = document.getElementById("bulk");
    const selectAll = queue.querySelector('[data-role="select-all"]');
    const selectedCount = queue.querySelector('[data-role="selected-count"]');
    const countsBox = queue.querySelector('[data-role="counts"]');
    const densityButton = queue.querySelector('[data-role="density"]');
    let current = null; // the focused item
    let lastDecision = null; // {item, next, id, version, url, expires}
    let toastTimer = null;
    let pendingReject = null; // the item whose reason is being picked
    // The version each comment decided here reached: a poll answered from before the decision
    // must not bring it back (a later version, an undo or a reopening elsewhere, may).
    const decidedVersions = new Map();

    const items = () => Array.from(itemsBox.querySelectorAll("article.item"));

    function focusItem(item) {
      if (!item) return;
      items().forEach((other) => other.classList.remove("current"));
      item.classList.add("current");
      item.focus({ preventScroll: false });
      current = item;
    }

    function move(step) {
      const list = items();
      if (!list.length) return;
      const index = list.indexOf(current);
      const next = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + step));
      focusItem(list[next]);
    }

    function say(message, withUndo) {
      toastText.textContent = message;
      undoButton.hidden = !withUndo;
      toast.hidden = false;
      clearTimeout(toastTimer);
      toastTimer = setTimeout(() => {
        toast.hidden = true;
        undoButton.hidden = true;
      }, withUndo ? lastDecision.seconds * 1000 : 6000);
    }

    function alertUser(message) {
      alertBox.textContent = message;
    }

    function showEmptyIfNone() {
      if (!items().length && !itemsBox.querySelector('[data-role="empty"]')) {
        refresh();
      }
    }

    function removeDecided(item) {
      const list = items();
      const index = list.indexOf(item);
      const next = list[index + 1] || list[index - 1] || null;
      item.remove();
      focusItem(next);
      updateSelected();
      showEmptyIfNone();
      return next;
    }

    function replaceItem(item, html) {
      const fresh = fromHtml(html).querySelector("article.item");
      item.replaceWith(fresh);
      focusItem(fresh);
      return fresh;
    }

    async function decide(item, url, form) {
      if (!item || item.dataset.busy) return;
      item.dataset.busy = "1";
      const tag = '"' + item.dataset.id + "-" + item.dataset.version + '"';
      const result = await post(url, form, { "If-Match": tag });
      delete item.dataset.busy;
      if (result.ok) {
        alertUser("");
        decidedVersions.set(item.id, result.data.version);
        const next = removeDecided(item);
        refresh();
        lastDecision = {
          item: item, next: next, id: result.data.id, version: result.data.version,
          url: item.dataset.undoUrl, seconds: result.data.undo_seconds,
          expires: Date.now() + result.data.undo_seconds * 1000,
        };
        say(result.data.message, true);
      } else if (result.status === 409 && result.data.item) {
        replaceItem(item, result.data.item).dataset.conflict = "1";
        alertUser(result.data.message);
      } else {
        alertUser(result.data.message || String(result.status));
      }
    }

    function approve(item) {
      if (item && item.dataset.status !== "approved") decide(item, item.dataset.approveUrl);
    }

    function openReject(item) {
      const panel = item && item.querySelector(".reject-panel");
      if (!panel) return;
      panel.open = true;
      pendingReject = item;
      const checked = panel.querySelector('input[name="reason"]:checked');
      if (checked) checked.focus();
    }

    function rejectWithReason(item, number) {
      const radios = item.querySelectorAll('.reject-panel input[name="reason"]');
      const radio = radios[number - 1];
      if (!radio) return;
      radio.checked = true;
      const form = item.querySelector("form.reject");
      pendingReject = null;
      decide(item, item.dataset.rejectUrl, new FormData(form));
    }

    async function undo() {
      if (!lastDecision || Date.now() > lastDecision.expires) return;
      const decision = lastDecision;
      lastDecision = null;
      const tag = '"' + decision.id + "-" + decision.version + '"';
      const result = await post(decision.url, null, { "If-Match": tag });
      if (!result.ok) {
        say(result.data.message || String(result.status), false);
        return;
      }
      const fresh = fromHtml(result.data.item).querySelector("article.item");
      const existing = document.getElementById(fresh.id);
      if (existing) existing.replaceWith(fresh);
      else if (decision.next && decision.next.isConnected) itemsBox.insertBefore(fresh, decision.next);
      else itemsBox.appendChild(fresh);
      const empty = itemsBox.querySelector('[data-role="empty"]');
      if (empty) empty.remove();
      decidedVersions.delete(fresh.id);
      focusItem(fresh);
      say(result.data.message, false);
      refresh();
    }

    function toggleSelect(item) {
      const box = item && item.querySelector("input.select");
      if (!box) return;
      box.checked = !box.checked;
      updateSelected();
    }

    function updateSelected() {
      const count = items().filter((item) => item.querySelector("input.select:checked")).length;
      selectedCount.textContent = count ? selectedCount.dataset.template.replace("N", count) : "";
    }

    // Live: new comments appear and comments decided elsewhere go, by polling the first page.
    // Nothing lives in one server process: every poll reads the database.
    async function refresh() {
      // Only the first page changes by itself, and a hidden tab need not ask (it catches up
      // when it is shown again).
      if (queue.dataset.firstPage !== "true" || document.hidden) return;
      let response;
      try {
        response = await fetch(queue.dataset.pollUrl, {
          credentials: "same-origin", headers: { Accept: "application/json" },
        });
      } catch (error) {
        return;
      }
      if (!response.ok) return;
      const data = await response.json();
      const fresh = fromHtml(data.items);
      const freshItems = Array.from(fresh.querySelectorAll("article.item"));
      const freshIds = new Set(freshItems.map((item) => item.id));
      for (const item of items()) {
        const keep = item.dataset.conflict || item.dataset.busy || item.querySelector(".reject-panel[open]");
        if (!freshIds.has(item.id) && !keep) {
          if (item === current) removeDecided(item);
          else item.remove();
        }
      }
      let previous = null;
      for (const item of freshItems) {
        const existing = document.getElementById(item.id);
        if (existing) {
          previous = existing;
          continue;
        }
        if (Number(item.dataset.version) <= (decidedVersions.get(item.id) || 0)) continue;
        if (previous) previous.after(item);
        else itemsBox.prepend(item);
        previous = item;
      }
      const empty = itemsBox.querySelector('[data-role="empty"]');
      if (items().length && empty) empty.remove();
      if (!items().length && !empty) {
        const placeholder = fresh.querySelector('[data-role="empty"]');
        if (placeholder) itemsBox.appendChild(placeholder);
      }
      countsBox.replaceChildren(fromHtml(data.counts));
      showCounts();
      if (!current || !current.isConnected) focusItem(items()[0] || null);
    }

    // The counts' list is the one source of the numbers: the bulk bar's "all N matching" and
    // the window title's pending count are copied from it whenever it changes.
    function countOf(status) {
      const count = countsBox.querySelector('.count[data-status="' + status + '"]');
      return count ? count.textContent.trim() : "0";
    }

    function showCounts() {
      const matching = queue.querySelector('[data-role="matching-count"]');
      if (matching) matching.textContent = countOf(queue.dataset.status);
      const pendingCount = countOf("pending");
      const title = document.title.replace(/^\(\d+\+?\) /, "");
      document.title = pendingCount === "0" ? title : "(" + pendingCount + ") " + title;
    }

    // Compact (a row of two lines per comment) or comfortable (everything shown): the choice
    // is kept in a cookie, so that the server renders the next page the same way.
    function setDensity(compact) {
      itemsBox.classList.toggle("compact", compact);
      densityButton.setAttribute("aria-pressed", String(compact));
      const value = compact ? "compact" : "comfortable";
      document.cookie = queue.dataset.densityCookie + "=" + value + "; path=" +
        queue.dataset.densityPath + "; max-age=31536000; SameSite=Lax";
    }

    function toggleDensity() {
      setDensity(!itemsBox.classList.contains("compact"));
      if (current) current.scrollIntoView({ block: "nearest" });
    }

    function toggleExpanded(item) {
      const button = item && item.querySelector("button.expand");
      if (!button) return;
      const expanded = !item.classList.contains("expanded");
      item.classList.toggle("expanded", expanded);
      button.setAttribute("aria-expanded", String(expanded));
    }

    // Decisions by mouse or touch go through the same path as the keys.
    itemsBox.addEventListener("submit", (event) => {
      const form = event.target;
      const item = form.closest("article.item");
      if (!item || !form.classList.contains("decide")) return;
      event.preventDefault();
      const url = form.classList.contains("reject") ? item.dataset.rejectUrl : item.dataset.approveUrl;
      decide(item, url, new FormData(form));
    });
    itemsBox.addEventListener("focusin", (event) => {
      const item = event.target.closest("article.item");
      if (item && item !== current) {
        items().forEach((other) => other.classList.remove("current"));
        item.classList.add("current");
        current = item;
      }
    });
    itemsBox.addEventListener("click", (event) => {
      const button = event.target.closest("button.expand");
      if (button) toggleExpanded(button.closest("article.item"));
    });
    densityButton.addEventListener("click", toggleDensity);
    densityButton.hidden = false;
    itemsBox.addEventListener("change", (event) => {
      if (event.target.matches("input.select")) updateSelected();
    });
    undoButton.addEventListener("click", undo);
    selectAll.addEventListener("change", () => {
      items().forEach((item) => {
        item.querySelector("input.select").checked = selectAll.checked;
      });
      updateSelected();
    });

    bulkForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = new FormData(bulkForm);
      const action = event.submitter ? event.submitter.value : "approve";
      form.set("action", action);
      if (action !== "reject") form.delete("reason");
      const selected = form.getAll("items");
      if (!selected.length && form.get("scope") !== "filter") {
        alertUser(bulkForm.dataset.noneSelected);
        return;
      }
      const result = await post(bulkForm.getAttribute("action"), form);
      if (!result.ok) {
        alertUser(result.data.message || String(result.status));
        return;
      }
      alertUser("");
      say(result.data.message, false);
      selectAll.checked = false;
      await refresh();
      updateSelected();
    });

    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const typing = event.target.closest("input, textarea, select, [contenteditable]");
      const onRadio = event.target.matches('input[type="radio"]');
      if (event.key === "Escape") {
        if (pendingReject) {
          pendingReject.querySelector(".reject-panel").open = false;
          focusItem(pendingReject);
          pendingReject = null;
        } else if (typing) {
          event.target.blur();
          focusItem(current || items()[0]);
        }
        return;
      }
      if (pendingReject && /^[1-9]$/.test(event.key) && (!typing || onRadio)) {
        event.preventDefault();
        rejectWithReason(pendingReject, Number(event.key));
        return;
      }
      if (typing || (help && help.open)) return;
      const actions = {
        j: () => move(1),
        k: () => move(-1),
        a: () => approve(current),
        r: () => openReject(current),
        x: () => toggleSelect(current),
        e: () => toggleExpanded(current),
        v: () => toggleDensity(),
        u: () => undo(),
        "/": () => document.getElementById("q").focus(),
        "?": () => help.showModal(),
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        if (!current && "arxe".includes(event.key)) focusItem(items()[0]);
        action();
      }
    });

    selectedCount.dataset.template = selectedCount.dataset.template || queue.dataset.selectedTemplate || "N";
    focusItem(items()[0] || null);
    showCounts();
    const seconds = Number(queue.dataset.pollSeconds) || 5;
    setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) refresh();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const queue = document.querySelector(".queue");
    if (queue) init(queue);
  });
})();
