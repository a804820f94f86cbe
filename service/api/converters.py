"""URL converters for the API's routes."""

from werkzeug.routing import IntegerConverter, Map

from models import INTEGER_MAX


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id, 1 to INTEGER_MAX in ASCII digits.

    Anything else matches no route (a 404: no such row can exist), so no query ever receives
    an id its integer column cannot hold.
    """

    regex = "[0-9]{1,10}"  # Werkzeug's `\d+` would also take other scripts' digits

    def __init__(self, map: Map) -> None:
        super().__init__(map, min=1, max=INTEGER_MAX)
