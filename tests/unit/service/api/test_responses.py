"""Pages encoded by orjson say what marshmallow's dump says (service/api/responses.py)."""

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask import Flask

from service.accounts.auth import ModeratorRef, Principal, SiteRef
from service.api.responses import page_json
from service.api.schemas import comment_schema, moderator_comment_schema
from service.pagination import Page
from tests.unit.service.api.test_dumping import EMPTY, FULL

SITE = SiteRef(1, "il-quotidiano")
CALLERS = {
    "moderator": (Principal(moderator=ModeratorRef(1, "alice", (SITE,))), moderator_comment_schema),
    "site": (Principal(site=SITE), comment_schema),
}


@pytest.mark.parametrize("caller", CALLERS)
def test_a_page_encoded_by_orjson_equals_marshmallows_dump(caller: str) -> None:
    principal, schema = CALLERS[caller]
    later = FULL | {"created_at": datetime(2026, 12, 2, 23, 59, 59, 999999, tzinfo=UTC)}
    items = [FULL, EMPTY, later]
    columns = tuple(FULL)
    page = Page([tuple(item.values()) for item in items], "next", columns=columns)
    with Flask(__name__).app_context():
        answer = page_json(page, principal)
    assert answer.mimetype == "application/json"
    objects = [SimpleNamespace(**item) for item in items]
    expected = {"items": schema.dump(objects, many=True), "next_cursor": "next"}
    assert json.loads(answer.get_data()) == expected
    assert answer.get_data(as_text=True).endswith("}\n")
