"""Privacy building blocks for personal data of petitioners (DOMAIN.md §7, P1–P4).

The services call these; nothing here runs at import time.

- :mod:`shared.privacy.keys` — master keys (KEKs) and the blind-index key from configuration, with
  rotation (``XINFANG_PII_KEYS``, ``XINFANG_PII_INDEX_KEY``).
- :mod:`shared.privacy.vault` — one data key per data subject, stored wrapped; ``encrypt``/``decrypt``
  of personal values into ``pii:v1:...`` tokens that may travel in events and on Kafka (P1); ``shred``
  and ``expire_due`` destroy a subject's key so every copy of its tokens becomes unreadable while the
  case history stays (crypto-shredding, P4).
- :mod:`shared.privacy.index` — keyed, deterministic blind indexes of ID numbers and phones, to find
  "the same petitioner" (R12) without plaintext.
- :mod:`shared.privacy.masking` — ``370703********4519``, ``139****1234``, ``高**`` (P1).
- :mod:`shared.privacy.policy` — which roles see which personal field unmasked (P1, P2, P3).
- :mod:`shared.privacy.scrub` — a logging filter masking ID numbers and mobiles in log output.
- :mod:`shared.privacy.access_log` — who read which personal data, when, for which case and why (P3).
- :mod:`shared.privacy.normalize` — the canonical forms the index and the masks work on.

The tables (``subject_keys``, ``pii_access_log``) are created by the core migration ``core_0002``, so
every service database has them.
"""
