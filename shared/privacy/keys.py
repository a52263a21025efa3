"""Master keys from configuration: the key ring that wraps data keys, and the blind-index key (P1, P4).

``XINFANG_PII_KEYS`` is a comma-separated list of ``kid:key`` entries, each key 32 bytes written in
base64url (padding optional). The **first** entry is the active key: new data keys are wrapped under it.
The others still unwrap older data keys, which is how a master key is rotated:

1. prepend a new key (``k2:...,k1:...``) and restart — new subjects use ``k2``;
2. run :meth:`shared.privacy.vault.Vault.rewrap_all` — every stored data key is re-wrapped under
   ``k2`` (no event is touched: events hold ciphertext made with the data keys, which do not change);
3. once :meth:`~shared.privacy.vault.Vault.key_usage` shows nothing under ``k1``, remove ``k1`` from the
   configuration and destroy it. Copies of the old wrapped keys (backups, PostgreSQL dead tuples, SQLite
   WAL frames) are unreadable from then on.

The bare entry ``dev`` stands for the development key (below); it lets an embedded installation that
started without keys move to real ones (``XINFANG_PII_KEYS=k1:...,dev``, then ``rewrap_all``).
Production refuses it.

``XINFANG_PII_INDEX_KEY`` is one base64url key of 32 bytes for :mod:`shared.privacy.index`. It has no
kid: rotating it means recomputing every stored index from decrypted values.

With neither variable set, embedded mode derives *development* keys from a fixed public seed and marks
them as such (:attr:`KeyRing.development`); they protect nothing and production refuses to start
without configured keys (``shared/settings.py``). Generate a key with
``python -m shared.privacy.keys <kid>`` (an index key with ``--index``).

Error messages name the entry and the problem, never key material. :class:`KeyConfigError` is
deliberately not a ``ValueError``: pydantic would wrap a ``ValueError`` raised in a settings validator
and print the raw input — the keys — along with it.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

if TYPE_CHECKING:
    from shared.settings import Settings

KEY_BYTES = 32
DEV_KID = "dev"
#: Public on purpose: development keys are derived from it and protect nothing.
DEV_SEED = b"xinfang-embedded-development-keys-not-secret"
_KID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")

KEYS_VARIABLE = "XINFANG_PII_KEYS"
INDEX_KEY_VARIABLE = "XINFANG_PII_INDEX_KEY"


class KeyConfigError(Exception):
    """The key configuration is missing or malformed. The message never contains key material."""


class UnknownKeyId(LookupError):
    """A stored data key names a master key that is not in the ring (it was removed too early)."""


#: The value the example manifests carry where a real key must go; production refuses it.
PLACEHOLDER_KEY = bytes(32)


def development_key(purpose: str) -> bytes:
    """A deterministic 32-byte key for ``purpose``, derived from :data:`DEV_SEED` (not a secret)."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=f"xinfang-dev:{purpose}".encode()
    )
    return hkdf.derive(DEV_SEED)


def encode_key(key: bytes) -> str:
    """base64url without padding, the form the configuration uses."""
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")


def decode_key(text: str, *, what: str) -> bytes:
    """A 32-byte key from base64url (or standard base64), padding optional."""
    cleaned = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    if not cleaned:
        raise KeyConfigError(f"{what} is empty: give {KEY_BYTES} bytes in base64url")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", cleaned):
        raise KeyConfigError(f"{what} is not base64url (letters, digits, '-' and '_' only)")
    try:
        raw = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        raise KeyConfigError(f"{what} is not valid base64url") from None
    if len(raw) != KEY_BYTES:
        raise KeyConfigError(
            f"{what} is {len(raw)} bytes; AES-256 and HMAC-SHA256 keys here are {KEY_BYTES} bytes"
        )
    return raw


def generate_key_entry(kid: str) -> str:
    """A fresh ``kid:key`` entry for ``XINFANG_PII_KEYS`` (or, without the ``kid:``, an index key)."""
    if not _KID.fullmatch(kid):
        raise KeyConfigError(f"kid {kid!r} must be 1-32 letters, digits, '.', '_' or '-'")
    if kid == DEV_KID:
        raise KeyConfigError(f"the kid {DEV_KID!r} is reserved for the development key")
    return f"{kid}:{encode_key(secrets.token_bytes(KEY_BYTES))}"


@dataclass(frozen=True)
class KeyRing:
    """Master keys by kid; :attr:`active_kid` wraps new data keys, every key unwraps."""

    keys: Mapping[str, bytes] = field(repr=False)
    active_kid: str
    #: True when any key in the ring is the public development key.
    development: bool = False

    def __post_init__(self) -> None:
        if self.active_kid not in self.keys:
            raise KeyConfigError(f"the active kid {self.active_kid!r} is not in the ring")
        for kid, key in self.keys.items():
            if len(key) != KEY_BYTES:
                raise KeyConfigError(f"key {kid!r} is {len(key)} bytes; master keys are {KEY_BYTES} bytes")

    def key(self, kid: str) -> bytes:
        try:
            return self.keys[kid]
        except KeyError:
            raise UnknownKeyId(
                f"master key {kid!r} is not in {KEYS_VARIABLE}: a data key is still wrapped under it "
                "(put it back, run rewrap_all, and remove it only when key_usage shows nothing under it)"
            ) from None

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self.keys)

    @classmethod
    def development_ring(cls) -> KeyRing:
        return cls({DEV_KID: development_key("kek")}, DEV_KID, development=True)


