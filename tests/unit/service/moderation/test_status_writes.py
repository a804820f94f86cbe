"""The contract behind "one gate": no module but the gate changes a stored comment's status.

import-linter sees imports, not statements, so this reads the source itself: every UPDATE of
the comments table (Core `update(...)`, the ORM's `query(Comment).update(...)`, raw SQL) and
every assignment to a comment's decision attributes must stand in the gate. A new comment's
row is built in one place (new_comments.py) and stored by intake (as `queued`) or by the gate
(already decided).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
SOURCES = ("service", "workers")
GATE = "service/moderation/gate.py"
NEW_COMMENTS = "service/moderation/new_comments.py"
COMMENT_TABLE_NAMES = {"COMMENTS", "Comment", "CommentTable"}
DECISION_ATTRIBUTES = {
    "status", "decided_by", "decided_by_id", "decided_by_kind", "decision_reason",
}  # fmt: skip


def names_comment_table(node: ast.AST) -> bool:
    """`COMMENTS`, `Comment`, or `Comment.__table__`."""
    if isinstance(node, ast.Name):
        return node.id in COMMENT_TABLE_NAMES
    return isinstance(node, ast.Attribute) and names_comment_table(node.value)


def called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def writes(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """(kind, line) of each write to comments' rows that the module makes."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = called_name(node)
            if name in {"update", "insert"} and node.args and names_comment_table(node.args[0]):
                yield name, node.lineno
            receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
            if name == "update" and receiver and "query(Comment" in ast.unparse(receiver):
                yield "update", node.lineno
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in DECISION_ATTRIBUTES:
                    yield "assignment", node.lineno
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield from sql_updates(node.value, node.lineno)


def sql_updates(text: str, line: int) -> Iterator[tuple[str, int]]:
    """An UPDATE of the comments table written as SQL text."""
    if "update comments" in " ".join(text.lower().split()):
        yield "update", line


def source_files() -> Iterator[Path]:
    for folder in SOURCES:
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_only_the_gate_updates_comments_and_only_new_comments_inserts_them() -> None:
    found = {}
    for path in source_files():
        relative = path.relative_to(ROOT).as_posix()
        for kind, line in writes(ast.parse(path.read_text(), relative)):
            found.setdefault((kind, relative), []).append(line)
    allowed = {("update", GATE), ("insert", NEW_COMMENTS)}
    assert {key: lines for key, lines in found.items() if key not in allowed} == {}
    # The scan is not blind: it does see the gate's UPDATE and the one INSERT.
    assert ("update", GATE) in found
    assert ("insert", NEW_COMMENTS) in found


@pytest.mark.parametrize(
    "source",
    [
        "db.session.execute(update(COMMENTS).values(status='approved'))",
        "db.session.execute(sa.update(Comment).where(Comment.id == 1).values(status='x'))",
        "db.session.query(Comment).filter_by(id=1).update({'status': 'x'})",
        "comment.status = 'rejected'",
        "db.session.execute(text('UPDATE  comments SET status = :s'))",
        "insert(Comment.__table__).values(status='approved')",
    ],
)
def test_the_scan_catches_each_way_of_writing_a_status(source: str) -> None:
    assert list(writes(ast.parse(source)))


def test_the_scan_leaves_other_tables_alone() -> None:
    source = "update(Delivery).values(status='sent')\ndelivery_values.update(status='x')"
    assert list(writes(ast.parse(source))) == []
