"""The scope matrix (P3; P2/R5): for each user, each endpoint that reads or acts on a case, and each case —
what the user gets. All four services run in process (SQLite, sql transport); every case is registered at
intake and routed before the matrix is read.

The cases (寒亭区 = 370703, 高里街道 = 370703004, 固堤街道 = 370703003, 潍城区 = 370702):

- ``LAND``        取土毁田 at 高里村, received by 寒亭区信访局, routed to 寒亭区自然资源局 (R3).
- ``COMPLAINT``   the same kind of matter at 高里村, naming 高里街道办事处 *by name* as accused: routing
                  resolves the name, and the accused township loses the case it would otherwise see (P2).
- ``ACCUSATION``  检举 (category discipline) naming 寒亭区人民政府 by name, received by 寒亭区信访局, routed
                  to 潍坊市纪委监委 (R5): only the receiving bureau and the discipline unit see it.
- ``WEICHENG``    取土毁田 at 潍城区望留村, received by 潍城区信访局, routed to 潍城区自然资源局.

Reading: the five case reads (intake's case view by id and by number, routing's assignment, supervision's
clocks, reporting's history) must agree, so the visibility grid below is expanded over all of them.
A case outside scope answers 404 — the same as a case that does not exist. Acting: the rows of
``ACTIONS``; within scope the acting rights of each service apply (403), outside it 404 comes first.
A role an endpoint does not admit answers 403 whatever the case.

Rows run in order against one system; the only rows that change what later rows see are the two
successful sign-fors (each case is signed once) and the materials added, which change nothing else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.clock import FixedClock
from shared.settings import Settings
from tests.support.petitions import petition_body
from tests.support.system import auth, in_process, wait_until

CST = timezone(timedelta(hours=8))

# --- who -------------------------------------------------------------------------------------------------

#: name -> (roles, unit)
USERS: dict[str, tuple[tuple[str, ...], str]] = {
    "clerk@寒亭区信访局": (("clerk",), "370703:petition_bureau"),
    "clerk@潍城区信访局": (("clerk",), "370702:petition_bureau"),
    "handler@寒亭区自然资源局": (("handler",), "370703:natural_resources"),
    "handler@高里街道": (("handler",), "370703004:township_government"),
    "handler@固堤街道": (("handler",), "370703003:township_government"),
    "supervisor@潍坊市信访局": (("supervisor",), "370700:petition_bureau"),
    "supervisor@潍城区信访局": (("supervisor",), "370702:petition_bureau"),
    "handler@寒亭区人民政府": (("handler",), "370703:government"),  # the accused of ACCUSATION
    "handler@潍坊市纪委监委": (("handler",), "370700:discipline"),  # handles ACCUSATION
    "analyst@潍坊市信访局": (("analyst",), "370700:petition_bureau"),
    "auditor": (("auditor",), "370700:petition_bureau"),
    "admin": (("admin",), "370700:petition_bureau"),
}

# --- the cases ----------------------------------------------------------------------------------------------

CASES: dict[str, dict[str, Any]] = {
    "LAND": petition_body(
        title="取土挖坏耕地",
        content="有人在寒亭区高里街道高里村的耕地里取土，挖了好几个大坑，耕地全毁了，请政府查处。",
        place={"address": "寒亭区高里街道高里村"},
    ),
    "COMPLAINT": petition_body(
        title="取土毁田，街道不管",
        content="有人在寒亭区高里街道高里村的耕地里取土，挖了好几个大坑，耕地全毁了，街道办事处一直不管，请查处。",
        place={"address": "寒亭区高里街道高里村"},
        accused_units=["高里街道办事处"],
        petitioners=[{"name": "刘春华", "id_number": "370703197505062323", "phone": "13905365678"}],
    ),
    "ACCUSATION": petition_body(
        title="举报区政府干部受贿",
        content="我实名举报寒亭区人民政府有关干部在高里街道征地拆迁中收受开发商贿赂，违规审批。",
        place={"address": "寒亭区高里街道高里村"},
        category="discipline",
        accused_units=["寒亭区人民政府"],
        petitioners=[{"name": "王建国", "id_number": "370703198001011236", "phone": "13905369999"}],
    ),
    "WEICHENG": petition_body(
        received_by="370702:petition_bureau",
        title="取土挖坏耕地",
        content="有人在潍城区望留街道望留村的耕地里取土，挖了好几个大坑，耕地全毁了，请政府查处。",
        place={"address": "潍城区望留街道望留村"},
        petitioners=[{"name": "赵玉兰", "id_number": "370702196905203323", "phone": "13905361111"}],
    ),
}
#: who registers each case (a clerk of the receiving bureau), and the unit it must be routed to
REGISTERED_BY = {
    "LAND": "clerk@寒亭区信访局",
    "COMPLAINT": "clerk@寒亭区信访局",
    "ACCUSATION": "clerk@寒亭区信访局",
    "WEICHENG": "clerk@潍城区信访局",
}
ROUTED_TO = {
    "LAND": "370703:natural_resources",
    "COMPLAINT": "370703:natural_resources",
    "ACCUSATION": "370700:discipline",
    "WEICHENG": "370702:natural_resources",
}

# --- reading: who sees which case (200) and who gets 404 -------------------------------------------------------

VISIBILITY = """
                            LAND  COMPLAINT  ACCUSATION  WEICHENG
