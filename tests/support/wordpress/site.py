"""Install, serve and remove a WordPress from Debian's `wordpress` package, files untouched.

Debian's /usr/share/wordpress/wp-config.php loads /etc/wordpress/config-NAME.php, NAME being
the WORDPRESS_CONFIG server variable (README.Debian). Each installation gets its own NAME, its
own MariaDB database and its own wp-content folder (symlinks to the packaged Akismet plugin,
theme and translations, and a mu-plugins folder with Moderato's must-use plugin), so nothing
outside those three is written and everything is deleted afterwards.
"""

import html
import json
import os
import re
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import REPO_ROOT, ManagedProcess, free_port, port_open, wait_for

WORDPRESS_DIR = Path("/usr/share/wordpress")
PACKAGED_CONTENT = WORDPRESS_DIR / "wp-content"
CONFIG_DIR = Path("/etc/wordpress")
HERE = Path(__file__).resolve().parent
MU_PLUGIN = REPO_ROOT / "service" / "akismet" / "wordpress" / "moderato-akismet.php"
MODERATO_PLUGIN_DIR = REPO_ROOT / "service" / "akismet" / "wordpress" / "moderato"
MODERATO_PLUGIN = "moderato/moderato.php"
AKISMET_PLUGIN = "akismet/akismet.php"
# Pretty permalinks: the REST API's /wp-json/ addresses (plain permalinks only have ?rest_route=).
PERMALINKS = "/%year%/%monthnum%/%postname%/"
AKISMET_SETTINGS = "options-general.php?page=akismet-key-config"
MARIADB_PORT = 3306
LOCALE = "it_IT"
NAME_PREFIX = "moderato-test-"  # of each installation's configuration file and database
STALE_AFTER_SECONDS = 24 * 3600


def missing_requirements() -> list[str]:
    """What this machine lacks to run WordPress, as instructions (empty: nothing)."""
    missing = []
    php = shutil.which("php")
    if php is None:
        missing.append("php (apt-get install php-cli)")
    elif "mysqli" not in subprocess.run([php, "-m"], capture_output=True, text=True).stdout:
        missing.append("PHP's mysqli (apt-get install php-mysql)")
    if not (WORDPRESS_DIR / "wp-config.php").is_file():
        missing.append("WordPress (apt-get install wordpress)")
    if not port_open(MARIADB_PORT):
        missing.append(f"MariaDB on 127.0.0.1:{MARIADB_PORT} (.ci/run starts it)")
    if not os.access(CONFIG_DIR, os.W_OK):
        missing.append(f"write access to {CONFIG_DIR} (the tests run as root in CI)")
    return missing


def require_wordpress() -> None:
    """Fail, never skip, when something is missing: CI must run these tests."""
    missing = missing_requirements()
    if missing:
        pytest.fail("The WordPress tests need: " + "; ".join(missing) + ". `.ci/run` sets them up.")


def mariadb(statement: str) -> None:
    """Run one statement as MariaDB's root user (empty password over TCP, as on CI)."""
    code = (
        f'$db = new mysqli("127.0.0.1", "root", "", "", {MARIADB_PORT});'
        "if (!$db->query($argv[1])) { fwrite(STDERR, $db->error); exit(1); }"
    )
    done = subprocess.run(["php", "-r", code, "--", statement], capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"MariaDB refused {statement!r}: {done.stderr}")


def config_php(values: dict[str, str], content_dir: Path) -> str:
    """/etc/wordpress/config-NAME.php: the constants Debian's wp-config.php expects, and ours."""
    lines = ["<?php", "// Written by Moderato's test harness; deleted when its tests end."]
    lines += [f"define({php_string(name)}, {php_string(value)});" for name, value in values.items()]
    lines += [
        "$table_prefix = 'wp_';",
        # Cron runs when a test says so (the Akismet re-check), not on a random page view.
        "define('DISABLE_WP_CRON', true);",
        # No calls to wordpress.org from CI; the Akismet calls reach Moderato through the
        # must-use plugin, whose filter runs before this block.
        "define('WP_HTTP_BLOCK_EXTERNAL', true);",
        "define('WP_DEBUG', true);",
        "define('WP_DEBUG_DISPLAY', false);",
        f"define('WP_DEBUG_LOG', {php_string(str(content_dir / 'debug.log'))});",
        "define('AKISMET_DEBUG', true);",
    ]
    return "\n".join(lines) + "\n"


