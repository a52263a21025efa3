"""R12: repeats of the same petitioner across channels and wording, and possible collective clusters."""

from __future__ import annotations

from typing import Any

from shared.events.envelope import CloudEvent
from tests.service.intake.conftest import Intake
from tests.support.petitions import petition_body
from tests.unit.intake.idcards import make_id

GAO_ID = make_id("370783", "19750312", "218")
GAO_PHONE = "13853612345"

# one matter told twice: a letter in a clerk's words, then a hotline call in the petitioner's (similarity 0.40)
WAGES_LETTER = {
    "title": "包工头拖欠木工工资四万六",
    "content": "尊敬的领导：我2025年3月到12月在寿光市圣城街道宏达家园工地干木工，和我一起的还有五个工友。包工头李二明"
    "一共欠我们工资46000元，年底结账时说开发商没拨款，让等到开春，开春以后电话也不接了。我们都是农民工，家里等着这钱用，"
    "请劳动监察部门帮我们要回工钱。",
}
WAGES_CALL = {
    "title": "工地木工工钱没给",
    "content": "喂，你好。我想反映一下，俺们在圣城街道那个宏达家园的工地上干木工，干了大半年，从去年三月干到十二月。"
    "包工头叫李二明，钱一直没给，一共四万六千块。他说上面开发商没给他钱，现在打电话都不接了。俺们六个人都等着这个钱呢，你们给问问。",
}
# the same matter, less alike (0.25): above the base threshold, below the automatic one
MILL_VISIT = {
    "title": "造纸厂往沟里排废水",
    "content": "我是寒亭街道西杨家埠村的，村北的恒昌造纸厂天天往村边的排水沟里放黑水，臭得不行，沟里的鱼都死了，"
    "井水也发黄了。举报了好几次，环保的人来了看看就走了。",
}
MILL_CALL = {
    "title": "恒昌纸业偷排污水污染地下水",
    "content": "西杨家埠村村民来电：村北恒昌纸业长期向村边沟渠排放黑色污水，气味刺鼻，沟内鱼类死亡，村民井水变黄。"
    "多次举报未见处理。要求彻查该企业偷排行为。",
}


def gao(**changes: Any) -> dict[str, Any]:
    return {"name": "高秀兰", "id_number": GAO_ID, "phone": GAO_PHONE} | changes


async def register(intake: Intake, **fields: Any) -> dict[str, Any]:
    fields.setdefault("received_at", "2026-11-19T10:00:00+08:00")
    r = await intake.register(petition_body(**fields))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def stream(intake: Intake, case_id: str) -> list[CloudEvent]:
    runtime = intake.app.state.runtime
    async with runtime.db.read() as conn:
        return (await runtime.store.load(conn, case_id)).events


async def test_a_repeat_in_other_words_on_another_channel_is_merged_into_the_open_original(intake: Intake) -> None:
    original = await register(
        intake, channel="letter", received_at="2026-10-09T09:00:00+08:00", petitioners=[gao()], **WAGES_LETTER
    )
    # a hotline call: the caller gives a phone, no ID number; the text is in other words
    repeat = await register(
        intake,
        channel="hotline",
        received_at="2026-11-18T15:30:00+08:00",
        petitioners=[{"name": "高女士", "phone": "+86 138 5361 2345"}],
        **WAGES_CALL,
    )
    assert repeat["status"] == "merged"
    assert {"repeat"} <= set(repeat["flags"])
    assert repeat["repeat"]["applied"] is True
    assert repeat["repeat"]["outcome"] == "merge"
    assert repeat["repeat"]["original_case_no"] == original["case_no"]
    assert repeat["repeat"]["similarity"] >= 0.3

    new_events = await stream(intake, repeat["case_id"])
    registered = new_events[0]
    assert registered.data["repeat_of"] == original["case_id"]
    assert registered.data["repeat_outcome"] == "merge"  # routing does not route it again
    assert [e.name for e in new_events] == ["petition_registered", "repeat_merged"]
    original_events = await stream(intake, original["case_id"])
    assert original_events[-1].name == "repeat_merged"
    assert original_events[-1].data["case_id"] == repeat["case_id"]
    assert original_events[-1].subject == original["case_id"]

    view = (await intake.client.get(f"/petitions/{original['case_id']}", headers=intake.headers())).json()
    assert view["status"] == "open"
    assert [r["case_no"] for r in view["repeats"]] == [repeat["case_no"]]


