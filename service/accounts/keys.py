"""API keys: random secrets with a readable prefix, stored only as hashes."""

import hashlib
import secrets

SITE_KEY_PREFIX = "sk_"
MODERATOR_TOKEN_PREFIX = "mk_"  # noqa: S105 - a public prefix, not a secret
DISPLAY_PREFIX_LENGTH = 10


def generate_key(prefix: str) -> str:
    """A new secret: the prefix and 256 random bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """The stored form of a key.

    A plain SHA-256 is enough here (no bcrypt/argon2): the keys carry 256 random bits, so
    there is nothing to brute-force, and a fast hash keeps per-request lookups cheap.
    """
    return hashlib.sha256(key.encode()).hexdigest()


def display_prefix(key: str) -> str:
    """The start of a key, safe to show so an operator can tell keys apart."""
    return key[:DISPLAY_PREFIX_LENGTH]
