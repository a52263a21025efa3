"""P3 in the history: an event of a visible case that points at a case outside the reader's scope
(R12 merge, repeat candidates, clusters) keeps its place in the history but not the link."""

from __future__ import annotations

from pathlib import Path

from shared.settings import Settings
from tests.support.petitions import petition_body
from tests.support.system import auth, in_process, wait_until
from tests.unit.intake.idcards import make_id

ID_NUMBER = make_id(region="370703", birth="19690317", sequence="512")
HANTING = "370703:petition_bureau"
WEICHENG = "370702:petition_bureau"


async def test_a_merge_into_another_countys_case_hides_that_case_from_this_countys_clerk(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, relay_interval_ms=10, poll_interval_ms=10)
    person = [{"name": "孙秀梅", "id_number": ID_NUMBER}]
    hanting = auth(settings, sub="c-ht", unit=HANTING)
    weicheng = auth(settings, sub="c-wc", unit=WEICHENG)
    async with in_process(settings) as svc:
        first = await svc["intake"].post("/petitions", json=petition_body(petitioners=person), headers=hanting)
        original = first.json()["case_id"]
        again = petition_body(petitioners=person, received_by=WEICHENG, received_at="2026-03-04T10:00:00+08:00")
        second = await svc["intake"].post("/petitions", json=again, headers=weicheng)
        assert second.status_code == 201, second.text
        repeat = second.json()["case_id"]

        async def merge_event_for(headers):  # type: ignore[no-untyped-def]
            r = await svc["reporting"].get(f"/cases/{repeat}/history", headers=headers)
            if r.status_code != 200:
                return None
            return next((e["data"] for e in r.json() if e["type"].endswith("repeat_merged.v1")), None)

        seen_by_weicheng = await wait_until(lambda: merge_event_for(weicheng))
        assert seen_by_weicheng["original_case_id"] is None and seen_by_weicheng["links_withheld"] == 1
        admin = auth(settings, sub="ops", roles=("admin",), unit="370700:petition_bureau")
        assert (await merge_event_for(admin))["original_case_id"] == original
