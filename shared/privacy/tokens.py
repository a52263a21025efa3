"""The cryptography of the vault, without storage: value tokens and wrapped data keys (P1).

A value token is ``pii:v1:<subject_id>:<nonce>:<ciphertext>`` — AES-256-GCM under the subject's data key
with a random 96-bit nonce, nonce and ciphertext (tag included) in base64url without padding. The
associated data is ``xinfang-pii:v1|<subject_id>|<field>``: moving a token to another subject or another
field, or changing one bit of it, makes :func:`open_token` raise :class:`TamperedToken` instead of
returning garbage. A data key is wrapped as ``nonce || AES-256-GCM(master key, data key)`` with associated
data ``xinfang-dek:v1|<subject_id>|<kid>``, so a wrapped key cannot be moved to another subject either.
Subject ids and field names are restricted to characters that cannot contain the separators.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TOKEN_PREFIX = "pii:v1:"
NONCE_BYTES = 12
DEK_BYTES = 32
_SUBJECT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
_FIELD = re.compile(r"[a-z][a-z0-9_.]{0,63}")
_TOKEN = re.compile(r"pii:v1:([A-Za-z0-9_-]{8,64}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})")


class VaultError(Exception):
    """Base of the privacy vault's errors."""


class MalformedToken(VaultError, ValueError):
    """The string is not a ``pii:v1`` token."""


class TamperedToken(VaultError):
    """The token does not authenticate: modified, truncated, or made for another subject or field."""


class UnwrapFailed(VaultError):
    """A stored data key does not unwrap under its master key (wrong key configured under that kid?)."""


@dataclass(frozen=True)
class ParsedToken:
    subject_id: str
    nonce: bytes
    sealed: bytes


def new_subject_id() -> str:
    """A random subject id (32 hex characters): a pseudonym carrying no personal data."""
    return uuid.uuid4().hex


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=DEK_BYTES * 8)


def check_subject_id(subject_id: str) -> None:
    if not isinstance(subject_id, str) or not _SUBJECT_ID.fullmatch(subject_id):
        raise ValueError("a subject id is 8-64 characters of letters, digits, '_' and '-'")


def check_field(field: str) -> None:
    if not isinstance(field, str) or not _FIELD.fullmatch(field):
        raise ValueError("a field name is lower-case letters, digits, '_' and '.' (e.g. 'id_number')")


def is_token(value: object) -> bool:
    """Whether ``value`` is a well-formed ``pii:v1`` token (says nothing about authenticity)."""
    if not isinstance(value, str):
        return False
    try:
        parse_token(value)
    except MalformedToken:
        return False
    return True


def parse_token(token: str) -> ParsedToken:
    match = _TOKEN.fullmatch(token) if isinstance(token, str) else None
    if match is None:
        raise MalformedToken("not a pii:v1 token")
    try:
        return ParsedToken(match.group(1), _b64d(match.group(2)), _b64d(match.group(3)))
    except (binascii.Error, ValueError):
        raise MalformedToken("not a pii:v1 token") from None


def token_subject(token: str) -> str:
    """The subject id in a token (readable without any key)."""
    return parse_token(token).subject_id


def seal(dek: bytes, subject_id: str, field: str, plaintext: str) -> str:
    """A token of ``plaintext`` for the subject's ``field``."""
    check_subject_id(subject_id)
    check_field(field)
    if not isinstance(plaintext, str):
        raise TypeError("only str values are encrypted")
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(dek).encrypt(nonce, plaintext.encode("utf-8"), _value_aad(subject_id, field))
    return f"{TOKEN_PREFIX}{subject_id}:{_b64e(nonce)}:{_b64e(sealed)}"


def open_token(dek: bytes, token: ParsedToken, field: str) -> str:
    """The plaintext of a parsed token for ``field``; :class:`TamperedToken` if it does not authenticate."""
    check_field(field)
    try:
        plain = AESGCM(dek).decrypt(token.nonce, token.sealed, _value_aad(token.subject_id, field))
    except InvalidTag:
        raise TamperedToken(f"a {field} token of subject {token.subject_id} does not authenticate") from None
    return plain.decode("utf-8")


def wrap_key(kek: bytes, kid: str, subject_id: str, dek: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, dek, _wrap_aad(subject_id, kid))


def unwrap_key(kek: bytes, kid: str, subject_id: str, wrapped: bytes) -> bytes:
    try:
        return AESGCM(kek).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_aad(subject_id, kid))
    except InvalidTag:
        raise UnwrapFailed(
            f"the data key of subject {subject_id} does not unwrap under master key {kid!r}"
        ) from None


def _value_aad(subject_id: str, field: str) -> bytes:
    return f"xinfang-pii:v1|{subject_id}|{field}".encode("ascii")


def _wrap_aad(subject_id: str, kid: str) -> bytes:
    return f"xinfang-dek:v1|{subject_id}|{kid}".encode("ascii")


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
