"""Intake never loses an accepted comment, even with the broker down."""

from pathlib import Path

from models import Comment
from service.extensions import db
from tests.support.backends import build_app, clean_database, dispose_app
from tests.support.factories import bearer, comment_payload, create_site
from tests.support.processes import free_port


def test_with_the_broker_down_a_submission_still_gets_its_202_and_is_stored(
    postgres_database: str, tmp_path: Path
) -> None:
    dead_broker = f"redis://127.0.0.1:{free_port()}/0"
    app = build_app("postgresql", tmp_path, BROKER_URL=dead_broker)
    with app.app_context():
        clean_database()
        try:
            site = create_site()
            response = app.test_client().post(
                "/api/v1/comments", json=comment_payload(), headers=bearer(site.api_key)
            )
            assert response.status_code == 202
            stored = db.session.get(Comment, response.get_json()["id"])
            assert stored is not None
            assert stored.status == "queued"
        finally:
            clean_database()
    dispose_app(app)
