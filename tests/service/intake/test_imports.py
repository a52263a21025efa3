"""Bulk import of paper records (D8): per-row errors, every good row kept, re-runs change nothing."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import func, select

from services.intake.tables import petitions
from shared.store.schema import events
from tests.service.intake.conftest import Intake
from tests.support.system import wait_until
from tests.unit.intake.idcards import make_id, with_wrong_check

COLUMNS = [
    "ref",
    "channel",
    "received_at",
    "received_by",
    "title",
    "content",
    "headcount",
    "petitioner_name",
    "petitioner_id_number",
    "petitioner_phone",
    "place_address",
]


def row(n: int, **changes: Any) -> dict[str, Any]:
    base = {
        "ref": f"来信{n:05d}",
        "channel": "letter",
        "received_at": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d} 09:30",
        "received_by": "370703:petition_bureau",
        "title": f"第{n}号来信反映的事项",
        "content": f"编号{n}：村民反映村集体账目{n}年没有公开，要求镇上查清{n}号地块承包费的去向。",
        "headcount": "1",
        "petitioner_name": f"村民{n}",
        "petitioner_id_number": make_id("370703", "19600101", f"{n % 1000:03d}") if n < 1000 else "",
        "petitioner_phone": f"139{n:08d}",
        "place_address": "寒亭区固堤街道",
    }
    return base | changes


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


async def run_import(intake: Intake, content: bytes, media: str = "text/csv", **params: str) -> dict[str, Any]:
    r = await intake.client.post(
        "/imports", content=content, params=params, headers={**intake.headers(), "Content-Type": media}
    )
    assert r.status_code == 202, r.text
    import_id = r.json()["import_id"]
    assert r.headers["location"] == f"/imports/{import_id}"

    async def finished() -> dict[str, Any] | None:
        job = (await intake.client.get(f"/imports/{import_id}", headers=intake.headers())).json()
        return job if job["status"] in ("done", "failed") else None

    return dict(await wait_until(finished, timeout=120, interval=0.1))


async def count(intake: Intake, table: Any) -> int:
    async with intake.app.state.runtime.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_csv_import_reports_bad_rows_keeps_good_ones_and_can_run_again(intake: Intake) -> None:
    rows = [row(n) for n in range(1, 8)]
    rows[1]["petitioner_id_number"] = with_wrong_check(rows[1]["petitioner_id_number"])
    rows[3]["received_at"] = "2027-01-01 09:00"
    rows[4]["content"] = ""
    rows[5]["received_by"] = "370799:petition_bureau"
    rows[6]["headcount"] = "三"
    data = to_csv(rows).encode()
    job = await run_import(intake, data)
    assert job["status"] == "done", job
    assert (job["rows_total"], job["rows_done"], job["created"], job["duplicates"], job["failed"]) == (7, 7, 2, 0, 5)
    found = {(e["row"], e["field"], e["code"]) for e in job["errors"]}
    assert found == {
        (3, "petitioners.0.id_number", "id_number_check_digit"),
        (5, "received_at", "in_future"),
        (6, "content", "required"),
        (7, "received_by", "unknown_unit"),
        (8, "headcount", "int_parsing"),
    }
    assert all(rows[1]["petitioner_id_number"] not in e["message"] for e in job["errors"])
    assert await count(intake, petitions) == 2

    again = await run_import(intake, data)
    assert (again["created"], again["duplicates"], again["failed"]) == (0, 2, 5)
    assert await count(intake, petitions) == 2
    assert await count(intake, events) == 2

    # the clerk fixes the bad rows and imports the whole file once more: only they are added
    rows[1]["petitioner_id_number"] = make_id("370703", "19600101", "002")
    rows[3]["received_at"] = "2026-01-01 09:00"
    rows[4]["content"] = "补录的内容"
    rows[5]["received_by"] = "370703:petition_bureau"
    rows[6]["headcount"] = "3"
    fixed = await run_import(intake, to_csv(rows).encode())
    assert (fixed["created"], fixed["duplicates"], fixed["failed"]) == (5, 2, 0)


async def test_json_lines_with_defaults_and_rows_without_a_ref(intake: Intake) -> None:
    lines = [
        {"received_at": "2025-05-06", "title": "低保被取消", "content": "我家低保今年被取消了，没人告诉原因。", "petitioners": [{"name": "甲"}]},
        {"received_at": "2025-05-07", "title": "道路积水", "content": "村口道路下雨就积水，出行困难。", "petitioners": [{"name": "乙"}]},
        "not an object",
        {"received_at": "2025-05-08", "title": "x", "content": "y", "petitioners": [{"phone": "1"}]},
    ]
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()
    params = {"received_by": "370703004:township_government", "channel": "proxy", "source": "高里街道代办站台账"}
    job = await run_import(intake, data, "application/x-ndjson", **params)
    assert (job["created"], job["failed"]) == (2, 2)
    assert {(e["row"], e["field"], e["code"]) for e in job["errors"]} == {
        (3, "row", "unreadable"),
        (4, "petitioners.0.phone", "phone_format"),
    }
    again = await run_import(intake, data, "application/x-ndjson", **params)
    assert (again["created"], again["duplicates"]) == (0, 2)
    async with intake.app.state.runtime.db.read() as conn:
        rows = (await conn.execute(select(petitions.c.case_no, petitions.c.channel, petitions.c.received_at))).all()
    assert {r.case_no for r in rows} == {"370703004XZ-2025-000001", "370703004XZ-2025-000002"}
    assert {r.channel for r in rows} == {"proxy"}


async def test_a_gb18030_csv_from_excel_is_read(intake: Intake) -> None:
    data = to_csv([row(1), row(2)]).encode("gb18030")
    job = await run_import(intake, data)
    assert (job["created"], job["failed"]) == (2, 0), job
    view = await intake.client.get("/petitions/by-number/370703-2025-000001", headers=intake.headers())
    assert view.json()["title"] in ("第1号来信反映的事项", "第2号来信反映的事项")


async def test_imports_refuse_what_they_cannot_read(intake: Intake) -> None:
    headers = {**intake.headers(), "Content-Type": "application/pdf"}
    assert (await intake.client.post("/imports", content=b"%PDF", headers=headers)).status_code == 415
    empty = await intake.client.post("/imports", content=b"", headers={**intake.headers(), "Content-Type": "text/csv"})
    assert empty.status_code == 422
    handler = await intake.client.post(
        "/imports", content=b"a", headers={**intake.headers("handler"), "Content-Type": "text/csv"}
    )
    assert handler.status_code == 403
    assert (await intake.client.get("/imports/nope", headers=intake.headers())).status_code == 404


async def test_an_upload_larger_than_the_request_limit_is_still_accepted(intake: Intake) -> None:
    limit = intake.settings.max_body_bytes
    rows = [row(n, content="内容" * 600 + str(n)) for n in range(1, 400)]
    data = to_csv(rows).encode()
    assert len(data) > limit
    job = await run_import(intake, data)
    assert job["created"] == 399
    too_big = await intake.client.post("/petitions", content=b"x" * (limit + 1), headers=intake.headers())
    assert too_big.status_code == 413


async def test_repeats_inside_an_import_and_against_earlier_cases_are_found(intake: Intake) -> None:
    from tests.service.intake.test_repeats import WAGES_CALL, WAGES_LETTER

    gao = {"petitioner_name": "高秀兰", "petitioner_id_number": make_id("370783", "19750312", "218")}
    earlier = await intake.register(
        {
            "channel": "visit",
            "received_at": "2025-03-01T09:00:00+08:00",
            "received_by": "370703:petition_bureau",
            "petitioners": [{"name": "王五", "id_number": make_id("370783", "19800101", "333")}],
            "title": WAGES_LETTER["title"],
            "content": WAGES_LETTER["content"],
        }
    )
    rows = [
        row(1, **gao, received_at="2025-03-02 09:00", **WAGES_LETTER),
        row(2, **gao, received_at="2025-04-02 09:00", **WAGES_CALL),
        row(3, received_at="2025-04-03 09:00", petitioner_name="王五", petitioner_id_number=make_id("370783", "19800101", "333"), petitioner_phone="", **WAGES_CALL),
    ]
    job = await run_import(intake, to_csv(rows).encode())
    assert (job["created"], job["failed"]) == (3, 0), job
    async with intake.app.state.runtime.db.read() as conn:
        found = {r.case_no: r for r in (await conn.execute(select(petitions))).all()}
    merged = {r.case_no: r.merged_into for r in found.values() if r.status == "merged"}
    first = next(r for r in found.values() if r.external_id and r.external_id.endswith("来信00001"))
    third_original = earlier.json()["case_id"]
    assert sorted(merged.values()) == sorted([first.case_id, third_original])
    view = (await intake.client.get(f"/petitions/{first.case_id}", headers=intake.headers())).json()
    assert len(view["repeats"]) == 1 and view["version"] == 2


async def test_two_rows_with_one_ref_register_once(intake: Intake) -> None:
    rows = [row(1), row(1, content="同一登记号的另一行")]
    job = await run_import(intake, to_csv(rows).encode())
    assert (job["created"], job["duplicates"], job["failed"]) == (1, 1, 0), job
    assert await count(intake, petitions) == 1


async def test_an_import_is_read_by_the_unit_that_submitted_it(intake: Intake) -> None:
    job = await run_import(intake, to_csv([row(1)]).encode())
    url = f"/imports/{job['import_id']}"
    other = intake.headers("clerk", sub="clerk-wc", unit="370702:petition_bureau")
    assert (await intake.client.get(url, headers=other)).status_code == 404
    assert (await intake.client.get(url + "/errors", headers=other)).status_code == 404
    assert (await intake.client.get(url, headers=intake.headers("clerk", sub="clerk-2"))).status_code == 200
    admin = intake.headers("admin", sub="ops", unit="370700:petition_bureau")
    assert (await intake.client.get(url, headers=admin)).status_code == 200
