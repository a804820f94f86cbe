"""Celery app entry point, tasks and the spam classifier."""
