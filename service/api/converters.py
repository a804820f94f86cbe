"""URL converters for the API's routes."""

from werkzeug.routing import IntegerConverter, Map

from models import INTEGER_MAX


def decimal_range(maximum: int) -> str:
    """A regular expression of the decimal numbers 1 to `maximum`, leading zeros allowed.

    Written out rather than left to IntegerConverter's `max`: a number the regex takes but
    `to_python` refuses makes Werkzeug report the route's other methods (a 405 for DELETE
    /webhooks/2147483648, since GET matched the path first) instead of no route (404).
    """
    digits = str(maximum)
    shorter = f"[1-9][0-9]{{0,{len(digits) - 2}}}" if len(digits) > 1 else ""
    same_length = [
        f"{digits[:position]}[{'1' if position == 0 else '0'}-{int(digit) - 1}]"
        f"[0-9]{{{len(digits) - position - 1}}}"
        for position, digit in enumerate(digits)
        if int(digit) > (1 if position == 0 else 0)
    ]
    return "0*(?:" + "|".join(filter(None, [shorter, *same_length, digits])) + ")"


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id, 1 to INTEGER_MAX in ASCII digits.

    Anything else matches no route (a 404: no such row can exist), so no query ever receives
    an id its integer column cannot hold.
    """

    regex = decimal_range(INTEGER_MAX)  # Werkzeug's `\d+` would also take other scripts' digits

    def __init__(self, map: Map) -> None:
        super().__init__(map, min=1, max=INTEGER_MAX)
