"""WSGI entry point of the Akismet process: `gunicorn service.akismet.wsgi:app`."""

from service.akismet import create_akismet_app
from service.akismet.scoring import warm_up
from service.serving.heap import freeze_startup_objects

app = create_akismet_app()
warm_up(app)
freeze_startup_objects()  # after the warm-up's imports: see service/serving/heap.py
