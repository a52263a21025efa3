"""P4: when a petitioner's retention period ends, their personal data becomes unreadable (the key is
destroyed) while the case, its history and its statistics stay."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from services.intake.handlers.maintenance import shred_expired
from shared.settings import Settings
from tests.service.intake.conftest import Intake
from tests.support.petitions import petition_body
from tests.unit.intake.idcards import make_id

ID_NUMBER = make_id(region="370703", birth="19580412", sequence="227")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, relay_interval_ms=10, poll_interval_ms=10, pii_retention_days=30)


async def test_after_retention_the_id_number_is_shredded_and_the_case_stays(intake: Intake) -> None:
    person = {"name": "韩玉兰", "id_number": ID_NUMBER, "phone": "13562187405"}
    r = await intake.register(petition_body(petitioners=[person]))
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    before = (await intake.client.get(f"/petitions/{case_id}", headers=intake.headers("clerk"))).json()
    assert ID_NUMBER in str(before)

    intake.clock.advance(timedelta(days=29))
    assert await shred_expired(intake.app.state.intake) == 0  # not yet: 30 days

    intake.clock.advance(timedelta(days=2))
    assert await shred_expired(intake.app.state.intake) == 1
    after = await intake.client.get(f"/petitions/{case_id}", headers=intake.headers("clerk"))
    assert after.status_code == 200  # the case itself stays
    text = after.text
    assert ID_NUMBER not in text and "13562187405" not in text
    assert "已销毁" in text
    assert after.json()["case_no"] == r.json()["case_no"]
