"""The layer between the WSGI servers and the app: server error pages and request limits."""
