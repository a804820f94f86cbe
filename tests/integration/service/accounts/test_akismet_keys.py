"""Akismet keys: resolved through the per-process cache without paying scrypt again."""

import pytest
from flask import Flask

from service.accounts import auth
from service.accounts.auth import AkismetSite, KeyCache, authenticate_akismet_key
from service.errors import Unauthenticated
from tests.support.factories import create_site


@pytest.fixture
def scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every key whose stored (scrypt) digest is computed, in order."""
    calls: list[str] = []
    real = auth.hash_akismet_key

    def counting(key: str) -> str:
        calls.append(key)
        return real(key)

    monkeypatch.setattr(auth, "hash_akismet_key", counting)
    return calls


def test_a_cached_key_costs_no_second_scrypt(app: Flask, scrypt_calls: list[str]) -> None:
    new = create_site("Il Quotidiano")
    cache = KeyCache[AkismetSite](ttl=60)

    first = authenticate_akismet_key(new.akismet_key, cache)
    again = authenticate_akismet_key(new.akismet_key.upper(), cache)  # the same key, normalised

    assert first == again
    assert first.slug == new.site.slug
    assert scrypt_calls == [new.akismet_key]
    assert new.akismet_key not in cache.entries  # the raw key is never a cache key


def test_without_a_cache_every_call_resolves_the_key(app: Flask, scrypt_calls: list[str]) -> None:
    new = create_site("Il Quotidiano")

    authenticate_akismet_key(new.akismet_key)
    authenticate_akismet_key(new.akismet_key)

    assert len(scrypt_calls) == 2


def test_an_unknown_key_is_refused_and_not_cached(app: Flask) -> None:
    cache = KeyCache[AkismetSite](ttl=60)

    with pytest.raises(Unauthenticated):
        authenticate_akismet_key("0123456789ab", cache)

    assert cache.entries == {}
