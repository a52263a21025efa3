"""Calendar year files (data/calendar/<year>.yaml): format, loader and its error messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shared.calendar.errors import CalendarFileError
from shared.calendar.years import (
    is_year_file,
    load_year_directory,
    load_year_file,
    parse_year_schedule,
    parse_year_text,
)
from tests.unit.supervision.helpers import FIXTURES, REPO


def test_fixture_year_file_loads_holidays_ranges_and_make_up_days() -> None:
    schedule = load_year_file(FIXTURES / "calendar" / "2027.yaml")
    assert schedule.year == 2027
    assert schedule.holidays[date(2027, 1, 2)] == "元旦"
    assert [d for d, n in schedule.holidays.items() if n == "春节"] == [
        date(2027, 2, d) for d in range(5, 14)
    ]
    assert schedule.make_up_workdays == {
        date(2027, 2, 14): "春节",
        date(2027, 9, 26): "国庆节",
        date(2027, 10, 9): "国庆节",
    }


def test_repository_calendar_directory_loads() -> None:
    """Every year file shipped in data/calendar must be valid; README and template are not read."""
    directory = REPO / "data" / "calendar"
    schedules = load_year_directory(directory)
    assert all(s.origin == f"{s.year}.yaml" for s in schedules)
    assert not is_year_file(directory / "README.md")
    assert not is_year_file(directory / "TEMPLATE.yaml.example")


def test_to_mapping_round_trips() -> None:
    schedule = load_year_file(FIXTURES / "calendar" / "2027.yaml")
    again = parse_year_schedule(schedule.to_mapping())
    assert again == schedule


def _problems(text: str) -> list[str]:
    with pytest.raises(CalendarFileError) as caught:
        parse_year_text(text, origin="2027.yaml")
    assert str(caught.value).startswith("2027.yaml:")
    return caught.value.problems


def test_every_problem_is_reported_with_its_place() -> None:
    problems = _problems(
        """
        year: 2027
        holidays:
          - name: 春节
            from: 2027-02-13
            to: 2027-02-05
          - name: 元旦
            dates: [2026-12-31, "2027-13-01"]
          - dates: [2027-05-01]
        make_up_workdays:
          - name: 劳动节
            dates: [2027-04-27]
        extra: 1
        """
    )
    text = "\n".join(problems)
    assert "extra: unknown key" in text
    assert "holidays[0] (春节): to 2027-02-05 is before from 2027-02-13" in text
    assert "holidays[1] (元旦): 2026-12-31 is not in 2027" in text
    assert "holidays[1] (元旦).dates[1]: expected a date YYYY-MM-DD, got '2027-13-01'" in text
    assert "holidays[2].name: expected the holiday's name" in text
    # 2027-04-27 is a Tuesday
    assert "make_up_workdays: 2027-04-27 (劳动节) is a Tuesday, already a working day" in text
    assert len(problems) == 6


def test_a_day_cannot_be_both_holiday_and_make_up_working_day() -> None:
    problems = _problems(
        "year: 2027\nholidays: [{name: 春节, dates: [2027-02-14]}]\nmake_up_workdays: [{name: 春节, dates: [2027-02-14]}]\n"
    )
    assert problems == ["2027-02-14 is both a holiday (春节) and a make-up working day (春节)"]


def test_a_date_listed_twice_is_reported() -> None:
    problems = _problems(
        "year: 2027\nholidays: [{name: 元旦, dates: [2027-01-01]}, {name: 春节, dates: [2027-01-01]}]\n"
        "make_up_workdays: []\n"
    )
    assert problems == ["holidays[1] (春节): 2027-01-01 is listed twice in holidays"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("holidays: []\nmake_up_workdays: []\n", "year: expected a four-digit year, got None"),
        ("year: 2027\nmake_up_workdays: []\n", "holidays: missing"),
        (
            "year: 2027\nholidays: [{name: 元旦, dates: [2027-01-01 09:00:00]}]\nmake_up_workdays: []\n",
            "expected a date YYYY-MM-DD, got '2027-01-01 09:00:00'",
        ),
        (
            "year: 2027\nholidays: [{name: 元旦, dates: [20270101]}]\nmake_up_workdays: []\n",
            "expected a date YYYY-MM-DD, got 20270101",
        ),
        (
            "year: 2027\nholidays: [{name: 元旦}]\nmake_up_workdays: []\n",
            "give either `dates: [...]` or `from:` and `to:`",
        ),
        (
            "year: 2027\nholidays: [{name: 春节, from: 2027-01-01, to: 2027-03-01}]\nmake_up_workdays: []\n",
            "is longer than 31 days",
        ),
        ("year: 2027\nversion: 2\nholidays: []\nmake_up_workdays: []\n", "version: 2 is not supported"),
        ("- 2027-01-01\n", "expected a mapping"),
        ("year: [2027\n", "not valid YAML"),
    ],
)
def test_clear_errors(text: str, expected: str) -> None:
    with pytest.raises(CalendarFileError) as caught:
        parse_year_text(text, origin="2027.yaml")
    assert expected in str(caught.value)


def test_file_name_must_match_the_year(tmp_path: Path) -> None:
    (tmp_path / "2028.yaml").write_text("year: 2027\nholidays: []\nmake_up_workdays: []\n", encoding="utf-8")
    with pytest.raises(CalendarFileError, match="(?s)2028.yaml.*year: 2027 does not match the file name"):
        load_year_file(tmp_path / "2028.yaml")


def test_directory_loads_year_files_only_and_in_order(tmp_path: Path) -> None:
    (tmp_path / "2028.yaml").write_text("year: 2028\nholidays: []\nmake_up_workdays: []\n", encoding="utf-8")
    (tmp_path / "2027.yaml").write_bytes((FIXTURES / "calendar" / "2027.yaml").read_bytes())
    (tmp_path / "notes.yaml").write_text("not: a year\n", encoding="utf-8")
    assert [s.year for s in load_year_directory(tmp_path)] == [2027, 2028]


def test_a_broken_file_in_the_directory_is_named(tmp_path: Path) -> None:
    (tmp_path / "2028.yaml").write_text(
        "year: 2028\nholidays: [{name: x, dates: [2028-02-30]}]\n", encoding="utf-8"
    )
    with pytest.raises(CalendarFileError) as caught:
        load_year_directory(tmp_path)
    assert caught.value.origin == "2028.yaml"
    assert any("2028-02-30" in p for p in caught.value.problems)


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CalendarFileError, match="calendar directory not found"):
        load_year_directory(tmp_path / "nowhere")
