import pytest

from service.errors import InvalidInput
from service.pagination import decode_cursor, encode_cursor


def test_a_cursor_round_trips_its_key() -> None:
    cursor = encode_cursor("score", [0.8734, 42])
    assert decode_cursor(cursor, "score") == [0.8734, 42]


def test_a_cursor_is_only_valid_for_its_own_order() -> None:
    with pytest.raises(InvalidInput):
        decode_cursor(encode_cursor("oldest", [3]), "newest")


@pytest.mark.parametrize("garbage", ["", "%%%", "bm90IGpzb24", "e30"])
def test_garbage_cursors_are_a_validation_error(garbage: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        decode_cursor(garbage, "oldest")
    assert "cursor" in caught.value.fields
