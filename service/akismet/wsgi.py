"""WSGI entry point of the Akismet process: `gunicorn service.akismet.wsgi:app`."""

from service.akismet import create_akismet_app
from service.akismet.scoring import warm_up

app = create_akismet_app()
warm_up(app)
