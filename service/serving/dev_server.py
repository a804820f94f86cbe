"""Werkzeug's development server, as `moderato serve` runs it, with JSON error pages."""

from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server, run_simple

from service.serving.answers import error_body


class JsonErrorRequestHandler(WSGIRequestHandler):
    """Answers the errors http.server finds itself (400, 414, 431, 505) in the JSON shape."""

    error_content_type = "application/json"
    # A request line without a version is taken as HTTP/0.9, whose answers have no status line
    # or headers, so even a malformed request would get a bare body; answer as HTTP/1.0.
    default_request_version = "HTTP/1.0"

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> Any:
        """http.server's send_error (status line, log, Connection: close) with our body."""
        # send_error %-formats error_message_format; ours is fixed per status, so escape '%'.
        self.error_message_format = error_body(code).decode().replace("%", "%%")
        return super().send_error(code, message, explain)


def run_dev_server(app: Flask, host: str, port: int) -> None:
    """Serve `app` until interrupted."""
    # Werkzeug's server directly: Flask ignores app.run() inside its own CLI.
    run_simple(
        host, port, app, threaded=True, use_reloader=False,
        request_handler=JsonErrorRequestHandler,
    )  # fmt: skip


def make_dev_server(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """The same server, bound and not yet serving, for a caller that controls its shutdown."""
    return make_server(host, port, app, threaded=True, request_handler=JsonErrorRequestHandler)