async def test_a_less_sure_repeat_is_shown_to_the_clerk_who_merges_it(intake: Intake) -> None:
    original = await register(intake, received_at="2026-11-02T09:00:00+08:00", petitioners=[gao()], **MILL_VISIT)
    second = await register(intake, channel="hotline", petitioners=[{"phone": GAO_PHONE}], **MILL_CALL)
    assert second["status"] == "open"
    assert "possible_repeat" in second["flags"]
    assert second["repeat"]["applied"] is False
    assert second["repeat"]["original_case_id"] == original["case_id"]
    assert 0.19 <= second["repeat"]["similarity"] < 0.3

    r = await intake.client.post(
        f"/petitions/{second['case_id']}/merge",
        json={"original_case_no": original["case_no"], "reason": "电话核实为同一事项"},
        headers=intake.headers(),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "merged"
    assert [e.name for e in await stream(intake, original["case_id"])][-1] == "repeat_merged"
    again = await intake.client.post(
        f"/petitions/{second['case_id']}/merge", json={"original_case_id": original["case_id"]}, headers=intake.headers()
    )
    assert again.status_code == 409 and again.json()["rule"] == "R12"


async def test_another_petitioner_with_the_same_words_is_not_a_repeat(intake: Intake) -> None:
    await register(intake, petitioners=[gao()], **WAGES_LETTER)
    other = await register(
        intake, petitioners=[{"name": "王五", "id_number": make_id("370783", "19800101", "333")}], **WAGES_CALL
    )
    assert other["repeat"] is None and other["status"] == "open"


async def test_a_shared_family_phone_does_not_make_two_id_holders_one_petitioner(intake: Intake) -> None:
    await register(intake, petitioners=[gao()], **WAGES_LETTER)
    husband = {"name": "李大", "id_number": make_id("370783", "19730101", "115"), "phone": GAO_PHONE}
    other = await register(intake, petitioners=[husband], **WAGES_CALL)
    assert other["repeat"] is None


async def test_a_repeat_after_the_reply_is_pointed_to_review(intake: Intake) -> None:
    original = await register(intake, received_at="2026-09-01T09:00:00+08:00", petitioners=[gao()], **WAGES_LETTER)
    reply = await intake.client.post(
        f"/petitions/{original['case_id']}/reply",
        json={"replied_at": "2026-11-10T10:00:00+08:00", "delivered_at": "2026-11-12T10:00:00+08:00"},
        headers=intake.headers(),
    )
    assert reply.status_code == 200 and reply.json()["status"] == "replied"
    repeat = await register(intake, channel="visit", petitioners=[gao()], **WAGES_CALL)
    assert repeat["status"] == "open"
    assert repeat["repeat"]["outcome"] == "review"
    assert {"repeat", "repeat_after_reply"} <= set(repeat["flags"])
    assert repeat["repeat"]["rules"] == ["R12", "D4"]
    # D4: 30 days from the delivery on 11-12 end on Saturday 12-12, moved to Monday 12-14, 24:00
    assert repeat["repeat"]["window_ends_at"] == "2026-12-15T00:00:00+08:00"


async def test_a_repeat_after_termination_is_registered_and_not_accepted(intake: Intake) -> None:
    original = await register(intake, received_at="2026-06-01T09:00:00+08:00", petitioners=[gao()], **WAGES_LETTER)
    r = await intake.client.post(
        f"/petitions/{original['case_id']}/termination",
        json={"terminated_at": "2026-10-30T10:00:00+08:00", "reason": "复核终结"},
        headers=intake.headers(),
    )
    assert r.status_code == 200 and r.json()["status"] == "terminated"
    repeat = await register(intake, channel="online", petitioners=[gao()], **WAGES_CALL)
    assert repeat["status"] == "not_accepted"
    assert repeat["repeat"]["outcome"] == "not_accepted"
    assert "D6" in repeat["repeat"]["rules"]


async def test_an_earlier_case_older_than_twelve_months_is_not_a_repeat(intake: Intake) -> None:
    await register(intake, received_at="2025-10-01T09:00:00+08:00", petitioners=[gao()], **WAGES_LETTER)
    later = await register(intake, petitioners=[gao()], **WAGES_CALL)
    assert later["repeat"] is None


async def test_similar_matters_from_three_petitioners_within_a_week_are_flagged_as_a_cluster(intake: Intake) -> None:
    text = {
        "title": "化工厂夜里排放刺鼻气体",
        "content": "固堤街道东张村北边的鑫源化工厂每天夜里排放刺鼻的气体，全村人晚上睡不着觉，孩子咳嗽，"
        "请环保部门彻查鑫源化工厂偷排废气的问题。",
    }
    people = [{"name": f"村民{i}", "id_number": make_id("370703", "19600101", f"{300 + i:03d}")} for i in range(3)]
    first = await register(intake, received_at="2026-11-16T09:00:00+08:00", petitioners=[people[0]], **text)
    second = await register(
        intake,
        received_at="2026-11-17T09:00:00+08:00",
        petitioners=[people[1]],
        title="鑫源化工厂晚上排废气",
        content=text["content"].replace("全村人", "我们一家"),
    )
    assert first["cluster"] is None and second["cluster"] is None  # two petitioners are not yet a cluster
    third = await register(intake, channel="hotline", petitioners=[people[2]], **text)
    assert "possible_cluster" in third["flags"]
    cluster = third["cluster"]
    assert {c["case_no"] for c in cluster["linked"]} == {first["case_no"], second["case_no"]}
    assert cluster["petitioners"] == 3 and cluster["window_days"] == 7
    names = [e.name for e in await stream(intake, third["case_id"])]
    assert names == ["petition_registered", "collective_cluster_flagged"]
    view = (await intake.client.get(f"/petitions/{third['case_id']}", headers=intake.headers())).json()
    assert {c["case_id"] for c in view["cluster"]["linked"]} == {first["case_id"], second["case_id"]}
