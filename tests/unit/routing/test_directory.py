"""The directory (jurisdiction.yaml + categories.yaml): loading, validation with lines, export, version."""

from __future__ import annotations

import pytest

from services.routing.domain.directory import (
    Channel,
    Directory,
    Level,
    export_categories,
    export_jurisdiction,
    parse_directory,
)
from services.routing.domain.errors import DirectoryFileError

JURISDICTION = """\
version: 1
regions:
  - {code: "000000", name: 中华人民共和国, level: national}
  - {code: "370700", name: 潍坊市, level: city, parent: "000000"}
  - {code: "370703", name: 寒亭区, level: county, parent: "370700"}
  - {code: "370703001", name: 寒亭街道, level: township, parent: "370703"}
units:
  - {id: "370700:petition_bureau", name: 潍坊市信访局, region: "370700", kind: petition_bureau}
  - {id: "370703:petition_bureau", name: 寒亭区信访局, region: "370703", kind: petition_bureau}
  - {id: "370703:health", name: 寒亭区卫生健康局, region: "370703", kind: health}
"""

CATEGORIES = """\
version: 1
categories:
  - code: health
    name: 卫生健康
    competent_kind: health
    lowest_level: county
    channel: administrative
    examples: [医疗纠纷]
"""


def problems(jurisdiction: str = JURISDICTION, categories: str = CATEGORIES) -> list[str]:
    with pytest.raises(DirectoryFileError) as caught:
        parse_directory(jurisdiction, categories)
    return caught.value.problems


def test_demo_directory_loads_with_typed_frozen_objects(directory: Directory) -> None:
    region = directory.region("370703003201")
    assert (
        region is not None and region.name == "固堤村" and region.level == Level.VILLAGE and region.rank == 5
    )
    land = directory.category("land_resources")
    assert land is not None and land.channel == Channel.ADMINISTRATIVE and land.lowest_level == Level.COUNTY
    with pytest.raises(AttributeError):
        region.name = "别处"  # type: ignore[misc]


def test_lookups_follow_the_tree(directory: Directory) -> None:
    village = "370703003201"
    assert [r.code for r in directory.ancestors(village)] == [
        "370703003",
        "370703",
        "370700",
        "370000",
        "000000",
    ]
    assert directory.county_of(village) == directory.region("370703")
    assert directory.township_of(village) == directory.region("370703003")
    assert directory.city_of(village) == directory.region("370700")
    assert directory.unit_of_kind("370703", "health") == directory.unit("370703:health")
    assert directory.unit_of_kind("370703003", "health") is None
    # a township has no petition bureau: its petitions go to the county's
    assert directory.petition_bureau_for("370703003201") == directory.unit("370703:petition_bureau")
    assert directory.full_name(village) == "寒亭区固堤街道固堤村"


def test_short_names_mean_the_outermost_region_and_ambiguous_names_keep_all(directory: Directory) -> None:
    assert [r.code for r in directory.names["寒亭"]] == ["370703"]  # 寒亭区, not its 寒亭街道
    assert {r.code for r in directory.names["王家庄村"]} == {"370703003202", "370783101201"}
    assert "河滩" not in directory.names  # two-character village short forms are too common in text


def test_unknown_parent_is_reported_with_its_line() -> None:
    text = JURISDICTION.replace('parent: "370703"}', 'parent: "370799"}')
    assert problems(text) == ["jurisdiction.yaml:6: unknown parent '370799' of region '370703001' (寒亭街道)"]


def test_duplicate_region_code_and_unit_id_name_both_lines() -> None:
    text = (
        JURISDICTION.replace(
            "units:\n",
            '  - {code: "370703", name: 寒亭区, level: county, parent: "370700"}\nunits:\n',
        )
        + '  - {id: "370703:health", name: 寒亭区卫生健康局, region: "370703", kind: health}\n'
    )
    found = problems(text)
    assert "jurisdiction.yaml:7: duplicate region code '370703' (first on line 5)" in found
    assert "jurisdiction.yaml:12: duplicate unit id '370703:health' (first on line 11)" in found


def test_unit_in_unknown_region_and_unknown_level_are_reported() -> None:
    text = JURISDICTION.replace("level: township", "level: town") + (
        '  - {id: "379999:health", name: 某局, region: "379999", kind: health}\n'
    )
    found = problems(text)
    assert any(p.startswith("jurisdiction.yaml:6: unknown level 'town'") for p in found)
    assert "jurisdiction.yaml:11: unit '379999:health' (某局) is in unknown region '379999'" in found


def test_unit_id_must_be_region_and_kind() -> None:
    text = JURISDICTION.replace('id: "370703:health"', 'id: "370703:hospital"')
    assert (
        "jurisdiction.yaml:10: unit id '370703:hospital' must be \"370703:health\" (region:kind)"
        in problems(text)
    )


def test_unquoted_code_is_refused_with_a_hint() -> None:
    text = JURISDICTION.replace('code: "370703001"', "code: 370703001")
    assert problems(text) == [
        "jurisdiction.yaml:6: 'code' must be a non-empty string, got 370703001 (quote codes so that leading "
        "zeros are kept)"
    ]


def test_category_whose_competent_kind_no_unit_has_is_reported_with_its_line() -> None:
    text = CATEGORIES.replace("competent_kind: health", "competent_kind: hospital")
    assert problems(categories=text) == [
        "categories.yaml:3: category 'health' has competent_kind 'hospital', which no unit in the jurisdiction has"
    ]


def test_unknown_channel_and_lowest_level_are_reported() -> None:
    text = CATEGORIES.replace("channel: administrative", "channel: court").replace(
        "lowest_level: county", "lowest_level: district"
    )
    found = problems(categories=text)
    assert len(found) == 2 and all(p.startswith("categories.yaml:3: unknown") for p in found)


def test_broken_yaml_names_the_line() -> None:
    text = JURISDICTION.replace('  - {code: "370703", name: 寒亭区', '  - {code: "370703" name: 寒亭区')
    (problem,) = problems(text)
    assert problem.startswith("jurisdiction.yaml:5: not valid YAML")


def test_export_round_trips(directory: Directory) -> None:
    jurisdiction, categories = export_jurisdiction(directory), export_categories(directory)
    again = parse_directory(jurisdiction, categories)
    assert again == directory
    assert export_jurisdiction(again) == jurisdiction and export_categories(again) == categories
    assert again.version == directory.version
    assert '- {code: "370703", name: 寒亭区, level: county, parent: "370700"}' in jurisdiction


def test_version_changes_when_the_directory_changes() -> None:
    base = parse_directory(JURISDICTION, CATEGORIES)
    renamed = parse_directory(JURISDICTION.replace("寒亭区卫生健康局", "寒亭区卫健局"), CATEGORIES)
    recategorised = parse_directory(
        JURISDICTION, CATEGORIES.replace("lowest_level: county", "lowest_level: city")
    )
    assert len(base.version) == 12
    assert len({base.version, renamed.version, recategorised.version}) == 3
    # comments and layout are not content: the same directory keeps its version
    assert parse_directory("# a comment\n" + JURISDICTION, CATEGORIES).version == base.version
