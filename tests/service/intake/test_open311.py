"""Open311 GeoReport v2 for hotline and online-portal systems, driven by a client that knows only the spec."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from shared.web.limits import TokenBucketLimiter
from tests.service.intake.conftest import Intake
from tests.service.intake.georeport import GeoReportClient, GeoReportError
from tests.unit.intake.idcards import make_id, with_wrong_check

ENDPOINT = "/open311/v2"
CALL = {
    "description": "我家门口的路灯坏了两个月，晚上很黑，老人出门摔了一跤，报修几次都没人来修。",
    "address_string": "寒亭区开元街道开元社区5号楼",
    "first_name": "秀英",
    "last_name": "王",
    "phone": "13953612345",
    "email": "wang@example.com",
}


async def new_key(intake: Intake, **fields: Any) -> dict[str, Any]:
    body = {"name": "寒亭区12345热线", "system": "hotline-12345", "unit_id": "370703:petition_bureau", "channel": "hotline"}
    r = await intake.client.post("/admin/api-keys", json=body | fields, headers=intake.headers("admin", sub="admin-1"))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def spec_client(intake: Intake, **key_fields: Any) -> GeoReportClient:
    key = await new_key(intake, **key_fields)
    return GeoReportClient(intake.client, ENDPOINT, api_key=key["api_key"], jurisdiction_id="370703")


async def test_discovery_and_services_come_from_the_directory(intake: Intake) -> None:
    client = GeoReportClient(intake.client, ENDPOINT)
    discovery = await client.discovery()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert "application/json" in discovery["endpoints"][0]["formats"]
    services = await client.services()
    categories = yaml.safe_load((intake.settings.directory_dir / "categories.yaml").read_text(encoding="utf-8"))
    assert [s["service_code"] for s in services] == [c["code"] for c in categories["categories"]]
    definition = await client.service_definition("urban_rural_construction")
    codes = {a["code"] for a in definition["attributes"]}
    assert {"received_by", "channel", "id_number", "external_id", "headcount"} <= codes
    with pytest.raises(GeoReportError) as missing:
        await client.service_definition("no_such_service")
    assert missing.value.status == 404


async def test_a_hotline_request_in_form_encoding_becomes_a_petition(intake: Intake) -> None:
    client = await spec_client(intake)
    item = await client.create_request("transport", **CALL, attributes={"external_id": "HT-0001"})
    case_no = item["service_request_id"]
    assert case_no.startswith("370703-2026-")
    assert item["query_code"]  # extension: the petitioner's 查询码, once
    assert (await client.token(item["token"])) == [{"service_request_id": case_no, "token": item["token"]}]

    request = await client.request(case_no)
    assert request["status"] == "open"
    assert request["service_code"] == "transport" and request["service_name"] == "交通运输"
    assert request["agency_responsible"] == "寒亭区信访局"
    assert request["requested_datetime"] == "2026-11-20T10:00:00+08:00"
    # D1: 15 days from Friday 11-20 end on Saturday 12-05, moved to Monday 12-07, 24:00
    assert request["expected_datetime"] == "2026-12-08T00:00:00+08:00"

    row = await intake.client.get(f"/petitions/by-number/{case_no}", headers=intake.headers("supervisor"))
    view = row.json()
    assert view["channel"] == "hotline" and view["category_hint"] == "transport"
    assert view["petitioners"][0]["name"] == "王**" and view["petitioners"][0]["phone"] == "139****2345"
    assert view["place"] == {"address": CALL["address_string"]}
    assert view["external_ref"] == {"system": "hotline-12345", "id": "HT-0001"}
    assert "wang@example.com" not in row.text


async def test_json_bodies_and_resubmissions(intake: Intake) -> None:
    client = await spec_client(intake)
    first = await client.create_request(
        "transport",
        as_json=True,
        **CALL,
        lat="36.77",
        long="119.21",
        attributes={"external_id": "HT-0002", "id_number": make_id("370703", "19580101", "222"), "headcount": "2"},
    )
    again = await client.create_request("transport", **CALL, attributes={"external_id": "HT-0002"})
    assert again["service_request_id"] == first["service_request_id"]
    assert again["query_code"] is None
    view = (await intake.client.get(f"/petitions/by-number/{first['service_request_id']}", headers=intake.headers())).json()
    assert view["place"] == {"address": CALL["address_string"], "lat": "36.77", "long": "119.21"}
    assert view["headcount"] == 2


@pytest.mark.parametrize(
    ("change", "attributes", "status", "words"),
    [
        ({"description": ""}, {}, 400, "description"),
        ({"address_string": None}, {}, 400, "location"),
        ({}, {"id_number": with_wrong_check(make_id())}, 400, "attribute[id_number]"),
        ({"phone": "12"}, {}, 400, "phone"),
        ({}, {"received_by": "370799:petition_bureau"}, 400, "attribute[received_by]"),
        ({}, {"received_at": "2030-01-01T00:00:00+08:00"}, 400, "attribute[received_at]"),
    ],
)
async def test_bad_requests_get_spec_errors(
    intake: Intake, change: dict[str, Any], attributes: dict[str, Any], status: int, words: str
) -> None:
    client = await spec_client(intake)
    with pytest.raises(GeoReportError) as error:
        await client.create_request("transport", **(CALL | change), attributes=attributes)
    assert error.value.status == status
    assert any(words in d for d in error.value.descriptions), error.value.descriptions


async def test_unknown_service_and_jurisdiction(intake: Intake) -> None:
    client = await spec_client(intake)
    with pytest.raises(GeoReportError) as error:
        await client.create_request("unicorns", **CALL)
    assert error.value.status == 404
    client.jurisdiction_id = "999999"
    with pytest.raises(GeoReportError) as error:
        await client.create_request("transport", **CALL)
    assert error.value.status == 404 and "jurisdiction_id" in error.value.descriptions[0]


async def test_api_keys_are_required_hashed_and_revocable(intake: Intake) -> None:
    key = await new_key(intake)
    anonymous = GeoReportClient(intake.client, ENDPOINT)
    with pytest.raises(GeoReportError) as error:
        await anonymous.create_request("transport", **CALL)
    assert error.value.status == 403
    wrong = GeoReportClient(intake.client, ENDPOINT, api_key="xfk_not-a-key")
    with pytest.raises(GeoReportError) as error:
        await wrong.create_request("transport", **CALL)
    assert error.value.status == 403

    listed = (await intake.client.get("/admin/api-keys", headers=intake.headers("admin"))).json()
    assert [k["key_id"] for k in listed] == [key["key_id"]]
    assert key["api_key"] not in str(listed) and "key_hash" not in listed[0]

    client = GeoReportClient(intake.client, ENDPOINT, api_key=key["api_key"])
    await client.create_request("transport", **CALL)
    revoked = await intake.client.delete(f"/admin/api-keys/{key['key_id']}", headers=intake.headers("admin"))
    assert revoked.status_code == 204
    with pytest.raises(GeoReportError) as error:
        await client.create_request("transport", **CALL)
    assert error.value.status == 403
    assert (await intake.client.post("/admin/api-keys", json={"name": "x"}, headers=intake.headers())).status_code == 403


async def test_a_bearer_token_with_the_integration_role_works_too(intake: Intake) -> None:
    portal = GeoReportClient(
        intake.client, ENDPOINT, headers=intake.headers("integration", sub="portal", unit="370703:petition_bureau")
    )
    item = await portal.create_request("environment", **CALL, attributes={"channel": "online"})
    assert (await portal.request(item["service_request_id"]))["service_code"] == "environment"
    clerk = GeoReportClient(intake.client, ENDPOINT, headers=intake.headers("clerk"))
    with pytest.raises(GeoReportError) as error:
        await clerk.create_request("environment", **CALL)
    assert error.value.status == 403


async def test_a_system_sees_only_its_own_requests(intake: Intake) -> None:
    hotline = await spec_client(intake)
    portal = await spec_client(intake, name="网上信访平台", system="portal", channel="online")
    mine = await hotline.create_request("transport", **CALL)
    theirs = await portal.create_request("environment", **CALL)
    listed = await hotline.requests()
    assert [r["service_request_id"] for r in listed] == [mine["service_request_id"]]
    with pytest.raises(GeoReportError) as error:
        await hotline.request(theirs["service_request_id"])
    assert error.value.status == 404
    with pytest.raises(GeoReportError):
        await hotline.token(theirs["token"])
    both = await hotline.requests(service_request_id=f"{mine['service_request_id']},{theirs['service_request_id']}")
    assert len(both) == 1
    assert await hotline.requests(status="closed") == []
    assert len(await hotline.requests(status="open", service_code="transport")) == 1


async def test_closed_once_answered(intake: Intake) -> None:
    client = await spec_client(intake)
    item = await client.create_request("transport", **CALL)
    case = (await intake.client.get(f"/petitions/by-number/{item['service_request_id']}", headers=intake.headers())).json()
    await intake.client.post(
        f"/petitions/{case['case_id']}/reply",
        json={"replied_at": "2026-11-20T09:00:00+08:00", "delivered_at": "2026-11-20T09:30:00+08:00"},
        headers=intake.headers(),
    )
    request = await client.request(item["service_request_id"])
    assert request["status"] == "closed" and request["status_notes"] == "已答复"
    assert request["expected_datetime"] is None


async def test_integration_endpoints_are_rate_limited_with_spec_errors(intake: Intake) -> None:
    client = await spec_client(intake)
    intake.app.state.intake_limits.integration = TokenBucketLimiter(rate=0.001, burst=2)
    await client.create_request("transport", **CALL)
    await client.create_request("transport", **CALL)
    with pytest.raises(GeoReportError) as error:
        await client.create_request("transport", **CALL)
    assert error.value.status == 429 and error.value.headers["retry-after"]


async def test_xml_is_not_offered(intake: Intake) -> None:
    r = await intake.client.get(f"{ENDPOINT}/services.xml")
    assert r.status_code == 400 and r.json()[0]["code"] == 400
