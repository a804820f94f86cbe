"""How a command reports a domain error: click's own error (its message, exit status 1), never
a traceback."""

from collections.abc import Iterator
from contextlib import contextmanager

import click

from service.errors import DomainError


@contextmanager
def click_errors() -> Iterator[None]:
    """Turn a DomainError raised in the block into a ClickException with its message."""
    try:
        yield
    except DomainError as error:
        raise click.ClickException(error.message) from error
