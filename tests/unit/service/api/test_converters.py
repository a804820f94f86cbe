"""Row ids in paths: 1 to INTEGER_MAX match a route, nothing else does (a 404, never a 405)."""

import re

import pytest
from flask import Flask
from werkzeug.exceptions import NotFound

from models import INTEGER_MAX
from service.api.converters import IdConverter, decimal_range


@pytest.mark.parametrize("maximum", [1, 7, 9, 10, 99, 100, 307, 1000, 2_147_483_647])
def test_the_range_takes_exactly_1_to_its_maximum(maximum: int) -> None:
    pattern = re.compile(decimal_range(maximum))
    near = {1, 2, 9, 10, 11, maximum - 1, maximum, maximum + 1, maximum * 10}
    for number in sorted(range(0, 1200) if maximum <= 1000 else near):
        assert bool(pattern.fullmatch(str(number))) == (1 <= number <= maximum), number
    assert pattern.fullmatch("007") if maximum >= 7 else True
    assert not pattern.fullmatch("0")
    assert not pattern.fullmatch("١")  # another script's digit


def test_an_id_out_of_range_is_no_route_whatever_the_method() -> None:
    app = Flask(__name__)
    app.url_map.converters["id"] = IdConverter
    app.add_url_rule("/things/<id:thing_id>", "get_thing", lambda thing_id: "", methods=["GET"])
    app.add_url_rule("/things/<id:thing_id>", "delete", lambda thing_id: "", methods=["DELETE"])
    urls = app.url_map.bind("localhost")
    assert urls.match(f"/things/{INTEGER_MAX}", method="DELETE") == (
        "delete",
        {"thing_id": INTEGER_MAX},
    )
    for method in ["GET", "DELETE"]:
        with pytest.raises(NotFound):
            urls.match(f"/things/{INTEGER_MAX + 1}", method=method)