def php_string(value: str) -> str:
    """A single-quoted PHP string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def make_content_dir(content_dir: Path, *, full_plugin: bool = False) -> None:
    """wp-content: the packaged Akismet plugin, theme and translations, and mu-plugins with
    Moderato's plugin, all by symlink (the package's own files are used, never copied)."""
    (content_dir / "plugins").mkdir(parents=True)
    (content_dir / "plugins" / "akismet").symlink_to(PACKAGED_CONTENT / "plugins" / "akismet")
    (content_dir / "themes").symlink_to(PACKAGED_CONTENT / "themes")
    (content_dir / "languages").symlink_to(PACKAGED_CONTENT / "languages")
    (content_dir / "uploads").mkdir()
    mu_plugins = content_dir / "mu-plugins"
    mu_plugins.mkdir()
    (mu_plugins / MU_PLUGIN.name).symlink_to(MU_PLUGIN)
    (mu_plugins / "no-comment-flood.php").symlink_to(HERE / "no-comment-flood.php")
    (mu_plugins / "rest-anonymous-comments.php").symlink_to(HERE / "rest-anonymous-comments.php")
    if full_plugin:  # Moderato's full plugin from this checkout, to be activated
        (content_dir / "plugins" / "moderato").symlink_to(MODERATO_PLUGIN_DIR)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand 3xx answers back to the caller, to read where WordPress sends the visitor."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    """An HTTP answer from WordPress."""

    status: int
    headers: dict[str, str]
    body: str


@dataclass
class WordPress:
    """A running WordPress and the way to act on it as a visitor, as its admin, and in PHP."""

    url: str
    config_name: str
    admin: str
    password: str
    content_dir: Path
    server: ManagedProcess
    cookies: CookieJar = field(default_factory=CookieJar)

    def php_env(self) -> dict[str, str]:
        """What Debian's wp-config.php reads to find this installation's configuration."""
        host = urllib.parse.urlsplit(self.url).netloc
        return os.environ | {"WORDPRESS_CONFIG": self.config_name, "HTTP_HOST": host}

    def php(self, *args: str) -> Any:
        """Run tests/support/wordpress/harness.php COMMAND ARGS; its JSON answer."""
        done = subprocess.run(
            ["php", str(HERE / "harness.php"), *args],
            env=self.php_env(), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if done.returncode != 0:
            raise AssertionError(f"harness.php {args[0]} failed: {done.stderr}{done.stdout}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def comments(self, text: str) -> list[dict[str, Any]]:
        """The WordPress comments whose content contains `text`: id, status, Akismet meta.
        (A substring: WordPress stores a comment filtered, e.g. `&` as `&amp;`.)"""
        return self.php("comments", text)  # type: ignore[no-any-return]

    def comment(self, text: str) -> dict[str, Any]:
        """The one WordPress comment whose content contains `text`."""
        [comment] = self.comments(text)
        return comment

    def debug_log(self) -> str:
        """WordPress's debug log (PHP warnings and Akismet's request log)."""
        path = self.content_dir / "debug.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def request(
        self,
        path: str,
        form: dict[str, str] | None = None,
        *,
        follow: bool = True,
        cookies: CookieJar | None = None,
    ) -> Answer:
        """GET `path` (POST when `form` is given) with the admin's cookies, or `cookies`."""
        jar = self.cookies if cookies is None else cookies
        handlers: list[Any] = [urllib.request.HTTPCookieProcessor(jar)]
        if not follow:
            handlers.append(NoRedirects())
        opener = urllib.request.build_opener(*handlers)
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        address = urllib.parse.urljoin(self.url, path)
        request = urllib.request.Request(address, data)  # noqa: S310 - our own loopback WordPress
        try:
            with opener.open(request, timeout=60) as answer:
                return Answer(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as error:  # 3xx without following, 4xx, 5xx
            return Answer(error.code, dict(error.headers), error.read().decode(errors="replace"))

    def upload(self, path: str, fields: dict[str, str], file_field: str, file: Path) -> Answer:
        """POST a multipart form with one file, as a browser does, with the admin's cookies."""
        boundary = "----moderato" + secrets.token_hex(8)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            .encode() for name, value in fields.items()
        ]  # fmt: skip
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{file.name}"\r\nContent-Type: application/zip\r\n\r\n'.encode()
            + file.read_bytes() + b"\r\n"
        )  # fmt: skip
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        address = urllib.parse.urljoin(self.url, path)
        request = urllib.request.Request(address, body, headers)  # noqa: S310 - our own loopback WordPress
        try:
            with opener.open(request, timeout=120) as answer:
                return Answer(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode(errors="replace"))

    def post_comment(self, text: str, author: str, email: str, post_id: int = 1) -> Answer:
        """Submit the theme's "Leave a reply" form to wp-comments-post.php, as an anonymous
        visitor (cookies of their own: a logged-in admin's comment is never spam)."""
        form = {
            "comment_post_ID": str(post_id),
            "comment_parent": "0",
            "author": author,
            "email": email,
            "url": "",
            "comment": text,
            "submit": "Invia commento",
        }
        return self.request("/wp-comments-post.php", form, follow=False, cookies=CookieJar())

    def log_in(self) -> None:
        """Log in as the administrator through wp-login.php, as a browser does."""
        self.request("/wp-login.php")  # sets WordPress's test cookie
        form = {"log": self.admin, "pwd": self.password, "wp-submit": "Log In", "testcookie": "1"}
        answer = self.request("/wp-login.php", form, follow=False)
        assert answer.status == 302, f"login failed ({answer.status}): {answer.body[-2000:]}"

    def admin_page(self, path: str, form: dict[str, str] | None = None) -> str:
        """An admin page's HTML (logged in), after posting `form` to it if given."""
        answer = self.request("/wp-admin/" + path, form)
        assert answer.status == 200, f"{path}: {answer.status} {answer.body[-2000:]}"
        return answer.body

    def enter_akismet_key(self, key: str, *, discard_worst_spam: bool = False) -> str:
        """Type `key` into Akismet's settings page and save, as an admin does; the page after.
        `discard_worst_spam` ticks "Silently discard the worst and most pervasive spam"."""
        page = self.admin_page(AKISMET_SETTINGS)
        nonce = form_nonce(page, r'name="action"\s+value="enter-key"')
        form = {"action": "enter-key", "_wpnonce": nonce, "key": key}
        if discard_worst_spam:
            form["akismet_strictness"] = "1"
        return self.admin_page(AKISMET_SETTINGS, form)

    def moderate(self, comment_id: int, action: str, *, script: bool = False) -> None:
        """Click "Spam" (`action` "spam") or "Not Spam" ("unspam") under a comment in
        Comments, as an admin does: with JavaScript (`script`), the page posts the click to
        admin-ajax.php; without, the link itself is followed."""
        status = "spam" if action == "unspam" else "all"
        page = self.admin_page(f"edit-comments.php?comment_status={status}")
        link = admin_link(page, rf"comment\.php\?c={comment_id}&action={action}comment&")
        if script:
            nonce = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["_wpnonce"][0]
            form = {"action": "delete-comment", "id": str(comment_id), "_ajax_nonce": nonce}
            answer = self.request("/wp-admin/admin-ajax.php", form | {action: "1"})
            # WordPress answers the time or an XML update of the counts; -1 or 0 would mean
            # refused or failed.
            assert answer.status == 200, f"{action}: {answer.status} {answer.body[-2000:]}"
            assert answer.body.strip() not in {"-1", "0"}, f"{action}: {answer.body!r}"
            return
        answer = self.request(urllib.parse.urljoin(self.url + "/wp-admin/", link))
        assert answer.status == 200, f"{action}: {answer.status} {answer.body[-2000:]}"

    def bulk_moderate(self, comment_ids: list[int], action: str) -> None:
        """Tick comments in Comments and apply a bulk action (e.g. "spam" for "Mark as spam"),
        as an admin does: one request for them all."""
        page = self.admin_page("edit-comments.php")
        query = [
            ("action", action),
            *(("delete_comments[]", str(comment_id)) for comment_id in comment_ids),
            ("_wpnonce", form_nonce(page, r'id="comments-form"')),
            ("_wp_http_referer", "/wp-admin/edit-comments.php"),
        ]
        answer = self.request("/wp-admin/edit-comments.php?" + urllib.parse.urlencode(query))
        assert answer.status == 200, f"bulk {action}: {answer.status} {answer.body[-2000:]}"


