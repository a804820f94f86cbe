"""With the database unreachable, comment-check answers neither `true` nor `false`, so
WordPress holds the comment and checks it again later: nothing is published unchecked."""

from pathlib import Path

from service.akismet import create_akismet_app
from service.extensions import db
from tests.support.akismet import wordpress_form
from tests.support.backends import app_config
from tests.support.processes import free_port


def test_a_check_while_the_database_is_down_is_held_by_the_client(tmp_path: Path) -> None:
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/moderato"
    config = app_config("postgresql", tmp_path, SQLALCHEMY_DATABASE_URI=nowhere,
                        BROKER_URL="memory://")  # fmt: skip
    app = create_akismet_app(config)
    try:
        response = app.test_client().post("/1.1/comment-check", data=wordpress_form("0123456789ab"))
        assert response.status_code == 503
        assert response.text.strip() not in {"true", "false"}
        assert response.headers["Retry-After"]
    finally:
        with app.app_context():
            db.engine.dispose()  # not dispose_app: kombu's pools are shared by broker URL
