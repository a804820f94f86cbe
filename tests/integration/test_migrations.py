"""The Alembic migrations build exactly the schema the models describe."""

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy.exc import SAWarning

from service.extensions import db

# Expression indexes cannot be reflected for comparison; the migrations create them by hand.
UNCOMPARABLE = {
    "uq_classifier_versions_one_active",
    "ix_comments_status_site_score",
    "ix_comments_site_article_status_score",
    "ix_comments_search_trgm",  # PostgreSQL only, on an expression (models.search_text)
}


def test_migrated_database_matches_the_models(app: Flask) -> None:
    with db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect the expression index and says so; that index is excluded below.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        warnings.filterwarnings("ignore", "autogenerate skipping", UserWarning)
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    relevant = [
        diff for diff in differences
        if not (isinstance(diff, tuple) and getattr(diff[1], "name", None) in UNCOMPARABLE)
    ]  # fmt: skip
    assert relevant == []
