"""Celery wired the way the Flask docs do it (docs/patterns/celery.rst)."""

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for `app`; every task runs inside an app context."""

    class FlaskTask(Task):
        flask_app = app  # for task classes that cannot inherit this one (workers/batching.py)

        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
