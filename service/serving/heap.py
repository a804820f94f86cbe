"""Keep what a server process built at start-up out of the garbage collector's full passes.

A full (generation 2) collection walks every object the collector tracks. A web process holds
over a hundred thousand of them after its imports (Flask, SQLAlchemy, psycopg, Celery, Babel),
and a worker more (scikit-learn and SciPy as well). A full pass over them takes tens of
milliseconds, and the web UI's queue page set one off every few dozen requests: that pause
was the page's slowest percentile in `bench.review_page`.

Nearly all of those objects live as long as the process: modules, classes, functions, the app
and its extensions. `gc.freeze()` moves them to the permanent generation, which no collection
visits, so a full pass now walks only what was made since, a small fraction of the time.
CPython's documentation describes it for processes that fork (the worker's pool
then inherits the frozen heap rather than copying its pages when a collection touches them).

The garbage already present is collected first: a frozen reference cycle is never freed.
Frozen objects outside cycles are still freed when their last reference goes, and anything
made after the freeze is collected as usual (caches, a newly activated classifier).
"""

import gc


def freeze_startup_objects() -> None:
    """Collect the start-up garbage, then exempt every live object from later collections."""
    gc.collect()
    gc.freeze()