def form_nonce(page: str, marker: str) -> str:
    """The `_wpnonce` of the form on `page` whose HTML matches the regular expression
    `marker` (e.g. its id, or its hidden `action` field)."""
    for form in re.findall(r"<form\b.*?</form>", page, flags=re.S):
        if re.search(marker, form):
            found = re.search(r'name="_wpnonce"\s+value="([0-9a-f]+)"', form)
            if found:
                return found.group(1)
    raise AssertionError(f"no form matching {marker!r} with a nonce on the page")


def admin_link(page: str, pattern: str) -> str:
    """The first link on an admin page whose (unescaped) address matches `pattern`."""
    for href in re.findall(r'href="([^"]+)"', page):
        link = html.unescape(href)
        if re.search(pattern, link):
            return link
    raise AssertionError(f"no link matching {pattern!r} on the page")


def remove_stale_installations() -> None:
    """Remove what a killed test run left (its configuration file and database): anything of
    ours older than a day, so a run going on beside this one is never touched."""
    for config_file in CONFIG_DIR.glob(f"config-{NAME_PREFIX}*.php"):
        if time.time() - config_file.stat().st_mtime > STALE_AFTER_SECONDS:
            name = config_file.stem.removeprefix("config-")
            mariadb(f"DROP DATABASE IF EXISTS `{name.replace('-', '_')}`")
            config_file.unlink(missing_ok=True)


