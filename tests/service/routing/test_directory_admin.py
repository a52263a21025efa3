"""The directory and the classifier vocabulary: versioned, imported and exported by admins, and used by
the next routing decision without a release."""

from __future__ import annotations

from pathlib import Path

from tests.service.routing.conftest import LAND, NATURAL_RESOURCES, Desk, problem
from tests.support.petitions import petition_body

DATA = Path(__file__).resolve().parents[3] / "data"
GLARE = petition_body(
    title="光伏板反光晃眼睛",
    content="开元街道开元社区对面厂房屋顶装的光伏板，每天下午反光正好照进我家窗户，晃得人睁不开眼。",
    place={},
)


async def test_the_directory_of_the_data_folder_is_imported_once_as_the_first_version(desk: Desk) -> None:
    admin = desk.as_("admin", sub="ops-1")
    summary = (await desk.routing.get("/directory", headers=admin)).json()
    assert summary["counts"]["regions"] == 41 and summary["counts"]["units"] > 80
    assert summary["counts"]["categories"] == 17 and summary["counts"]["vocabulary_terms"] > 100
    assert summary["directory"]["published_by"] == "system"
    versions = (await desk.routing.get("/directory/versions", headers=admin)).json()
    assert sorted((v["kind"], v["current"]) for v in versions) == [("directory", True), ("vocabulary", True)]
    exported = await desk.routing.get("/directory/jurisdiction.yaml", headers=admin)
    assert exported.headers["content-type"].startswith("application/yaml")
    assert '{id: "370703:natural_resources", name: 寒亭区自然资源局' in exported.text
    categories = (await desk.routing.get("/directory/categories.yaml", headers=admin)).text
    assert "  - code: land_resources\n    name: 国土资源\n" in categories


async def test_an_import_with_problems_is_refused_naming_file_and_line(desk: Desk) -> None:
    admin = desk.as_("admin")
    before = (await desk.routing.get("/directory", headers=admin)).json()["directory_version"]
    jurisdiction = (DATA / "jurisdiction.yaml").read_text(encoding="utf-8")
    broken = jurisdiction.replace('{code: "370703001", name: 寒亭街道, level: township, parent: "370703"}',
                                  '{code: "370703001", name: 寒亭街道, level: township, parent: "370799"}')
    line = next(i for i, text in enumerate(broken.splitlines(), start=1) if '"370799"' in text)
    r = await desk.routing.put("/directory", json={"jurisdiction_yaml": broken}, headers=admin)
    body = problem(r, 422)
    [error] = body["errors"]
    assert (error["file"], error["line"], error["field"]) == ("jurisdiction.yaml", line, "jurisdiction_yaml")
    assert error["message"] == f"jurisdiction.yaml:{line}: unknown parent '370799' of region '370703001' (寒亭街道)"
    assert (await desk.routing.get("/directory", headers=admin)).json()["directory_version"] == before


async def test_only_an_admin_publishes(desk: Desk) -> None:
    jurisdiction = (DATA / "jurisdiction.yaml").read_text(encoding="utf-8")
    r = await desk.routing.put("/directory", json={"jurisdiction_yaml": jurisdiction}, headers=desk.clerk)
    problem(r, 403)
    r = await desk.routing.put("/directory/vocabulary.yaml", content=b"version: 1\n", headers=desk.as_("supervisor"))
    problem(r, 403)