clerk@寒亭区信访局            200   200        200         404
clerk@潍城区信访局            404   404        404         200
handler@寒亭区自然资源局       200   200        404         404
handler@高里街道              200   404        404         404
handler@固堤街道              404   404        404         404
supervisor@潍坊市信访局        200   200        404         200
supervisor@潍城区信访局        404   404        404         200
handler@寒亭区人民政府         200   200        404         404
handler@潍坊市纪委监委         404   404        200         404
analyst@潍坊市信访局           200   200        404         200
auditor                     200   200        200         200
admin                       200   200        200         200
"""
# why: the receiving bureau sees what it received; a county department only what it handles; a township
# what is placed in it — except COMPLAINT, which names it as accused (P2); the city supervisor and the
# analyst their region, but never an accusation (R5); the accused county government never ACCUSATION; the
# discipline commission only the accusation it handles; auditors and admins everything.

READS = ("intake case", "intake by number", "routing assignment", "supervision clocks", "reporting history")


def _grid(text: str) -> list[tuple[str, str, int]]:
    lines = [line.split() for line in text.strip().splitlines()]
    cases = lines[0]
    return [(row[0], case, int(status)) for row in lines[1:] for case, status in zip(cases, row[1:], strict=True)]


@dataclass(frozen=True)
class Row:
    who: str
    endpoint: str
    case: str
    expected: int

    def __str__(self) -> str:
        return f"{self.who} | {self.endpoint} | {self.case} -> {self.expected}"


READ_ROWS = [Row(who, endpoint, case, status) for who, case, status in _grid(VISIBILITY) for endpoint in READS]

# --- acting ------------------------------------------------------------------------------------------------------

ACTIONS = [
    # intake: a clerk's change (here: adding material) — clerks and admins, within their scope
    Row("clerk@寒亭区信访局", "intake add material", "LAND", 201),
    Row("clerk@寒亭区信访局", "intake add material", "ACCUSATION", 201),
    Row("clerk@寒亭区信访局", "intake add material", "WEICHENG", 404),  # another county's case
    Row("clerk@潍城区信访局", "intake add material", "LAND", 404),
    Row("clerk@潍城区信访局", "intake add material", "ACCUSATION", 404),
    Row("clerk@潍城区信访局", "intake add material", "WEICHENG", 201),
    Row("admin", "intake add material", "COMPLAINT", 201),
    Row("handler@寒亭区自然资源局", "intake add material", "LAND", 403),  # not a clerk's role
    Row("supervisor@潍坊市信访局", "intake add material", "LAND", 403),
    Row("auditor", "intake add material", "LAND", 403),
    # routing: sign for (签收) — the unit holding the case
    Row("handler@寒亭区自然资源局", "routing sign", "LAND", 200),
    Row("handler@潍坊市纪委监委", "routing sign", "ACCUSATION", 200),
    Row("handler@寒亭区自然资源局", "routing sign", "ACCUSATION", 404),
    Row("handler@高里街道", "routing sign", "LAND", 403),  # sees it (placed there), does not hold it
    Row("handler@高里街道", "routing sign", "COMPLAINT", 404),  # accused: not even visible
    Row("handler@固堤街道", "routing sign", "LAND", 404),
    Row("handler@寒亭区人民政府", "routing sign", "ACCUSATION", 404),
    Row("clerk@寒亭区信访局", "routing sign", "LAND", 403),  # received it, does not hold it
    Row("clerk@寒亭区信访局", "routing sign", "WEICHENG", 404),
    Row("supervisor@潍坊市信访局", "routing sign", "LAND", 403),  # not a role that signs
    Row("analyst@潍坊市信访局", "routing sign", "LAND", 403),
    # routing: return (退回, R13) — the unit holding the case
    Row("handler@高里街道", "routing return", "LAND", 403),
    Row("handler@固堤街道", "routing return", "LAND", 404),
    Row("handler@寒亭区人民政府", "routing return", "ACCUSATION", 404),
    Row("handler@寒亭区自然资源局", "routing return", "WEICHENG", 404),
    # routing: triage decision (R9) — a clerk of the bureau holding the case in its queue
    Row("clerk@寒亭区信访局", "routing triage decision", "LAND", 409),  # in scope, but not in triage
    Row("clerk@潍城区信访局", "routing triage decision", "LAND", 404),
    Row("supervisor@潍坊市信访局", "routing triage decision", "ACCUSATION", 404),
    Row("handler@寒亭区自然资源局", "routing triage decision", "LAND", 403),
    # routing: dispute decision (R13) — the bureau one level above the disputed units
    Row("clerk@寒亭区信访局", "routing dispute decision", "COMPLAINT", 409),  # not disputed
    Row("clerk@潍城区信访局", "routing dispute decision", "COMPLAINT", 404),
    # routing: reassignment (改派) — supervisors, within their scope and oversight
    Row("supervisor@潍城区信访局", "routing reassign", "LAND", 404),
    Row("supervisor@潍坊市信访局", "routing reassign", "ACCUSATION", 404),
    Row("handler@寒亭区自然资源局", "routing reassign", "LAND", 403),
    Row("clerk@寒亭区信访局", "routing reassign", "LAND", 403),
]

ROWS = READ_ROWS + ACTIONS

# --- the system --------------------------------------------------------------------------------------------------


@dataclass
class World:
    settings: Settings
    svc: dict[str, httpx.AsyncClient]
    ids: dict[str, str]
    numbers: dict[str, str]
    codes: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        roles, unit = USERS[who]
        return auth(self.settings, sub=who.split("@")[0] + "-" + unit, roles=roles, unit=unit)

    async def call(self, who: str, endpoint: str, case: str) -> httpx.Response:
        case_id, h = self.ids[case], self.headers(who)
        intake, routing = self.svc["intake"], self.svc["routing"]
        match endpoint:
            case "intake case":
                return await intake.get(f"/petitions/{case_id}", headers=h)
            case "intake by number":
                return await intake.get(f"/petitions/by-number/{self.numbers[case]}", headers=h)
            case "routing assignment":
                return await routing.get(f"/cases/{case_id}/assignment", headers=h)
            case "supervision clocks":
                return await self.svc["supervision"].get(f"/cases/{case_id}/clocks", headers=h)
            case "reporting history":
                return await self.svc["reporting"].get(f"/cases/{case_id}/history", headers=h)
            case "intake add material":
                body = {"kind": "letter", "title": "补充材料"}
                return await intake.post(f"/petitions/{case_id}/materials", json=body, headers=h)
            case "routing sign":
                return await routing.post(f"/cases/{case_id}/sign", headers=h)
            case "routing return":
                return await routing.post(f"/cases/{case_id}/return", json={"reason": "不属本单位职责"}, headers=h)
            case "routing triage decision":
                body = {"unit_id": "370703:agriculture_rural", "disposition": "forwarded", "reason": "分流"}
                return await routing.post(f"/cases/{case_id}/triage-decision", json=body, headers=h)
            case "routing dispute decision":
                body = {"unit_id": "370703:agriculture_rural", "reason": "裁决"}
                return await routing.post(f"/cases/{case_id}/dispute-decision", json=body, headers=h)
            case "routing reassign":
                body = {"unit_id": "370703:agriculture_rural", "reason": "改派"}
                return await routing.post(f"/cases/{case_id}/reassign", json=body, headers=h)
        raise AssertionError(f"unknown endpoint {endpoint}")

    async def wait_routed(self, case: str) -> None:
        """Until the unit the case is routed to sees it in every service: each has projected the decision."""
        handler = auth(self.settings, sub="waiter", roles=("handler",), unit=ROUTED_TO[case])
        case_id = self.ids[case]
        urls = [
            ("intake", f"/petitions/{case_id}"),
            ("routing", f"/cases/{case_id}/assignment"),
            ("supervision", f"/cases/{case_id}/clocks"),
            ("reporting", f"/cases/{case_id}/history"),
        ]

        async def everywhere() -> bool:
            for service, url in urls:
                if (await self.svc[service].get(url, headers=handler)).status_code != 200:
                    return False
            return True

        await wait_until(everywhere, timeout=30)


@pytest.fixture(scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("matrix")), relay_interval_ms=10, poll_interval_ms=10)
    clock = FixedClock(datetime(2026, 3, 2, 10, 30, tzinfo=CST))
    async with in_process(settings, clock=clock) as svc:
        w = World(settings, svc, {}, {}, {})
        for case, body in CASES.items():
            r = await svc["intake"].post("/petitions", json=body, headers=w.headers(REGISTERED_BY[case]))
            assert r.status_code == 201, r.text
            w.ids[case], w.numbers[case], w.codes[case] = r.json()["case_id"], r.json()["case_no"], r.json()["query_code"]
        for case in CASES:
            await w.wait_routed(case)
        yield w


async def test_the_cases_went_where_the_matrix_assumes(world: World) -> None:
    admin = world.headers("admin")
    for case, unit in ROUTED_TO.items():
        a = (await world.svc["routing"].get(f"/cases/{world.ids[case]}/assignment", headers=admin)).json()
        assert a["unit_id"] == unit, (case, a["why"])
    complaint = (await world.svc["routing"].get(f"/cases/{world.ids['COMPLAINT']}/assignment", headers=admin)).json()
    assert complaint["region_code"].startswith("370703004")  # placed in 高里街道: the township would see it ...
    history = (await world.svc["reporting"].get(f"/cases/{world.ids['COMPLAINT']}/history", headers=admin)).json()
    routed = next(e for e in history if e["type"] == "xinfang.routing.case_routed.v1")
    assert routed["data"]["detail"]["accused_units"] == ["370703004:township_government"]  # ... but is accused


@pytest.mark.parametrize("row", ROWS, ids=str)
async def test_scope_matrix(world: World, row: Row) -> None:
    r = await world.call(row.who, row.endpoint, row.case)
    assert r.status_code == row.expected, f"{row}: got {r.status_code} {r.text[:300]}"
    if r.status_code == 404:
        # outside scope looks exactly like a case that does not exist: nothing about it in the answer
        assert r.json()["type"].endswith("/case-not-found"), r.text
        assert CASES[row.case]["title"] not in r.text


def test_the_matrix_covers_every_user_case_and_read() -> None:
    assert {r.who for r in READ_ROWS} == set(USERS)
    assert {(r.who, r.case, r.endpoint) for r in READ_ROWS} == {(u, c, e) for u in USERS for c in CASES for e in READS}
    assert {r.case for r in ACTIONS} == set(CASES)


async def test_a_case_that_does_not_exist_gets_the_same_answer(world: World) -> None:
    nowhere = "00000000-0000-4000-8000-000000000000"
    admin = world.headers("admin")
    outside = await world.call("handler@固堤街道", "intake case", "LAND")
    missing = await world.svc["intake"].get(f"/petitions/{nowhere}", headers=admin)
    assert (outside.status_code, missing.status_code) == (404, 404)
    assert {k: v for k, v in outside.json().items() if k not in ("detail", "correlation_id")} == {
        k: v for k, v in missing.json().items() if k not in ("detail", "correlation_id")
    }
    for service, url in (
        ("routing", f"/cases/{nowhere}/assignment"),
        ("supervision", f"/cases/{nowhere}/clocks"),
        ("reporting", f"/cases/{nowhere}/history"),
    ):
        r = await world.svc[service].get(url, headers=admin)
        assert r.status_code == 404 and r.json()["type"].endswith("/case-not-found"), (service, r.text)


async def test_lists_hold_only_what_the_caller_may_see(world: World) -> None:
    routing = world.svc["routing"]
    nr_inbox = "/units/370703:natural_resources/inbox"
    own = await routing.get(nr_inbox, headers=world.headers("handler@寒亭区自然资源局"))
    assert {c["case_id"] for c in own.json()} == {world.ids["LAND"], world.ids["COMPLAINT"]}
    other = await routing.get(nr_inbox, headers=world.headers("handler@高里街道"))
    assert other.status_code == 403  # keyed by a unit the caller is not: 403 tells nothing about cases
    # a supervisor reads any unit's inbox, but only the cases in the supervisor's scope
    city = await routing.get(nr_inbox, headers=world.headers("supervisor@潍坊市信访局"))
    assert {c["case_id"] for c in city.json()} == {world.ids["LAND"], world.ids["COMPLAINT"]}
    weicheng = await routing.get(nr_inbox, headers=world.headers("supervisor@潍城区信访局"))
    assert weicheng.status_code == 200 and weicheng.json() == []
    discipline = await routing.get(
        "/units/370700:discipline/inbox", headers=world.headers("supervisor@潍坊市信访局")
    )
    assert world.ids["ACCUSATION"] not in {c["case_id"] for c in discipline.json()}  # R5: not by region
    queue = await routing.get("/triage?bureau=370703:petition_bureau", headers=world.headers("supervisor@潍城区信访局"))
    assert queue.status_code == 200 and queue.json() == []


async def test_the_accusers_identity_reaches_only_the_receiving_bureau_and_the_discipline_unit(world: World) -> None:
    """P2: the accuser's name is in clear for the clerk who registered it and the discipline handler, and
    nowhere for the accused — not in any service, not masked, not even the case's existence."""
    case_id = world.ids["ACCUSATION"]
    clerk = (await world.call("clerk@寒亭区信访局", "intake case", "ACCUSATION")).json()
    assert clerk["petitioners"][0]["name"] == "王建国"
    handler = (await world.call("handler@潍坊市纪委监委", "intake case", "ACCUSATION")).json()
    assert handler["petitioners"][0]["name"] == "王建国"
    accused = world.headers("handler@寒亭区人民政府")
    for service, url in (
        ("intake", f"/petitions/{case_id}"),
        ("intake", f"/petitions/by-number/{world.numbers['ACCUSATION']}"),
        ("routing", f"/cases/{case_id}/assignment"),
        ("supervision", f"/cases/{case_id}/clocks"),
        ("reporting", f"/cases/{case_id}/history"),
        ("routing", "/units/370703:government/inbox"),
    ):
        r = await world.svc[service].get(url, headers=accused)
        assert "王" not in r.text and "举报" not in r.text, (service, url, r.text[:200])
    # the accused unit's own government head, as a supervisor of its region, does not see it either
    head = auth(world.settings, sub="gov-head", roles=("supervisor", "leader"), unit="370703:government")
    assert (await world.svc["intake"].get(f"/petitions/{case_id}", headers=head)).status_code == 404


async def test_the_public_query_and_open311_answer_only_the_holder_of_the_credentials(world: World) -> None:
    intake = world.svc["intake"]
    number, code = world.numbers["ACCUSATION"], world.codes["ACCUSATION"]
    page = await intake.get(f"/public/cases/{number}", params={"code": code})
    assert page.status_code == 200
    assert "王建国" not in page.text and "370703198001011236" not in page.text and "13905369999" not in page.text
    # another case's code does not open this case; a wrong code looks like no case at all
    other = await intake.get(f"/public/cases/{number}", params={"code": world.codes["LAND"]})
    assert other.status_code == 404
    # Open311: an integration of the accused unit sees only what it submitted itself — nothing here
    portal = auth(world.settings, sub="portal", roles=("integration",), unit="370703:government")
    listed = await intake.get("/open311/v2/requests.json", headers=portal)
    assert listed.status_code == 200 and listed.json() == []
    one = await intake.get(f"/open311/v2/requests/{number}.json", headers=portal)
    assert one.status_code == 404
    # and an integration token is not a staff reader
    assert (await intake.get(f"/petitions/{world.ids['ACCUSATION']}", headers=portal)).status_code == 403