@contextmanager
def installed_wordpress(
    moderato_url: str | None,
    work_dir: Path,
    *,
    port: int | None = None,
    constants: dict[str, str] | None = None,
    full_plugin: bool = False,
) -> Iterator[WordPress]:
    """A fresh WordPress with the Akismet plugin active and Moderato's must-use plugin, served
    by `php -S` on a free port (or `port`); database, configuration and files are removed
    afterwards.

    `moderato_url` becomes the MODERATO_AKISMET_URL constant; None leaves it undefined.
    `constants` are added to the configuration (e.g. what `moderato wordpress connect`
    printed); `full_plugin` activates Moderato's plugin too, with pretty permalinks for its
    REST route."""
    require_wordpress()
    remove_stale_installations()
    name = f"{NAME_PREFIX}{secrets.token_hex(6)}"
    database = name.replace("-", "_")
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    content_dir = work_dir / "wp-content"
    make_content_dir(content_dir, full_plugin=full_plugin)
    config_file = CONFIG_DIR / f"config-{name}.php"
    salts = {
        f"{purpose}_{kind}": secrets.token_hex(32)
        for purpose in ("AUTH", "SECURE_AUTH", "LOGGED_IN", "NONCE")
        for kind in ("KEY", "SALT")
    }
    settings = {
        "DB_NAME": database,
        "DB_USER": "root",
        "DB_PASSWORD": "",
        "DB_HOST": f"127.0.0.1:{MARIADB_PORT}",
        "DB_CHARSET": "utf8mb4",
        "DB_COLLATE": "",
        "WP_HOME": url,
        "WP_SITEURL": url,
        "WP_CONTENT_DIR": str(content_dir),
        **salts,
    }
    if moderato_url is not None:
        settings["MODERATO_AKISMET_URL"] = moderato_url
    settings.update(constants or {})
    mariadb(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    server: ManagedProcess | None = None
    try:
        config_file.write_text(config_php(settings, content_dir))
        env = os.environ | {"WORDPRESS_CONFIG": name, "PHP_CLI_SERVER_WORKERS": "2"}
        router = str(HERE / "router.php")
        command = ["php", "-S", f"127.0.0.1:{port}", "-t", str(WORDPRESS_DIR), router]
        server = ManagedProcess(command, env, work_dir / "php-server.log").start()
        site = WordPress(url, name, "admin", secrets.token_urlsafe(12), content_dir, server)
        email = "redazione@example.it"
        site.php("install", "Il Quotidiano", site.admin, site.password, email, LOCALE)
        site.php("activate", AKISMET_PLUGIN)
        if full_plugin:
            site.php("activate", MODERATO_PLUGIN)
            site.php("permalinks", PERMALINKS)
        wait_for(lambda: port_open(port), 30)
        yield site
    finally:
        if server is not None:
            server.stop()
        config_file.unlink(missing_ok=True)
        mariadb(f"DROP DATABASE IF EXISTS `{database}`")
