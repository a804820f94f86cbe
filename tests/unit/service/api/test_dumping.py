"""FlatDumper gives exactly what marshmallow's own dump gives, for the schemas it serves."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from marshmallow import Schema, fields, post_dump

from service.api.dumping import FlatDumper
from service.api.schemas import comment_schema, moderator_comment_schema

FULL = {
    "id": 7, "site_slug": "il-quotidiano", "article_id": "2026/12/ciclabile", "parent_id": 3,
    "author_name": "Giulia", "author_url": "https://g.example.it", "body": "Bravi! <b>sì</b>",
    "status": "pending", "spam_score": 0.42, "decided_by": "classifier",
    "decision_reason": "uncertain", "created_at": datetime(2026, 12, 2, 6, 0, 1, 5, tzinfo=UTC),
    "decided_at": datetime(2026, 12, 2, 6, 0, 2, tzinfo=UTC), "version": 2,
    "article_url": "https://q.example/a", "article_title": "Titolo", "author_email": "g@x.it",
    "author_ip": "93.44.12.7", "user_agent": "UA", "referrer": "https://q.example/",
    "language": "it", "classifier_version": "base-1",
    "explanation": {"spam": [{"feature": "word: x", "weight": 1.5}], "ham": []},
}  # fmt: skip
EMPTY = {key: None for key in FULL} | {
    "id": 8, "site_slug": "s", "article_id": "a", "author_name": "A", "body": "b",
    "status": "queued", "version": 1, "created_at": datetime(2026, 1, 1, tzinfo=UTC),
}  # fmt: skip


@pytest.mark.parametrize("schema", [comment_schema, moderator_comment_schema])
def test_flat_dump_equals_marshmallows_dump(schema: Schema) -> None:
    items = [SimpleNamespace(**FULL), SimpleNamespace(**EMPTY)]
    assert FlatDumper(schema).dump_many(items) == schema.dump(items, many=True)


@pytest.mark.parametrize("schema", [comment_schema, moderator_comment_schema])
def test_rows_read_by_position_dump_as_objects_do(schema: Schema) -> None:
    columns = ("unused", *reversed(FULL))  # any order, and columns the schema does not show
    rows = [(None, *reversed(item.values())) for item in (FULL, EMPTY)]
    objects = [SimpleNamespace(**FULL), SimpleNamespace(**EMPTY)]
    assert FlatDumper(schema).dump_rows(rows, columns) == schema.dump(objects, many=True)


def test_values_of_another_type_are_formatted_by_the_field() -> None:
    class Loose(Schema):
        count = fields.Integer()
        name = fields.String()
        score = fields.Float()
        counted = fields.Integer(as_string=True)

    item = SimpleNamespace(count=True, name=b"caf\xc3\xa8", score=1, counted=7)
    assert FlatDumper(Loose()).dump(item) == Loose().dump(item)
    assert FlatDumper(Loose()).dump(item) == {
        "count": 1, "name": "cafè", "score": 1.0, "counted": "7"
    }  # fmt: skip


def test_rows_without_a_column_of_the_schema_are_refused() -> None:
    with pytest.raises(ValueError, match="tuple.index"):
        FlatDumper(comment_schema).dump_rows([(1,)], ("id",))


def test_a_schema_with_hooks_is_refused() -> None:
    class Hooked(Schema):
        id = fields.Integer()

        @post_dump
        def shout(self, data: dict, **_: object) -> dict:
            return data

    with pytest.raises(ValueError, match="hooks"):
        FlatDumper(Hooked())
