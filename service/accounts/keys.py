"""API keys: random secrets with a readable prefix, stored only as hashes."""

import hashlib
import re
import secrets

SITE_KEY_PREFIX = "sk_"
MODERATOR_TOKEN_PREFIX = "mk_"  # noqa: S105 - a public prefix, not a secret
DISPLAY_PREFIX_LENGTH = 10
# WordPress's Akismet plugin (5.0.2) keeps only 12 hexadecimal digits of whatever is typed
# into its settings form, so a site's Akismet-compatible key has exactly that shape.
AKISMET_KEY_PATTERN = re.compile(r"[0-9a-f]{12}")


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


# scrypt's cost for Akismet keys: 4 MiB and a few milliseconds per hash.
AKISMET_SCRYPT = {"n": 2**12, "r": 8, "p": 1, "dklen": 32, "maxmem": 16 * 1024 * 1024}
AKISMET_SCRYPT_SALT = b"moderato-akismet-key"


def generate_akismet_key() -> str:
    """A new Akismet-compatible key: 12 random hexadecimal digits (48 bits).

    Shorter than our own keys because WordPress accepts nothing else. 48 random bits still
    leave an online guesser about 2**47 requests per hit; the key reaches one site's checks
    and labels only.
    """
    return secrets.token_hex(6)


def hash_akismet_key(key: str) -> str:
    """The stored form of an Akismet key (already normalised).

    Not SHA-256 as for our own keys: 48 bits are few enough that a leaked SHA-256 could be
    reversed by trying every key (2**48 hashes: hours on one GPU). scrypt makes each try cost
    memory and milliseconds, so trying them all is out of reach. The salt is fixed because the
    hash is looked up (a unique index); each process pays the cost once per key and
    KEY_CACHE_SECONDS, not per request.
    """
    digest = hashlib.scrypt(key.encode(), salt=AKISMET_SCRYPT_SALT, **AKISMET_SCRYPT)
    return digest.hex()


def normalise_akismet_key(key: str) -> str | None:
    """The key in its stored form (lower case), or None if it cannot be an Akismet key."""
    key = key.strip().lower()
    return key if AKISMET_KEY_PATTERN.fullmatch(key) else None
