"""Key configuration: parsing with clear messages, development keys marked, production strict (P1)."""

from __future__ import annotations

import base64

import pytest

from shared.privacy.index import BlindIndex
from shared.privacy.keys import (
    DEV_KID,
    KeyConfigError,
    KeyRing,
    UnknownKeyId,
    development_key,
    encode_key,
    generate_key_entry,
    index_key_from_settings,
    key_ring_from_settings,
    main,
    parse_index_key,
    parse_key_ring,
)
from shared.settings import Settings

K1 = bytes(range(32))
K2 = bytes(range(100, 132))
STRONG_SECRET = "a-production-secret-of-at-least-32-characters"


def entry(kid: str, key: bytes) -> str:
    return f"{kid}:{encode_key(key)}"


def test_the_first_key_is_active_and_every_key_unwraps() -> None:
    ring = parse_key_ring(f"{entry('k2', K2)}, {entry('k1', K1)}")
    assert ring.active_kid == "k2"
    assert ring.kids == ("k2", "k1")
    assert ring.key("k1") == K1 and ring.key("k2") == K2
    assert not ring.development


def test_padding_and_standard_base64_are_accepted() -> None:
    padded = base64.urlsafe_b64encode(K1).decode()
    standard = base64.b64encode(K2).decode()
    ring = parse_key_ring(f"k1:{padded},k2:{standard}")
    assert ring.key("k1") == K1 and ring.key("k2") == K2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "XINFANG_PII_KEYS is empty"),
        (encode_key(K1), "entry 1 has no kid"),
        (f"{entry('k1', K1)},", "entry 2 is empty"),
        (f"{entry('k1', K1)},,{entry('k2', K2)}", "entry 2 is empty"),
        ("k1:", r"entry 1 \(kid 'k1'\) is empty"),
        ("k1:not*base64", "is not base64url"),
        (f"k1:{encode_key(K1[:16])}", "is 16 bytes; .* 32 bytes"),
        (f"bad kid:{encode_key(K1)}", "the kid must be"),
        (f"{entry('k1', K1)},{entry('k1', K2)}", "entry 2: the kid 'k1' appears twice"),
        (f"dev:{encode_key(K1)}", "reserved for the development key"),
    ],
)
def test_malformed_rings_are_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(KeyConfigError, match=message):
        parse_key_ring(text)


def test_messages_never_contain_key_material() -> None:
    secret = encode_key(K1)
    for text in (f"k1:{secret}x", f"k1:{secret},k1:{secret}", f"k1 x:{secret}"):
        with pytest.raises(KeyConfigError) as caught:
            parse_key_ring(text)
        assert secret not in str(caught.value)
        assert secret[:12] not in str(caught.value)


def test_an_unknown_kid_says_what_to_do() -> None:
    ring = parse_key_ring(entry("k1", K1))
    with pytest.raises(UnknownKeyId, match="'k0' is not in XINFANG_PII_KEYS.*rewrap_all"):
        ring.key("k0")


def test_the_dev_entry_is_the_development_key_and_marks_the_ring() -> None:
    ring = parse_key_ring(f"{entry('k1', K1)},dev")
    assert ring.active_kid == "k1"
    assert ring.key(DEV_KID) == development_key("kek")
    assert ring.development
    with pytest.raises(KeyConfigError, match="production refuses"):
        parse_key_ring(f"{entry('k1', K1)},dev", allow_dev=False)


def test_the_index_key() -> None:
    assert parse_index_key(encode_key(K1)) == K1
    with pytest.raises(KeyConfigError, match="XINFANG_PII_INDEX_KEY is 31 bytes"):
        parse_index_key(encode_key(K1[:31]))
    with pytest.raises(KeyConfigError, match="XINFANG_PII_INDEX_KEY is empty"):
        parse_index_key("  ")


def test_embedded_without_keys_uses_marked_development_keys() -> None:
    settings = Settings()
    ring = key_ring_from_settings(settings)
    assert ring.development and ring.active_kid == DEV_KID
    assert ring.key(DEV_KID) == key_ring_from_settings(Settings()).key(DEV_KID)  # deterministic
    index_key = index_key_from_settings(settings)
    assert index_key.development
    assert index_key.key != ring.key(DEV_KID)
    assert BlindIndex.from_settings(settings).development


def test_configured_keys_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINFANG_PII_KEYS", f"{entry('k2', K2)},{entry('k1', K1)}")
    monkeypatch.setenv("XINFANG_PII_INDEX_KEY", encode_key(K1))
    settings = Settings()
    ring = key_ring_from_settings(settings)
    assert ring.active_kid == "k2" and not ring.development
    assert index_key_from_settings(settings).key == K1
    assert K1.hex() not in repr(ring) and encode_key(K1) not in repr(settings)


def test_settings_refuse_malformed_keys_even_when_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = encode_key(K1)
    monkeypatch.setenv("XINFANG_PII_KEYS", f"k1:{secret},k2:{secret[:10]}")
    with pytest.raises(KeyConfigError, match="entry 2") as caught:
        Settings()
    assert secret not in str(caught.value)


def test_production_refuses_to_start_without_master_keys() -> None:
    with pytest.raises(KeyConfigError, match="XINFANG_MODE=production needs XINFANG_PII_KEYS"):
        Settings(mode="production", jwt_secret=STRONG_SECRET, pii_index_key=encode_key(K2))


def test_production_refuses_to_start_without_an_index_key() -> None:
    with pytest.raises(KeyConfigError, match="XINFANG_MODE=production needs XINFANG_PII_INDEX_KEY"):
        Settings(mode="production", jwt_secret=STRONG_SECRET, pii_keys=entry("k1", K1))


def test_production_refuses_the_development_key() -> None:
    with pytest.raises(KeyConfigError, match="production refuses"):
        Settings(
            mode="production",
            jwt_secret=STRONG_SECRET,
            pii_keys=f"{entry('k1', K1)},dev",
            pii_index_key=encode_key(K2),
        )


def test_production_starts_with_keys() -> None:
    settings = Settings(
        mode="production", jwt_secret=STRONG_SECRET, pii_keys=entry("k1", K1), pii_index_key=encode_key(K2)
    )
    assert key_ring_from_settings(settings).active_kid == "k1"
    assert not index_key_from_settings(settings).development


def test_the_retention_period_is_configurable_and_positive() -> None:
    assert Settings().pii_retention_days == 3650
    assert Settings(pii_retention_days=30).pii_retention_days == 30
    with pytest.raises(ValueError):
        Settings(pii_retention_days=0)


def test_generated_entries_parse(capsys: pytest.CaptureFixture[str]) -> None:
    ring = parse_key_ring(generate_key_entry("k7"))
    assert ring.active_kid == "k7"
    with pytest.raises(KeyConfigError, match="reserved"):
        generate_key_entry(DEV_KID)
    assert main(["k8"]) == 0
    assert parse_key_ring(capsys.readouterr().out.strip()).active_kid == "k8"
    assert main(["--index"]) == 0
    assert len(parse_index_key(capsys.readouterr().out.strip())) == 32
    assert main([]) == 2


def test_a_ring_must_contain_its_active_key() -> None:
    with pytest.raises(KeyConfigError, match="active kid"):
        KeyRing({"k1": K1}, "k2")