def parse_key_ring(text: str, *, allow_dev: bool = True) -> KeyRing:
    """Parse ``XINFANG_PII_KEYS``. Empty text is an error here: see :func:`key_ring_from_settings`."""
    entries = text.split(",")
    if not text.strip():
        raise KeyConfigError(f"{KEYS_VARIABLE} is empty: give kid:base64url(32 bytes)[,kid:key...]")
    keys: dict[str, bytes] = {}
    development = False
    for number, entry in enumerate(entries, start=1):
        entry = entry.strip()
        where = f"{KEYS_VARIABLE} entry {number}"
        if not entry:
            raise KeyConfigError(f"{where} is empty (a stray comma?)")
        if entry == DEV_KID:
            if not allow_dev:
                raise KeyConfigError(f"{where} is the public development key, which production refuses")
            kid, key, development = DEV_KID, development_key("kek"), True
        else:
            kid, sep, encoded = entry.partition(":")
            kid = kid.strip()
            if not sep:
                raise KeyConfigError(f"{where} has no kid: write kid:base64url(32 bytes)")
            if not _KID.fullmatch(kid):
                raise KeyConfigError(f"{where}: the kid must be 1-32 letters, digits, '.', '_' or '-'")
            if kid == DEV_KID:
                raise KeyConfigError(f"{where}: the kid {DEV_KID!r} is reserved for the development key")
            key = decode_key(encoded, what=f"{where} (kid {kid!r})")
        if kid in keys:
            raise KeyConfigError(f"{where}: the kid {kid!r} appears twice")
        keys[kid] = key
    return KeyRing(keys, next(iter(keys)), development=development)


def parse_index_key(text: str) -> bytes:
    """Parse ``XINFANG_PII_INDEX_KEY``."""
    return decode_key(text, what=INDEX_KEY_VARIABLE)


@dataclass(frozen=True)
class IndexKey:
    key: bytes = field(repr=False)
    development: bool = False


def check_configuration(*, production: bool, keys: str, index_key: str) -> None:
    """What ``Settings`` validates: the variables parse, and production has real keys."""
    if keys.strip():
        ring = parse_key_ring(keys, allow_dev=not production)
        if production and any(ring.key(kid) == PLACEHOLDER_KEY for kid in ring.kids):
            raise KeyConfigError(f"{KEYS_VARIABLE} holds the all-zero placeholder key of the example manifests")
    elif production:
        raise KeyConfigError(
            f"XINFANG_MODE=production needs {KEYS_VARIABLE} (kid:base64url(32 bytes)[,...]); "
            "generate one with `python -m shared.privacy.keys k1`"
        )
    if index_key.strip():
        if production and parse_index_key(index_key) == PLACEHOLDER_KEY:
            raise KeyConfigError(f"{INDEX_KEY_VARIABLE} is the all-zero placeholder key of the example manifests")
    elif production:
        raise KeyConfigError(
            f"XINFANG_MODE=production needs {INDEX_KEY_VARIABLE} (base64url, 32 bytes); "
            "generate one with `python -m shared.privacy.keys --index`"
        )


def key_ring_from_settings(settings: Settings) -> KeyRing:
    """The configured ring, or the development ring in embedded mode without keys."""
    production = settings.mode == "production"
    check_configuration(production=production, keys=settings.pii_keys, index_key=settings.pii_index_key)
    if settings.pii_keys.strip():
        return parse_key_ring(settings.pii_keys, allow_dev=not production)
    return KeyRing.development_ring()


def index_key_from_settings(settings: Settings) -> IndexKey:
    """The configured blind-index key, or the development one in embedded mode without it."""
    production = settings.mode == "production"
    check_configuration(production=production, keys=settings.pii_keys, index_key=settings.pii_index_key)
    if settings.pii_index_key.strip():
        return IndexKey(parse_index_key(settings.pii_index_key))
    return IndexKey(development_key("blind-index"), development=True)


def main(argv: list[str]) -> int:
    """``python -m shared.privacy.keys KID`` prints a fresh ``KID:key`` entry, ``--index`` a bare key."""
    if len(argv) != 1:
        print("usage: python -m shared.privacy.keys KID | --index", file=sys.stderr)
        return 2
    if argv[0] == "--index":
        print(encode_key(secrets.token_bytes(KEY_BYTES)))
        return 0
    try:
        print(generate_key_entry(argv[0]))
    except KeyConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
