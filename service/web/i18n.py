"""Which language a page is in: the moderator's choice, else Accept-Language, else the default."""

from flask import current_app, request, session

LANGUAGES = {"it": "Italiano", "en": "English"}
SESSION_KEY = "language"


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    best = request.accept_languages.best_match(list(LANGUAGES)) if request else None
    return best or str(current_app.config["WEB_DEFAULT_LOCALE"])


def choose_language(code: str) -> bool:
    """Remember the moderator's language for this session; False for an unknown one."""
    if code not in LANGUAGES:
        return False
    session[SESSION_KEY] = code
    return True