async def test_a_new_directory_version_is_used_by_the_next_decision(desk: Desk) -> None:
    admin = desk.as_("admin", sub="ops-1")
    _, first = await desk.routed(**LAND)
    old = first["directory_version"]
    jurisdiction = (await desk.routing.get("/directory/jurisdiction.yaml", headers=admin)).text
    renamed = jurisdiction.replace("name: 寒亭区自然资源局,", "name: 寒亭区自然资源和规划局,")
    r = await desk.routing.put(
        "/directory", json={"jurisdiction_yaml": renamed, "note": "机构改革：更名"}, headers=admin
    )
    assert r.status_code == 200, r.text
    new = r.json()["directory_version"]
    assert new != old and r.json()["directory"]["note"] == "机构改革：更名"

    _, second = await desk.routed(**LAND, received_at="2026-03-02T09:00:00+08:00", petitioners=[{"name": "另一人"}])
    assert second["directory_version"] == new
    assert (second["unit_id"], second["unit_name"]) == (NATURAL_RESOURCES, "寒亭区自然资源和规划局")
    assert "R3：由寒亭区自然资源和规划局主管（国土资源类事项按属地由主管部门办理）" in second["why"]
    versions = (await desk.routing.get("/directory/versions", headers=admin)).json()
    directory_versions = [(v["version"], v["current"], v["published_by"]) for v in versions if v["kind"] == "directory"]
    assert directory_versions == [(new, True, "ops-1"), (old, False, "system")]
    earlier = await desk.routing.get(f"/directory/jurisdiction.yaml?version={old}", headers=admin)
    assert "寒亭区自然资源和规划局" not in earlier.text and "寒亭区自然资源局" in earlier.text

    unchanged = await desk.routing.put("/directory", json={"jurisdiction_yaml": renamed}, headers=admin)
    assert unchanged.json()["directory_version"] == new
    assert len([v for v in (await desk.routing.get("/directory/versions", headers=admin)).json() if v["kind"] == "directory"]) == 2


async def test_an_operator_extends_the_vocabulary_and_the_classification_changes_without_a_release(desk: Desk) -> None:
    admin = desk.as_("admin", sub="ops-1")
    before = (await desk.routing.post("/routing/preview", json=GLARE, headers=desk.clerk)).json()
    assert (before["category"], before["disposition"]) == (None, "triage")

    text = (await desk.routing.get("/directory/vocabulary.yaml", headers=admin)).text
    anchor = "  environment:\n    terms: {\n"
    assert anchor in text
    extended = text.replace(anchor, anchor + "      光伏板: 4, 光污染: 4, 反光: 3,\n")
    r = await desk.routing.put(
        "/directory/vocabulary.yaml?note=光污染投诉增多",
        content=extended.encode("utf-8"),
        headers={**admin, "Content-Type": "application/yaml"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["vocabulary"]["note"] == "光污染投诉增多"
    assert r.json()["vocabulary_version"] != before["vocabulary_version"]

    after = (await desk.routing.post("/routing/preview", json=GLARE, headers=desk.clerk)).json()
    assert (after["category"], after["unit_id"], after["disposition"]) == (
        "environment",
        "370703:ecology_environment",
        "forwarded",
    )
    assert after["why"][0].startswith("类别：生态环境（依据：光伏板") and after["vocabulary_version"] == r.json()["vocabulary_version"]

    case_id = await desk.register(**{k: GLARE[k] for k in ("title", "content", "place")})
    assert (await desk.assignment(case_id))["unit_id"] == "370703:ecology_environment"


async def test_a_vocabulary_with_a_bad_weight_is_refused_naming_the_line(desk: Desk) -> None:
    admin = desk.as_("admin")
    text = (await desk.routing.get("/directory/vocabulary.yaml", headers=admin)).text
    anchor = "  environment:\n    terms: {\n"
    broken = text.replace(anchor, anchor + "      光伏板: 很多,\n")
    line = text[: text.index(anchor) + len(anchor)].count("\n") + 1
    r = await desk.routing.put("/directory/vocabulary.yaml", content=broken.encode("utf-8"), headers=admin)
    [error] = problem(r, 422)["errors"]
    assert (error["file"], error["line"]) == ("routing_vocabulary.yaml", line)
    assert "光伏板" in error["message"]


async def test_another_replica_reloads_the_directory_when_a_new_version_is_published(desk: Desk) -> None:
    from services.routing.handlers.directory import DirectoryHolder

    runtime = desk.app.state.runtime
    replica = DirectoryHolder(runtime, desk.settings.directory_dir)  # a second process's view of the same store
    async with runtime.db.read() as conn:
        before = (await replica.current(conn, write=False)).directory.version
    admin = desk.as_("admin")
    categories = (await desk.routing.get("/directory/categories.yaml", headers=admin)).text
    changed = categories.replace("examples: [子女入学难, 学校乱收费]", "examples: [子女入学难, 学校乱收费, 校车接送]")
    r = await desk.routing.put("/directory", json={"categories_yaml": changed}, headers=admin)
    assert r.status_code == 200, r.text
    async with runtime.db.read() as conn:
        after = await replica.current(conn, write=False)
    assert after.directory.version == r.json()["directory_version"] != before
    assert "校车接送" in after.directory.category("education").examples  # type: ignore[union-attr]
