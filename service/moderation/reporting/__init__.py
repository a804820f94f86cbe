"""Reporting: figures read from the records: the dashboard, the Akismet checks' figures, the
comments waiting as gauges, and decisions as metrics.
"""
