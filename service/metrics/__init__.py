"""Metrics: every Prometheus metric, defined once (definitions), the folder in which a server's
processes share them (multiprocess_dir), and what a scrape reads (exposition).

This package's own import loads nothing: multiprocess_dir must run before prometheus_client is
imported.
"""
