"""WSGI entry point for gunicorn: `gunicorn service.wsgi:app`."""

from service import create_app
from service.serving.heap import freeze_startup_objects

app = create_app()
freeze_startup_objects()  # gunicorn imports this in each worker process: see heap.py
