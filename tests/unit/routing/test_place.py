"""R2 Place: region code, address, text; short names; the writer's home vs the matter's place; ambiguity."""

from __future__ import annotations

from services.routing.domain.directory import Directory
from services.routing.domain.place import PlaceResolution, resolve_place

HANTING_BUREAU = "370703"  # region of 寒亭区信访局
CITY = "370700"  # region of 潍坊市信访局


def place(
    directory: Directory,
    *,
    address: str = "",
    content: str = "",
    title: str = "",
    region_code: str | None = None,
    receiving_region: str = HANTING_BUREAU,
) -> PlaceResolution:
    return resolve_place(
        directory,
        region_code=region_code,
        address=address,
        title=title,
        content=content,
        receiving_region=receiving_region,
    )


def code(resolution: PlaceResolution) -> str | None:
    return resolution.region.code if resolution.region else None


def test_r2_a_valid_region_code_wins_over_the_text(directory: Directory) -> None:
    result = place(directory, region_code="370783102201", address="寒亭区高里街道", content="高里村的事")
    assert code(result) == "370783102201"
    assert "区划代码" in result.how


def test_r2_an_unknown_region_code_is_ignored_and_said_so(directory: Directory) -> None:
    result = place(directory, region_code="379999", address="潍城区于河街道")
    assert code(result) == "370702005"
    assert "379999 不在目录中" in result.how


def test_r2_address_gives_the_finest_region(directory: Directory) -> None:
    assert code(place(directory, address="潍坊市寿光市台头镇南台头村北头")) == "370783103201"


def test_r2_short_forms_of_county_and_township_names(directory: Directory) -> None:
    assert code(place(directory, address="寒亭高里")) == "370703004"
    assert code(place(directory, content="我们寿光侯镇这边")) == "370783101"


def test_r2_village_without_suffix_in_the_address(directory: Directory) -> None:
    assert code(place(directory, address="桑家营子")) == "370783004201"


def test_r2_a_village_named_alone_in_the_text_is_found_under_its_township(directory: Directory) -> None:
    result = place(directory, content="我们西杨家埠村的路灯坏了")
    assert code(result) == "370703001202"
    assert "正文" in result.how


def test_r2_common_words_are_not_taken_for_short_village_names(directory: Directory) -> None:
    # 河滩 (河滩村) and 北门 (北门社区) are ordinary words in running text
    assert place(directory, content="孩子在河滩上玩，从北门进去").region is None


def test_r2_village_in_two_counties_received_inside_one_of_them(directory: Directory) -> None:
    result = place(directory, address="王家庄村", receiving_region="370783")
    assert code(result) == "370783101201"
    assert "受理单位在寿光市" in result.how


def test_r2_village_in_two_counties_received_from_a_township_inside_one(directory: Directory) -> None:
    assert code(place(directory, address="王家庄村", receiving_region="370703003")) == "370703003202"


def test_r2_village_in_two_counties_received_outside_both_is_unknown(directory: Directory) -> None:
    result = place(directory, address="王家庄村", receiving_region=CITY)
    assert result.region is None and result.ambiguous
    assert {c.region_code for c in result.candidates} == {"370703003202", "370783101201"}


def test_r2_a_county_named_with_the_village_settles_the_ambiguity(directory: Directory) -> None:
    assert code(place(directory, address="寿光市王家庄村", receiving_region=CITY)) == "370783101201"


def test_r2_the_place_the_text_names_as_the_matter_wins_over_the_writers_address(
    directory: Directory,
) -> None:
    result = place(
        directory,
        address="寿光市圣城街道",
        content="我在寿光打工多年，家也搬到了这边。要反映的是我老家潍城区于河街道于河村的宅基地被人占了的事。",
    )
    assert code(result) == "370702005201"
    assert "按正文认定" in result.how
    assert "370783001" in {c.region_code for c in result.candidates}


def test_r2_the_text_saying_the_writer_lives_at_the_address_makes_the_other_place_win(
    directory: Directory,
) -> None:
    result = place(
        directory, address="潍城区南关街道", content="我现在住在潍城区。羊口镇羊口村我家的承包地被人强占了。"
    )
    assert code(result) == "370783102201"
    assert "住处" in result.how


def test_r2_without_such_words_the_address_wins_over_a_place_mentioned_in_passing(
    directory: Directory,
) -> None:
    result = place(
        directory, address="寿光市侯镇", content="孩子去年从潍城区转学回侯镇的一所初中，学籍一直转不过来。"
    )
    assert code(result) == "370783101"


def test_r2_place_known_only_at_city_level(directory: Directory) -> None:
    result = place(directory, address="潍坊市")
    assert code(result) == "370700"
    assert "市级" in result.how


def test_r2_no_place_at_all(directory: Directory) -> None:
    result = place(directory, content="我在工地摔伤了，老板不管。")
    assert result.region is None and not result.ambiguous
    assert "不明" in result.how


def test_r2_a_place_address_that_is_the_petitioners_home_gives_way_to_the_text(directory: Directory) -> None:
    text = "我在寿光市侯镇一家家具厂干了两年，老板拖欠工资四个月。"
    assert code(place(directory, address="潍城区南关街道", content=text)) == "370702002"
    result = resolve_place(
        directory,
        region_code=None,
        address="潍城区南关街道",
        title="",
        content=text,
        receiving_region=HANTING_BUREAU,
        petitioner_addresses=["潍坊市潍城区南关街道某小区3号楼"],
    )
    assert code(result) == "370783101"
    assert "信访人住址" in result.how
