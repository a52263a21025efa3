from tests.service.intake.conftest import Intake
from tests.support.petitions import petition_body


async def test_register(intake: Intake) -> None:
    r = await intake.register(petition_body())
    assert r.status_code == 201, r.text
    print(r.json())
    case = r.json()
    v = await intake.client.get(f"/petitions/{case['case_id']}", headers=intake.headers())
    assert v.status_code == 200, v.text
    print(v.json())
    p = await intake.client.get(f"/public/cases/{case['case_no']}", params={"code": case["query_code"]})
    assert p.status_code == 200, p.text
    print(p.json())
