"""The petitioner's side: progress by case number + query code, evaluation, review and re-review (D4, D5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.web.limits import TokenBucketLimiter
from tests.service.intake.conftest import CST, Intake
from tests.support.petitions import petition_body
from tests.unit.intake.idcards import make_id

ID_NUMBER = make_id("370703", "19630214", "451")
PHONE = "13905361234"


async def registered(intake: Intake, **fields: Any) -> dict[str, Any]:
    body = petition_body(
        received_at="2026-10-09T09:00:00+08:00",
        petitioners=[{"name": "高德顺", "id_number": ID_NUMBER, "phone": PHONE, "address": "高里村3排5号"}],
        **fields,
    )
    r = await intake.client.post("/petitions", json=body, headers=intake.headers(sub="clerk-zhang-wei"))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def reply(intake: Intake, case_id: str, delivered: str = "2026-11-12T10:00:00+08:00") -> None:
    r = await intake.client.post(
        f"/petitions/{case_id}/reply",
        json={"replied_at": delivered, "delivered_at": delivered},
        headers=intake.headers(sub="clerk-zhang-wei"),
    )
    assert r.status_code == 200, r.text


def page_url(case: dict[str, Any]) -> str:
    return f"/public/cases/{case['case_no']}"


async def test_the_petitioner_sees_progress_with_dates_and_units_and_nothing_personal(intake: Intake) -> None:
    case = await registered(intake)
    await reply(intake, case["case_id"])
    r = await intake.client.get(page_url(case), params={"code": case["query_code"].lower()})
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["case_no"] == case["case_no"]
    assert page["status"] == "replied" and page["received_by"] == "寒亭区信访局"
    assert [s["step"] for s in page["steps"]] == ["registered", "replied"]
    assert page["steps"][0]["at"] == "2026-10-09T09:00:00+08:00"
    assert page["evaluation"]["can_evaluate"] is True
    assert page["review"]["can_request"] is True
    assert page["review"]["window_ends_at"] == "2026-12-15T00:00:00+08:00"
    for secret in ("高德顺", ID_NUMBER, PHONE, "高里村3排5号", "clerk-zhang-wei", case["case_id"], case["query_code"]):
        assert secret not in r.text


async def test_a_wrong_code_and_an_unknown_case_look_the_same(intake: Intake) -> None:
    case = await registered(intake)
    wrong = await intake.client.get(page_url(case), params={"code": "AAAAAAAA"})
    missing = await intake.client.get("/public/cases/370703-2026-999999", params={"code": case["query_code"]})
    nonsense = await intake.client.get("/public/cases/not-a-number", params={"code": case["query_code"]})
    no_code = await intake.client.get(page_url(case))
    for r in (wrong, missing, nonsense, no_code):
        assert r.status_code == 404
        assert r.json()["detail"] == "no such case"


async def test_evaluation_only_after_the_reply_and_only_once(intake: Intake) -> None:
    case = await registered(intake)
    url = page_url(case) + "/evaluation"
    early = await intake.client.post(url, json={"code": case["query_code"], "evaluation": "满意"})
    assert early.status_code == 409 and early.json()["code"] == "no_reply_yet"
    await reply(intake, case["case_id"])
    bad = await intake.client.post(url, json={"code": case["query_code"], "evaluation": "还行"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "evaluation"
    ok = await intake.client.post(url, json={"code": case["query_code"], "evaluation": "基本满意", "comment": "谢谢"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["evaluation"]["value"] == "basically_satisfied" and ok.json()["evaluation"]["text"] == "基本满意"
    twice = await intake.client.post(url, json={"code": case["query_code"], "evaluation": "不满意"})
    assert twice.status_code == 409 and twice.json()["code"] == "already_evaluated"
    wrong_code = await intake.client.post(url, json={"code": "ZZZZZZZZ", "evaluation": "满意"})
    assert wrong_code.status_code == 404


async def test_review_inside_the_d4_window_is_accepted(intake: Intake) -> None:
    case = await registered(intake)
    await reply(intake, case["case_id"])
    r = await intake.client.post(page_url(case) + "/review", json={"code": case["query_code"], "reason": "答复没有解决工资问题"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "review_requested"
    assert r.json()["steps"][-1]["step"] == "review_requested"


async def test_review_outside_the_d4_window_is_refused_citing_the_rule(intake: Intake) -> None:
    case = await registered(intake)
    await reply(intake, case["case_id"])
    intake.clock.set(datetime(2026, 12, 15, 0, 0, tzinfo=CST))  # 24:00 of the last day has passed
    r = await intake.client.post(page_url(case) + "/review", json={"code": case["query_code"], "reason": "不服"})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["rule"] == "D4" and problem["code"] == "review_window_closed"
    assert "2026-12-14 24:00" in problem["detail"]


async def test_review_needs_a_reason_and_a_reply(intake: Intake) -> None:
    case = await registered(intake)
    early = await intake.client.post(page_url(case) + "/review", json={"code": case["query_code"], "reason": "不服"})
    assert early.status_code == 409 and early.json()["rule"] == "D4"
    await reply(intake, case["case_id"])
    blank = await intake.client.post(page_url(case) + "/review", json={"code": case["query_code"], "reason": " "})
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"


async def test_re_review_inside_and_outside_the_d5_window(intake: Intake) -> None:
    case = await registered(intake)
    await reply(intake, case["case_id"], delivered="2026-11-01T10:00:00+08:00")
    r = await intake.client.post(page_url(case) + "/review", json={"code": case["query_code"], "reason": "不服答复"})
    assert r.status_code == 201, r.text
    too_soon = await intake.client.post(page_url(case) + "/re-review", json={"code": case["query_code"], "reason": "x"})
    assert too_soon.status_code == 409 and too_soon.json()["rule"] == "D5"
    opinion = await intake.client.post(
        f"/petitions/{case['case_id']}/review-opinion",
        json={"decided_at": "2026-11-16T10:00:00+08:00", "delivered_at": "2026-11-18T10:00:00+08:00"},
        headers=intake.headers(),
    )
    assert opinion.status_code == 200 and opinion.json()["status"] == "reviewed"
    page = (await intake.client.get(page_url(case), params={"code": case["query_code"]})).json()
    assert page["re_review"]["can_request"] is True
    assert page["re_review"]["window_ends_at"] == "2026-12-19T00:00:00+08:00"  # 11-18 + 30 = Friday 12-18

    intake.clock.set(datetime(2026, 12, 19, 0, 0, 1, tzinfo=CST))
    late = await intake.client.post(page_url(case) + "/re-review", json={"code": case["query_code"], "reason": "不服复查"})
    assert late.status_code == 409 and late.json()["rule"] == "D5"
    assert late.json()["code"] == "re_review_window_closed"
    intake.clock.set(datetime(2026, 12, 18, 23, 59, tzinfo=CST))
    ok = await intake.client.post(page_url(case) + "/re-review", json={"code": case["query_code"], "reason": "不服复查"})
    assert ok.status_code == 201 and ok.json()["status"] == "re_review_requested"


async def test_a_merged_repeat_tells_the_petitioner_where_it_went(intake: Intake) -> None:
    first = await registered(intake)
    second = await registered(intake, channel="hotline")
    assert second["status"] == "merged"
    page = (await intake.client.get(page_url(second), params={"code": second["query_code"]})).json()
    assert page["merged_into"] == first["case_no"]
    assert page["steps"][-1]["step"] == "merged" and first["case_no"] in page["steps"][-1]["text"]


async def test_the_public_pages_are_rate_limited(intake: Intake) -> None:
    intake.app.state.intake_limits.public = TokenBucketLimiter(rate=0.001, burst=3)
    case = await registered(intake)
    statuses = [
        (await intake.client.get(page_url(case), params={"code": case["query_code"]})).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    limited = await intake.client.get(page_url(case), params={"code": case["query_code"]})
    assert limited.headers["retry-after"] and limited.json()["type"].endswith("/rate-limited")


async def test_wrong_codes_for_one_case_are_limited_from_any_address(intake: Intake) -> None:
    intake.app.state.intake_limits.public_failures = TokenBucketLimiter(rate=0.001, burst=2)
    case = await registered(intake)
    statuses = [
        (await intake.client.get(page_url(case), params={"code": f"WRONG{i:03d}"})).status_code for i in range(3)
    ]
    assert statuses == [404, 404, 429]
    right = await intake.client.get(page_url(case), params={"code": case["query_code"]})
    assert right.status_code == 200  # the right code is not locked out
