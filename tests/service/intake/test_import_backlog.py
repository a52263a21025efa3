"""Done-when of the bulk import (D8): 10,000 paper records with 100 bad ones store exactly the 9,900 good
ones; importing the same file again changes nothing."""

from __future__ import annotations

import csv
import io
import random
import time
from datetime import datetime, timedelta

from sqlalchemy import func, select

from services.intake.tables import case_petitioners, import_errors, petitions
from shared.store.schema import events, outbox
from tests.service.intake.conftest import Intake
from tests.service.intake.test_imports import COLUMNS, run_import
from tests.unit.intake.idcards import make_id, with_wrong_check

ROWS = 10_000
BAD = 100
UNITS = ["370703:petition_bureau", "370702:petition_bureau", "370783:petition_bureau", "370703004:township_government"]
MATTERS = [
    ("拖欠工资", "在{place}的工地干活，包工头拖欠{n}个人{m}个月工资共{money}元，一直不给。"),
    ("宅基地审批", "{place}的宅基地申请交上去{m}个月了，镇上一直没有批下来，也不说原因。"),
    ("噪音扰民", "{place}附近的工厂夜里{m}点以后还在生产，噪音很大，{n}户人家睡不着觉。"),
    ("村务不公开", "{place}村集体{m}年的账目一直没有公开，{n}亩地的承包费去向不明。"),
    ("低保取消", "我家住在{place}，低保在{m}月份被取消了，家里{n}口人没有收入来源。"),
]
PLACES = ["寒亭街道", "开元街道", "固堤街道", "高里街道", "朱里街道", "城关街道", "望留街道", "侯镇", "羊口镇"]


def backlog() -> tuple[bytes, set[int]]:
    rng = random.Random(20261120)
    bad_rows = set(rng.sample(range(ROWS), BAD))
    start = datetime(2025, 1, 1, 8, 0)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for i in range(ROWS):
        title, template = MATTERS[i % len(MATTERS)]
        place = PLACES[i % len(PLACES)]
        text = template.format(place=place, n=2 + i % 9, m=1 + i % 11, money=1000 + i)
        birth = (datetime(1950, 1, 1) + timedelta(days=i % 18000)).strftime("%Y%m%d")
        record = {
            "ref": f"LX{i:06d}",
            "channel": ("letter", "visit", "green_post", "proxy")[i % 4],
            "received_at": (start + timedelta(minutes=53 * i)).strftime("%Y-%m-%d %H:%M"),
            "received_by": UNITS[i % len(UNITS)],
            "title": f"{place}{title}",
            "content": f"第{i}号：{text}",
            "headcount": str(1 + i % 3),
            "petitioner_name": f"信访人{i}",
            "petitioner_id_number": make_id("370703", birth, f"{i % 1000:03d}"),
            "petitioner_phone": f"13{i % 10}{i:08d}",
            "place_address": f"寒亭区{place}",
        }
        if i in bad_rows:
            kind = i % 5
            if kind == 0:
                record["petitioner_id_number"] = with_wrong_check(record["petitioner_id_number"])
            elif kind == 1:
                record["petitioner_phone"] = "12345"
            elif kind == 2:
                record["received_at"] = "2031-01-01 09:00"
            elif kind == 3:
                record["received_by"] = "370799:petition_bureau"
            else:
                record["content"] = ""
        writer.writerow(record)
    return out.getvalue().encode(), {i + 2 for i in bad_rows}  # file line numbers (header = line 1)


async def totals(intake: Intake) -> dict[str, int]:
    async with intake.app.state.runtime.db.read() as conn:
        return {
            table.name: int(await conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in (petitions, case_petitioners, events, outbox, import_errors)
        }


async def test_ten_thousand_records_with_a_hundred_bad_ones(intake: Intake) -> None:
    data, bad_lines = backlog()
    started = time.perf_counter()
    job = await run_import(intake, data)
    first_run = time.perf_counter() - started
    assert job["status"] == "done", job
    assert (job["rows_total"], job["rows_done"], job["created"], job["duplicates"], job["failed"]) == (
        ROWS,
        ROWS,
        ROWS - BAD,
        0,
        BAD,
    )
    errors = (
        await intake.client.get(f"/imports/{job['import_id']}/errors", params={"limit": 1000}, headers=intake.headers())
    ).json()
    assert {e["row"] for e in errors} == bad_lines
    after_first = await totals(intake)
    assert after_first["petitions"] == ROWS - BAD
    assert after_first["events"] == ROWS - BAD

    started = time.perf_counter()
    again = await run_import(intake, data)
    second_run = time.perf_counter() - started
    assert (again["created"], again["duplicates"], again["failed"]) == (0, ROWS - BAD, BAD)
    after_second = await totals(intake)
    assert {k: v for k, v in after_second.items() if k != "import_errors"} == {
        k: v for k, v in after_first.items() if k != "import_errors"
    }
    print(f"\n10,000-row import: first run {first_run:.1f} s, second run {second_run:.1f} s")
    assert first_run + second_run < 60
