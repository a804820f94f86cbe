"""usage-limit, key-sites, get-stats, get-subscription, deactivate and test: Moderato's own
records, in the shapes WordPress and the clients read."""

from datetime import UTC, datetime

from flask.testing import FlaskClient

from tests.e2e.akismet.conftest import KeyedSite
from tests.support.akismet import SPAM_TEXT, UNCERTAIN_TEXT, submit_form, wordpress_form


def check(client: FlaskClient, key: str, text: str, author: str = "Giulia Rossi") -> str:
    form = wordpress_form(key, comment_content=text, comment_author=author)
    return client.post("/1.1/comment-check", data=form).text


def make_history(client: FlaskClient, key: str) -> None:
    """3 ham, 2 spam, 1 held, 1 test call; then one missed spam and one false positive."""
    for number in range(3):
        assert check(client, key, f"Grazie per l'articolo numero {number}.") == "false"
    assert check(client, key, SPAM_TEXT) == "true"
    assert check(client, key, SPAM_TEXT + " Ancora.") == "true"
    assert check(client, key, UNCERTAIN_TEXT) == "held for review"
    test_call = wordpress_form(key, is_test="1")
    assert client.post("/1.1/comment-check", data=test_call).text == "false"
    missed = submit_form(key, comment_content="Grazie per l'articolo numero 0.")
    client.post("/1.1/submit-spam", data=missed)
    client.post("/1.1/submit-ham", data=submit_form(key, comment_content=SPAM_TEXT))


def test_key_sites_reports_calls_spam_ham_missed_spam_and_false_positives(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    make_history(akismet_client, keyed_site.key)
    month = datetime.now(UTC).strftime("%Y-%m")
    report = akismet_client.get("/1.2/key-sites", query_string={"api_key": keyed_site.key}).json
    assert report["total"] == 1
    assert report[month] == [{
        "site": keyed_site.site.slug, "api_calls": 6, "spam": 2, "ham": 3, "missed_spam": 1,
        "false_positives": 1, "is_revoked": False,
    }]  # fmt: skip
    earlier = akismet_client.get(
        "/1.2/key-sites", query_string={"api_key": keyed_site.key, "month": "2020-01"}
    ).json
    assert earlier["2020-01"][0]["api_calls"] == 0


def test_key_sites_as_csv(akismet_client: FlaskClient, keyed_site: KeyedSite) -> None:
    make_history(akismet_client, keyed_site.key)
    csv = akismet_client.get(
        "/1.2/key-sites", query_string={"api_key": keyed_site.key, "format": "csv"}
    ).text.splitlines()
    assert csv[1] == "Site,Total API Calls,Spam,Ham,Missed Spam,False Positives,Is Revoked"
    assert csv[2] == f"{keyed_site.site.slug},6,2,3,1,1,false"


def test_usage_limit_counts_this_months_calls_and_sets_no_limit(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    make_history(akismet_client, keyed_site.key)
    report = akismet_client.get("/1.2/usage-limit", query_string={"api_key": keyed_site.key}).json
    assert report == {"limit": "none", "usage": 6, "percentage": "0.00", "throttled": False}
    extended = akismet_client.get(
        "/1.2/usage-limit", query_string={"api_key": keyed_site.key, "extended": "true"}
    ).json
    assert extended["notice_level"] == "NOTICE_NONE"
    assert extended["upgrade"] is False


def test_get_stats_gives_wordpress_its_figures(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    make_history(akismet_client, keyed_site.key)
    for interval in ("all", "6-months"):
        stats = akismet_client.post(
            "/1.1/get-stats", data={"key": keyed_site.key, "blog": "https://x", "from": interval}
        ).json
        assert (stats["spam"], stats["ham"], stats["missed_spam"]) == (2, 3, 1)
        assert stats["false_positives"] == 1
        assert stats["accuracy"] == 60.0


def test_get_subscription_is_active_so_wordpress_saves_the_key(
    akismet_client: FlaskClient, keyed_site: KeyedSite
) -> None:
    answer = akismet_client.post(
        "/1.1/get-subscription", data={"key": keyed_site.key, "blog": "https://x"}
    )
    assert answer.json["status"] == "active"


def test_deactivate_and_test(akismet_client: FlaskClient, keyed_site: KeyedSite) -> None:
    deactivated = akismet_client.post(
        "/1.1/deactivate", data={"key": keyed_site.key, "blog": "https://x"}
    )
    assert deactivated.text == "deactivated"
    assert akismet_client.get("/1.1/test").text == "connected"
    # Deactivating the plugin does not revoke the key.
    assert (
        akismet_client.post(
            "/1.1/verify-key", data={"key": keyed_site.key, "blog": "https://x"}
        ).text
        == "valid"
    )
