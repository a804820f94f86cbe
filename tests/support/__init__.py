"""Test helpers: backends, factories, worker processes."""
