"""Server processes freeze their start-up heap, so full collections skip it (heap.py)."""

from pathlib import Path

import pytest

from tests.support.interpreter import json_printed_last

# Prints what share of the tracked objects is frozen, and whether a reference cycle made
# after the entry point's import is still collected.
PROBE = """
import gc, json, weakref
class Node: pass
cycle = Node(); cycle.me = cycle; alive = weakref.ref(cycle); del cycle
gc.collect()
frozen = gc.get_freeze_count()
print(json.dumps({"frozen": frozen / (frozen + len(gc.get_objects())), "cycle": alive() is None}))
"""


def after_import(code: str, tmp_path: Path) -> dict[str, float]:
    return dict(json_printed_last(f"{code}\n{PROBE}", tmp_path))


@pytest.mark.parametrize(
    "entry_point", ["service.wsgi", "service.akismet.wsgi", "workers.celery_app"]
)
def test_a_server_process_freezes_what_it_built_at_start_up(
    entry_point: str, tmp_path: Path
) -> None:
    seen = after_import(f"import {entry_point}", tmp_path)
    assert seen["frozen"] > 0.95
    assert seen["cycle"] is True  # what comes later is collected as before


def test_without_the_entry_point_nothing_is_frozen(tmp_path: Path) -> None:
    # Guards the test above: importing the app alone freezes nothing.
    assert after_import("import service", tmp_path)["frozen"] == 0


def test_garbage_from_before_the_freeze_is_collected_not_frozen(tmp_path: Path) -> None:
    code = """
import gc, json, weakref
from service.serving.heap import freeze_startup_objects
class Node: pass
gc.disable()  # as if no collection had run since the cycle was made
cycle = Node(); cycle.me = cycle; before = weakref.ref(cycle); del cycle
freeze_startup_objects()
gc.enable()
print(json.dumps({"collected": before() is None}))
"""
    assert json_printed_last(code, tmp_path) == {"collected": True}
