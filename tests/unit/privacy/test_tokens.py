"""AES-GCM tokens: round trip, and tampering, swapping or the wrong key is an error, never garbage (P1)."""

from __future__ import annotations

import base64

import pytest

from shared.privacy.tokens import (
    MalformedToken,
    TamperedToken,
    UnwrapFailed,
    is_token,
    new_data_key,
    new_subject_id,
    open_token,
    parse_token,
    seal,
    token_subject,
    unwrap_key,
    wrap_key,
)

ID = "370703196302144519"
DEK = bytes(range(32))
SUBJECT = "a" * 32
OTHER = "b" * 32


def reseal(token: str, **change: str) -> str:
    prefix, version, subject, nonce, sealed = token.split(":")
    parts = {"subject": subject, "nonce": nonce, "sealed": sealed, **change}
    return ":".join((prefix, version, parts["subject"], parts["nonce"], parts["sealed"]))


def flip(b64: str, at: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)))
    raw[at] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def test_round_trip_and_shape() -> None:
    token = seal(DEK, SUBJECT, "id_number", ID)
    assert token.startswith(f"pii:v1:{SUBJECT}:")
    assert ID not in token
    assert is_token(token) and token_subject(token) == SUBJECT
    assert open_token(DEK, parse_token(token), "id_number") == ID


def test_the_same_value_encrypts_differently_each_time() -> None:
    assert seal(DEK, SUBJECT, "phone", "13905361234") != seal(DEK, SUBJECT, "phone", "13905361234")


def test_unicode_values() -> None:
    token = seal(DEK, SUBJECT, "name", "高德顺")
    assert open_token(DEK, parse_token(token), "name") == "高德顺"


@pytest.mark.parametrize("at", [0, 5, 17, -1])
def test_a_modified_ciphertext_is_refused(at: int) -> None:
    token = seal(DEK, SUBJECT, "id_number", ID)
    sealed = token.split(":")[4]
    with pytest.raises(TamperedToken):
        open_token(DEK, parse_token(reseal(token, sealed=flip(sealed, at))), "id_number")


def test_a_modified_nonce_is_refused() -> None:
    token = seal(DEK, SUBJECT, "id_number", ID)
    with pytest.raises(TamperedToken):
        open_token(DEK, parse_token(reseal(token, nonce=flip(token.split(":")[3], 0))), "id_number")


def test_a_truncated_ciphertext_is_refused() -> None:
    token = seal(DEK, SUBJECT, "id_number", ID)
    sealed = token.split(":")[4]
    with pytest.raises(TamperedToken):
        open_token(DEK, parse_token(reseal(token, sealed=sealed[:-4])), "id_number")


def test_a_token_swapped_to_another_field_is_refused() -> None:
    token = seal(DEK, SUBJECT, "id_number", ID)
    with pytest.raises(TamperedToken, match="phone token"):
        open_token(DEK, parse_token(token), "phone")


def test_a_token_moved_to_another_subject_is_refused() -> None:
    token = seal(DEK, SUBJECT, "id_number", ID)
    with pytest.raises(TamperedToken):
        open_token(DEK, parse_token(reseal(token, subject=OTHER)), "id_number")


def test_the_wrong_data_key_is_refused() -> None:
    token = seal(DEK, SUBJECT, "id_number", ID)
    with pytest.raises(TamperedToken):
        open_token(new_data_key(), parse_token(token), "id_number")


@pytest.mark.parametrize(
    "text",
    [
        "",
        ID,
        "pii:v2:" + "a" * 32 + ":AAAAAAAAAAAAAAAA:" + "A" * 30,
        "pii:v1:short:AAAAAAAAAAAAAAAA:" + "A" * 30,
        "pii:v1:" + "a" * 32 + ":AAAA:" + "A" * 30,
        "pii:v1:" + "a" * 32 + ":AAAAAAAAAAAAAAAA:" + "A" * 25,  # not a possible base64 length
        "pii:v1:" + "a" * 32 + ":AAAAAAAAAAAAAAAA:" + "A" * 30 + ":extra",
    ],
)
def test_malformed_tokens(text: str) -> None:
    assert not is_token(text)
    with pytest.raises(MalformedToken):
        parse_token(text)


def test_wrapped_keys_are_bound_to_key_kid_and_subject() -> None:
    kek = bytes(range(50, 82))
    dek = new_data_key()
    wrapped = wrap_key(kek, "k1", SUBJECT, dek)
    assert dek not in wrapped
    assert unwrap_key(kek, "k1", SUBJECT, wrapped) == dek
    with pytest.raises(UnwrapFailed, match="does not unwrap under master key 'k1'"):
        unwrap_key(bytes(32), "k1", SUBJECT, wrapped)
    with pytest.raises(UnwrapFailed):
        unwrap_key(kek, "k2", SUBJECT, wrapped)
    with pytest.raises(UnwrapFailed):
        unwrap_key(kek, "k1", OTHER, wrapped)


def test_subject_ids_and_fields_are_checked() -> None:
    assert len(new_subject_id()) == 32
    with pytest.raises(ValueError, match="subject id"):
        seal(DEK, "has:colon", "id_number", ID)
    with pytest.raises(ValueError, match="field name"):
        seal(DEK, SUBJECT, "ID|number", ID)
    with pytest.raises(TypeError):
        seal(DEK, SUBJECT, "id_number", 370703196302144519)  # type: ignore[arg-type]
