"""Celery for Moderato: the app wired as the Flask docs do it (wiring), the Redis transport it
publishes through, and the workers' heartbeats.
"""
