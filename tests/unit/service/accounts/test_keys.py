from service.accounts.keys import (
    MODERATOR_TOKEN_PREFIX,
    SITE_KEY_PREFIX,
    display_prefix,
    generate_key,
    hash_key,
)


def test_keys_carry_a_readable_prefix_and_are_unique() -> None:
    keys = {generate_key(SITE_KEY_PREFIX) for _ in range(100)}
    assert len(keys) == 100
    assert all(key.startswith("sk_") and len(key) > 40 for key in keys)
    assert generate_key(MODERATOR_TOKEN_PREFIX).startswith("mk_")


def test_the_stored_hash_does_not_contain_the_key() -> None:
    key = generate_key(SITE_KEY_PREFIX)
    digest = hash_key(key)
    assert digest == hash_key(key)
    assert key not in digest
    assert key[3:] not in digest
    assert len(digest) == 64


def test_the_display_prefix_is_short() -> None:
    key = generate_key(SITE_KEY_PREFIX)
    assert key.startswith(display_prefix(key))
    assert len(display_prefix(key)) == 10
