"""The webhook schemas' description of a secret takes exactly what check_secret takes."""

import base64
import re

import pytest

from service.api.webhook_schemas import SECRET_PATTERN
from service.errors import InvalidInput
from service.webhooks.endpoints import check_secret


@pytest.mark.parametrize("size", range(20, 70))
def test_the_secret_pattern_is_the_check(size: int) -> None:
    secret = "whsec_" + base64.b64encode(bytes(range(size))).decode()
    try:
        check_secret(secret)
        accepted = True
    except InvalidInput:
        accepted = False
    assert bool(re.fullmatch(SECRET_PATTERN, secret)) == accepted == (24 <= size <= 64)


@pytest.mark.parametrize("secret", ["whsec_" + "A" * 31, "whsec_" + "A" * 28, "0" * 40])
def test_a_malformed_secret_matches_neither(secret: str) -> None:
    assert not re.fullmatch(SECRET_PATTERN, secret)
    with pytest.raises(InvalidInput):
        check_secret(secret)
