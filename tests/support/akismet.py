"""Akismet-protocol requests as the clients send them."""

from typing import Any

PERMALINK = "https://www.ilquotidiano.example/2026/11/nuova-ciclabile-via-roma/"
HAM_TEXT = "Finalmente una pista ciclabile in via Roma! Speriamo che i lavori finiscano presto."
SPAM_TEXT = "Vinci soldi gratis al casino online, clicca e iscriviti subito: offerta bitcoin!"
UNCERTAIN_TEXT = "Bella iniziativa, qualcuno sa se ci sarà un'offerta per gli abbonamenti?"


def wp_slash(value: str) -> str:
    """PHP's addslashes, which WordPress applies to a comment before `wp_new_comment`."""
    return (
        value.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"').replace("\x00", "\\0")
    )


def wordpress_form(key: str, *, slashed: bool | None = None, **overrides: Any) -> dict[str, str]:
    """A comment-check body the way WordPress 6.1 with Akismet 5.0.2 builds it: the standard
    fields, the raw form as POST_*, the request headers as HTTP_*, and WordPress's own.

    A first check from the comment form carries the comment's fields slashed (`slashed`,
    by default unless it is a re-check); give the text as the commenter wrote it."""
    if slashed is None:
        slashed = "recheck_reason" not in overrides
    slash = wp_slash if slashed else str
    content = slash(overrides.pop("comment_content", HAM_TEXT))
    author = slash(overrides.pop("comment_author", "Giulia Rossi"))
    form: dict[str, Any] = {
        "comment_post_ID": "42", "comment_author": author,
        "comment_author_email": "giulia.rossi@example.it",
        "comment_author_url": "https://giuliarossi.example.it", "comment_content": content,
        "comment_type": "comment", "comment_parent": "0", "user_ID": "0", "user_id": "0",
        "comment_author_IP": "93.44.12.7", "comment_agent": "Mozilla/5.0 Firefox/133.0",
        "comment_date": "2026-12-02 10:15:00", "comment_date_gmt": "2026-12-02 09:15:00",
        "user_ip": "93.44.12.7", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
        "referrer": PERMALINK, "blog": "https://www.ilquotidiano.example",
        "blog_lang": "it_IT", "blog_charset": "UTF-8", "permalink": PERMALINK,
        "akismet_comment_nonce": "passed",
        "POST_comment": content, "POST_author": author, "POST_email": "giulia.rossi@example.it",
        "POST_url": "https://giuliarossi.example.it", "POST_submit": "Invia commento",
        "POST_comment_post_ID": "42", "POST_comment_parent": "0",
        "POST_akismet_comment_nonce": "0123456789", "POST_ak_js": "1733130900123",
        "HTTP_HOST": "www.ilquotidiano.example", "HTTP_USER_AGENT": "Mozilla/5.0 Firefox/133.0",
        "HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "it-IT,it;q=0.9",
        "HTTP_REFERER": PERMALINK, "HTTP_ORIGIN": "https://www.ilquotidiano.example",
        "REMOTE_ADDR": "93.44.12.7", "REQUEST_URI": "/wp-comments-post.php",
        "comment_post_modified_gmt": "2026-11-30 08:00:00",
        "api_key": key,
    }  # fmt: skip
    form.update(overrides)
    return {name: str(value) for name, value in form.items() if value is not None}


def submit_form(key: str, **overrides: Any) -> dict[str, str]:
    """A submit-spam/submit-ham body as WordPress sends it: the stored comment row, its
    fields as first submitted, and the moderator's login as `reporter`."""
    form = wordpress_form(key, slashed=False, **overrides)
    # The stored row and the fields as submitted: no request headers or raw form fields.
    form = {
        name: value for name, value in form.items()
        if not name.startswith(("HTTP_", "POST_", "REQUEST_", "REMOTE_"))
    }  # fmt: skip
    form.setdefault("reporter", "redazione")
    form.setdefault("comment_ID", "17")
    form.setdefault("comment_approved", "0")
    return form
