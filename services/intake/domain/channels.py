"""Channels through which a petition arrives (DOMAIN.md §1)."""

from __future__ import annotations

#: channel code: what people call it
CHANNELS: dict[str, str] = {
    "letter": "来信",
    "visit": "来访",
    "online": "网上信访",
    "hotline": "热线 (12345、县长热线)",
    "mailbox": "领导信箱 (书记信箱、县长信箱)",
    "green_post": "绿色邮政",
    "leader_reception": "领导接访",
    "proxy": "信访代办站",
}

#: Channels where petitioners come in person: there, R11 asks a group to send at most five representatives.
IN_PERSON_CHANNELS: frozenset[str] = frozenset({"visit", "leader_reception"})
