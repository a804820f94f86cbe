"""A worker process's cache of stored classifier versions (workers/classifiers.py)."""

from flask import Flask

from classifier import LabelledData
from service.learning.classifiers import DatabaseClassifiers
from service.learning.training import ensure_default_classifier, train_and_store
from service.learning.versions import activate_version
from tests.support.factories import create_site

SPAM = [
    "win money now at luckyspin.xyz",
    "free casino bonus, click here",
    "subscribe to my channel",
]
HAM = ["the mayor is right about traffic", "great article, thanks", "I disagree with the author"]


def give_each_site_its_own_version(count: int) -> dict[int, str]:
    """Create `count` sites, each with a version of its own in force; return id -> version."""
    versions = {}
    for number in range(count):
        site = create_site().site
        extra = [f"buy cheap watches {number}", f"local news {number} was interesting"]
        data = LabelledData(SPAM + HAM + extra, [1, 1, 1, 0, 0, 0, 1, 0])
        stored = train_and_store(data, {"source": "test"}, progress=False)
        activate_version(stored, site=site, actor="test")
        versions[site.id] = stored.version
    return versions


def test_each_site_gets_the_version_in_force_for_it(pg_app: Flask) -> None:
    ensure_default_classifier()
    versions = give_each_site_its_own_version(2)
    cache = DatabaseClassifiers(refresh_seconds=60)
    for site_id, version in versions.items():
        assert cache.for_site(site_id).version == version
        assert cache.for_site(site_id) is cache.for_site(site_id)  # loaded once


def test_at_most_max_loaded_versions_stay_in_memory(pg_app: Flask) -> None:
    ensure_default_classifier()
    versions = give_each_site_its_own_version(3)
    cache = DatabaseClassifiers(refresh_seconds=60, max_loaded=2)
    first, second, third = versions
    kept = cache.for_site(first)
    cache.for_site(second)
    cache.for_site(first)  # used again: now the second is the least recently used
    cache.for_site(third)
    assert len(cache.loaded) == 2
    assert cache.for_site(first) is kept
    # The evicted version loads again on demand, still the right one.
    assert cache.for_site(second).version == versions[second]
    assert len(cache.loaded) == 2
