"""WSGI entry point of the Akismet process: `gunicorn service.akismet.wsgi:app`."""

from service.akismet import create_akismet_app

app = create_akismet_app()
