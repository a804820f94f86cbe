"""Signing in (name and password, or an API token) and out."""

from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from service.accounts import logins
from service.accounts.passwords import WrongCredentials
from service.web import bp
from service.web.sessions import sign_in, sign_out, signed_in_moderator


def login_limits() -> logins.LoginLimits:
    """The failed-login limit, from the configuration."""
    config = current_app.config
    return logins.LoginLimits(
        per_name=int(config["WEB_LOGIN_MAX_FAILURES"]),
        per_address=int(config["WEB_LOGIN_MAX_FAILURES_PER_ADDRESS"]),
        window_seconds=float(config["WEB_LOGIN_WINDOW_SECONDS"]),
    )


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a page of the UI only, never another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/moderate/"):
            return target
    return url_for("web.queue")


@bp.get("/login")
def login() -> Response | str:
    """The sign-in form (the queue, for a moderator already signed in)."""
    if signed_in_moderator() is not None:
        return redirect(url_for("web.queue"))
    return render_template("web/login.html", next=request.args.get("next", ""))


@bp.post("/login")
def submit_login() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Check the name and password, or the token, under the failed-login limit."""
    form = request.form
    name, password, token = form.get("name", ""), form.get("password", ""), form.get("token", "")
    address = request.remote_addr or "unknown"
    try:
        if token.strip():
            moderator = logins.log_in_with_token(token.strip(), address, login_limits())
        else:
            moderator = logins.log_in_with_password(name.strip(), password, address, login_limits())
    except WrongCredentials:
        error = gettext("Wrong name and password, or wrong token.")
        return render_template("web/login.html", error=error, name=name, next=form.get("next")), 401
    except logins.TooManyFailedLogins as limited:
        error = gettext("Too many failed sign-ins. Try again in %(minutes)d minutes.",
                        minutes=max(1, limited.retry_after // 60))  # fmt: skip
        # A name locked out by password guesses can still come in with its API token.
        token_open = not token.strip() and logins.token_login_allowed(address, login_limits())
        if token_open:
            error += " " + gettext("Signing in with your API token (below) still works.")
        page = render_template("web/login.html", error=error, name=name, next=form.get("next"),
                               token_open=token_open)  # fmt: skip
        return page, 429, {"Retry-After": str(limited.retry_after)}
    sign_in(moderator)
    return redirect(safe_next(form.get("next")))


@bp.post("/logout")
def logout() -> Response:
    """End the session."""
    sign_out()
    return redirect(url_for("web.login"))
