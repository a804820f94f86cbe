"""The zip `moderato wordpress-plugin --zip` writes installs through wp-admin's "Upload Plugin",
activates, and is configured on its settings page, in a real WordPress (Debian's package)."""

import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from standardwebhooks import Webhook

from service.commands.wordpress import wordpress_plugin
from tests.support.wordpress.site import (
    MODERATO_PLUGIN,
    PERMALINKS,
    Answer,
    WordPress,
    admin_link,
    form_nonce,
    installed_wordpress,
)

ACTIVATE_LINK = r"plugins\.php\?action=activate&plugin=moderato%2Fmoderato\.php"
SECRET = "whsec_" + "bW9kZXJhdG8gdGVzdCBzZWNyZXQgb2YgMzIgYnl0ZXMh"  # 32 bytes, base64


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    """A fresh WordPress without Moderato's plugin, with the administrator logged in. Writing
    plugins is done directly (FS_METHOD): no FTP credentials to ask for."""
    work_dir = tmp_path_factory.mktemp("wordpress")
    with installed_wordpress(None, work_dir, constants={"FS_METHOD": "direct"}) as site:
        site.php("permalinks", PERMALINKS)
        site.log_in()
        yield site


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip, as `moderato wordpress-plugin --zip moderato.zip` writes it."""
    path = tmp_path_factory.mktemp("zip") / "moderato.zip"
    result = CliRunner().invoke(wordpress_plugin, ["--zip", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def installed(wordpress: WordPress, plugin_zip: Path) -> Answer:
    """Upload the zip on Plugins → Add New → Upload Plugin and click "Activate Plugin", as an
    admin does; the page the upload answered with."""
    page = wordpress.admin_page("plugin-install.php?tab=upload")
    nonce = form_nonce(page, r"update\.php\?action=upload-plugin")
    answer = wordpress.upload(
        "/wp-admin/update.php?action=upload-plugin",
        {"_wpnonce": nonce, "_wp_http_referer": "/wp-admin/plugin-install.php?tab=upload",
         "install-plugin-submit": "Install Now"},
        "pluginzip", plugin_zip,
    )  # fmt: skip
    assert answer.status == 200, answer.body[-2000:]
    activate = admin_link(answer.body, ACTIVATE_LINK)
    wordpress.request("/wp-admin/" + activate)
    return answer


def test_the_zip_installs_through_wp_admin_s_upload_and_activates(
    wordpress: WordPress, installed: Answer
) -> None:
    assert MODERATO_PLUGIN in wordpress.php("option", "active_plugins")
    folder = wordpress.content_dir / "plugins" / "moderato"
    assert (folder / "includes" / "events.php").is_file()
    assert not (folder / "includes" / "akismet.php").is_symlink()  # a file of the zip


def test_the_settings_page_saves_the_settings_the_route_then_verifies_with(
    wordpress: WordPress, installed: Answer
) -> None:
    page = wordpress.admin_page("options-general.php?page=moderato")
    assert "/wp-json/moderato/v1/events" in page
    nonce = form_nonce(page, r"name=.option_page. value=.moderato.")
    unsigned = post_event(wordpress, "msg_before", "{}", "v1,AAAA")
    assert unsigned == 503  # no secret yet: nothing is accepted

    wordpress.admin_page("options.php", {
        "option_page": "moderato", "action": "update", "_wpnonce": nonce,
        "_wp_http_referer": "/wp-admin/options-general.php?page=moderato",
        "moderato_url": "https://moderato.example.org", "moderato_site_key": "sk_chiave",
        "moderato_akismet_key": "3f9a0c5e7b21", "moderato_webhook_secret": SECRET,
        "moderato_status_map[abuse]": "hold",
    })  # fmt: skip

    assert wordpress.php("option", "moderato_url") == "https://moderato.example.org"
    assert wordpress.php("option", "moderato_webhook_secret") == SECRET
    assert wordpress.php("option", "moderato_status_map") == {"abuse": "hold"}
    assert "3f9a0c5e7b21" not in wordpress.admin_page("options-general.php?page=moderato")
    body = '{"type": "comment.decided", "data": {"guid": "non-esiste", "version": 1}}'
    signed = Webhook(SECRET).sign("msg_1", datetime.now(UTC), body)
    assert post_event(wordpress, "msg_1", body, signed) == 200
    assert post_event(wordpress, "msg_2", body, signed) == 401  # signed for another id


def post_event(wordpress: WordPress, message_id: str, body: str, signature: str) -> int:
    """POST an event to the plugin's route; the answer's status."""
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(time.time())),
        "webhook-signature": signature,
        "Content-Type": "application/json",
    }
    address = wordpress.url + "/wp-json/moderato/v1/events"
    request = urllib.request.Request(address, body.encode(), headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
