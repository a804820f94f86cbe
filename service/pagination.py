"""Opaque keyset cursors: a page continues strictly after the last item of the previous one."""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from service.errors import InvalidInput


@dataclass(frozen=True)
class Page:
    """A page of results and the cursor of the next one (None on the last page).

    `columns`, when set, says that the items are rows (tuples) of these columns in this order,
    so that a dumper may read them by position (service/api/dumping.py).
    """

    items: list[Any]
    next_cursor: str | None
    columns: tuple[str, ...] | None = None


def encode_cursor(order: str, key: list[Any]) -> str:
    """Pack the sort key of the last item into an opaque string."""
    raw = json.dumps({"o": order, "k": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: str) -> list[Any]:
    """Unpack a cursor made by `encode_cursor` for the same order, or raise a 422.

    The caller still checks the key's values: a forged cursor can hold any JSON.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()), parse_constant=refuse)
        key = payload["k"]
        if payload["o"] != order or not isinstance(key, list):
            raise ValueError(order)
    # RecursionError: a forged cursor can nest thousands of arrays deep.
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError) as error:
        raise invalid_cursor() from error
    return key


def invalid_cursor() -> InvalidInput:
    """The 422 for a cursor this listing did not make."""
    return InvalidInput(fields={"cursor": "Invalid cursor for this listing."})


def refuse(constant: str) -> Any:
    """Refuse NaN and Infinity, which `encode_cursor` never writes."""
    raise ValueError(constant)
