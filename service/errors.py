"""Domain errors. They carry a stable code and a message, never an HTTP status: each entry
point (the JSON API, the CLI, later the web UI and the Akismet endpoint) maps them itself."""


class DomainError(Exception):
    """An error with a stable code that a caller can act on."""

    code = "error"
    message = "The request could not be carried out."

    def __init__(self, message: str | None = None, *, fields: dict[str, str] | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields or {}


class Unauthenticated(DomainError):
    code, message = "unauthorized", "A valid key is required."


class Forbidden(DomainError):
    code, message = "forbidden", "This key is not allowed here."


class NotFound(DomainError):
    code, message = "not_found", "No such resource."


class CommentNotFound(NotFound):
    message = "No such comment."


class Conflict(DomainError):
    """The request clashes with the current state of things."""

    code, message = "conflict", "The request conflicts with the current state."


class InvalidTransition(Conflict):
    code, message = "invalid_transition", "The comment is already in that state."


class UndoUnavailable(Conflict):
    """The decision can no longer be undone (too late, or not the comment's last decision)."""

    code, message = "undo_unavailable", "This decision can no longer be undone."


class ArticleClosed(Conflict):
    """A comment on an article closed to comments (by hand, or by the site's
    close_after_days)."""

    code, message = "article_closed", "This article is closed to new comments."


class AlreadyExists(Conflict):
    code, message = "already_exists", "That name is taken."


class StaleVersion(DomainError):
    """The caller's copy is out of date (a stale If-Match)."""

    code = "precondition_failed"
    message = "The comment has changed since you read it (If-Match is stale)."


class InvalidInput(DomainError):
    code, message = "validation_failed", "The request has invalid fields."


class IdempotencyKeyReused(InvalidInput):
    """An Idempotency-Key sent again with a different request."""

    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used with a different request."


class IdempotencyKeyInUse(Conflict):
    """Other requests with the same Idempotency-Key keep taking it: the client should retry."""

    code = "idempotency_key_in_use"
    message = "Another request with this Idempotency-Key is being handled; try again."
