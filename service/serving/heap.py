"""Keep what a server process built at start-up out of the garbage collector's full passes.

A full (generation 2) collection walks every object the collector tracks. A web process holds
about 140,000 of them after its imports (Flask, SQLAlchemy, psycopg, Celery, Babel), and a
worker about 214,000 (scikit-learn and SciPy as well). On this 2-core machine a full pass took
70-100 ms in the web process and 125-147 ms in the worker, and the web UI's queue page set one
off about every 50 requests. That was the p99 of `bench.review_page`: 104-131 ms, against
16-34 ms at p50.

Nearly all of those objects live as long as the process: modules, classes, functions, the app
and its extensions. `gc.freeze()` moves them to the permanent generation, which no collection
visits, so a full pass now walks only what was made since. The same pass took 1.4-3.1 ms after
the freeze. CPython's documentation describes it for processes that fork (the worker's pool
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
