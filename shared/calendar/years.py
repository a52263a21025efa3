"""Calendar year files: the State Council's holiday schedule for one year, as data.

Each November the State Council publishes the next year's schedule (国务院办公厅关于××年部分节假日
安排的通知): the statutory holidays and the make-up working days (调休上班). Operators put it in
``data/calendar/<year>.yaml`` (or send it to the admin API) and it takes effect without a release.
A loaded year replaces whatever the ``chinese-calendar`` package knows about that year.

Format (see ``data/calendar/README.md``; the dates below are only an illustration)::

    version: 1
    year: 2027
    source: 国办发明电〔2026〕N号          # optional: where the schedule comes from
    holidays:                              # days off (法定节假日 and the days around them)
      - name: 元旦
        dates: [2027-01-01]
      - name: 春节
        from: 2027-02-06                   # a range, both ends included
        to: 2027-02-12
    make_up_workdays:                      # weekend days that are working days (调休上班)
      - name: 春节
        dates: [2027-02-14]

Every other day is a working day from Monday to Friday and a rest day on Saturday and Sunday.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from shared.calendar.errors import CalendarFileError

FORMAT_VERSION = 1
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOP_KEYS = {"version", "year", "source", "holidays", "make_up_workdays"}
_ENTRY_KEYS = {"name", "dates", "from", "to", "note"}
#: longest range accepted in one entry; a longer one is almost surely a typo in a year
_MAX_RANGE_DAYS = 31


@dataclass(frozen=True)
class YearSchedule:
    """The statutory schedule of one year: holidays and make-up working days, with their names."""

    year: int
    holidays: Mapping[date, str]
    make_up_workdays: Mapping[date, str]
    source: str = ""
    origin: str = field(default="", compare=False)

    def to_mapping(self) -> dict[str, Any]:
        """The schedule in the year-file format (dates as ISO strings, one entry per name)."""
        return {
            "version": FORMAT_VERSION,
            "year": self.year,
            **({"source": self.source} if self.source else {}),
            "holidays": _group_by_name(self.holidays),
            "make_up_workdays": _group_by_name(self.make_up_workdays),
        }


def _group_by_name(days: Mapping[date, str]) -> list[dict[str, Any]]:
    groups: dict[str, list[str]] = {}
    for day in sorted(days):
        groups.setdefault(days[day], []).append(day.isoformat())
    return [{"name": name, "dates": dates} for name, dates in groups.items()]


def parse_year_schedule(data: object, *, origin: str = "calendar year") -> YearSchedule:
    """Validate a year-file mapping (as loaded from YAML or received as JSON).

    Raises :class:`CalendarFileError` listing every problem found.
    """
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise CalendarFileError(
            origin, [f"expected a mapping with keys {sorted(_TOP_KEYS)}, got {_kind(data)}"]
        )
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(f"{key}: unknown key (expected one of {sorted(_TOP_KEYS)})")
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        problems.append(f"version: {version!r} is not supported (expected {FORMAT_VERSION})")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 < year < 10000:
        problems.append(f"year: expected a four-digit year, got {year!r}")
        raise CalendarFileError(origin, problems)
    source = data.get("source", "")
    if not isinstance(source, str):
        problems.append(f"source: expected text, got {_kind(source)}")
        source = ""

    holidays = _parse_section(data, "holidays", year, problems)
    workdays = _parse_section(data, "make_up_workdays", year, problems)
    for day in sorted(set(holidays) & set(workdays)):
        problems.append(
            f"{day.isoformat()} is both a holiday ({holidays[day]}) and a make-up working day ({workdays[day]})"
        )
    for day, name in sorted(workdays.items()):
        if day.weekday() < 5 and day not in holidays:
            problems.append(
                f"make_up_workdays: {day.isoformat()} ({name}) is a {day.strftime('%A')}, "
                "already a working day; only Saturdays and Sundays can be make-up working days"
            )
    if problems:
        raise CalendarFileError(origin, problems)
    return YearSchedule(year=year, holidays=holidays, make_up_workdays=workdays, source=source, origin=origin)


def _parse_section(data: Mapping[Any, Any], key: str, year: int, problems: list[str]) -> dict[date, str]:
    if key not in data:
        problems.append(f"{key}: missing (write `{key}: []` if there are none)")
        return {}
    entries = data[key]
    if entries is None:
        return {}
    if not isinstance(entries, list):
        problems.append(f"{key}: expected a list of entries with name and dates, got {_kind(entries)}")
        return {}
    days: dict[date, str] = {}
    for index, entry in enumerate(entries):
        where = f"{key}[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(
                f"{where}: expected a mapping with name and dates (or from/to), got {_kind(entry)}"
            )
            continue
        for k in entry:
            if k not in _ENTRY_KEYS:
                problems.append(f"{where}.{k}: unknown key (expected one of {sorted(_ENTRY_KEYS)})")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}.name: expected the holiday's name, e.g. 春节")
            name = "?"
        else:
            where = f"{where} ({name})"
        for day in _entry_dates(entry, where, problems):
            if day.year != year:
                problems.append(f"{where}: {day.isoformat()} is not in {year}")
            elif day in days:
                problems.append(f"{where}: {day.isoformat()} is listed twice in {key}")
            else:
                days[day] = name.strip()
    return days


def _entry_dates(entry: Mapping[Any, Any], where: str, problems: list[str]) -> list[date]:
    has_dates = "dates" in entry
    has_range = "from" in entry or "to" in entry
    if has_dates == has_range:
        problems.append(f"{where}: give either `dates: [...]` or `from:` and `to:`")
        return []
    if has_dates:
        raw = entry["dates"]
        if not isinstance(raw, list) or not raw:
            problems.append(f"{where}.dates: expected a non-empty list of dates (YYYY-MM-DD)")
            return []
        parsed = [_date(value, f"{where}.dates[{i}]", problems) for i, value in enumerate(raw)]
        return [d for d in parsed if d is not None]
    start = _date(entry.get("from"), f"{where}.from", problems)
    end = _date(entry.get("to"), f"{where}.to", problems)
    if start is None or end is None:
        return []
    if end < start:
        problems.append(f"{where}: to {end.isoformat()} is before from {start.isoformat()}")
        return []
    if (end - start).days >= _MAX_RANGE_DAYS:
        problems.append(
            f"{where}: range {start.isoformat()}..{end.isoformat()} is longer than {_MAX_RANGE_DAYS} days"
        )
        return []
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _date(value: object, where: str, problems: list[str]) -> date | None:
    if isinstance(value, datetime):
        problems.append(f"{where}: expected a date without time (YYYY-MM-DD), got {value!r}")
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(f"{where}: expected a date YYYY-MM-DD, got {value!r}")
    return None


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__


class _YearFileLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text, so that a wrong date is reported where it is."""


_YearFileLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_year_text(text: str, *, origin: str = "calendar year") -> YearSchedule:
    """Parse the YAML text of a year file."""
    try:
        data = yaml.load(text, Loader=_YearFileLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise CalendarFileError(origin, [f"not valid YAML: {exc}"]) from exc
    return parse_year_schedule(data, origin=origin)


def load_year_file(path: Path) -> YearSchedule:
    """Read ``<year>.yaml``. The year in the file must match its name."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CalendarFileError(str(path.name), [f"cannot read: {exc.strerror or exc}"]) from exc
    schedule = parse_year_text(text, origin=path.name)
    if path.stem != str(schedule.year):
        raise CalendarFileError(
            path.name, [f"year: {schedule.year} does not match the file name (expected {path.stem})"]
        )
    return schedule


def is_year_file(path: Path) -> bool:
    """Year files are named by their year: ``2027.yaml``. Other files (README, templates) are ignored."""
    return path.suffix in {".yaml", ".yml"} and path.stem.isdigit() and len(path.stem) == 4


def load_year_directory(directory: Path) -> list[YearSchedule]:
    """Read every ``<year>.yaml`` in ``directory``, in year order."""
    if not directory.is_dir():
        raise CalendarFileError(str(directory.name), ["calendar directory not found"])
    files = sorted(p for p in directory.iterdir() if is_year_file(p))
    schedules = [load_year_file(p) for p in files]
    seen: dict[int, str] = {}
    for schedule in schedules:
        if schedule.year in seen:
            raise CalendarFileError(
                schedule.origin, [f"year {schedule.year} is also given by {seen[schedule.year]}"]
            )
        seen[schedule.year] = schedule.origin
    return schedules
