"""Clock policies as data (data/clock_policies.yaml): the statutory clocks D1–D7, S3, R13, a
deployment's own clocks added by editing the file, and the loader's error messages."""

from __future__ import annotations

from datetime import date

import pytest

from services.supervision.domain.errors import PolicyFileError
from services.supervision.domain.policies import PolicySet, parse_policies_text
from shared.calendar.periods import period_end
from shared.calendar.statutory import StatutoryCalendar
from tests.unit.supervision.helpers import REPO, sh

POLICY_TEXT = (REPO / "data" / "clock_policies.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("kind", "rule", "length", "unit"),
    [
        ("dispatch", "D1", 15, "days"),
        ("acceptance", "D2", 15, "days"),
        ("handling", "D3", 60, "days"),
        ("review_window", "D4", 30, "days"),
        ("review", "D4", 30, "days"),
        ("re_review_window", "D5", 30, "days"),
        ("re_review", "D5", 30, "days"),
        ("report_back", "D7", 60, "days"),
        ("supervision_notice", "S3", 10, "days"),
        ("return_window", "R13", 5, "working_days"),
    ],
)
def test_statutory_clocks_are_in_the_policy_file(
    policies: PolicySet, kind: str, rule: str, length: int, unit: str
) -> None:
    policy = policies.get(kind)
    assert (policy.rule, policy.length, policy.unit, policy.enabled) == (rule, length, unit, True)


def test_events_start_stop_and_pause_the_right_clocks(policies: PolicySet) -> None:
    assert [p.kind for p in policies.started_by("intake.petition_registered")] == ["dispatch"]
    routed = policies.started_by("routing.case_routed", {"disposition": "assigned", "channel": "visit"})
    assert [p.kind for p in routed] == ["acceptance", "return_window"]
    accepted = policies.started_by("supervision.case_accepted", {"disposition": "assigned"})
    assert [p.kind for p in accepted] == ["handling", "report_back"]
    assert [p.kind for p in policies.stopped_by("supervision.case_accepted")] == ["acceptance"]
    assert [p.kind for p in policies.cancelled_by("supervision.case_accepted")] == ["return_window"]
    assert [p.kind for p in policies.paused_by("supervision.hearing_started")] == ["review", "re_review"]
    assert [p.kind for p in policies.resumed_by("supervision.hearing_ended")] == ["review", "re_review"]
    assert [p.kind for p in policies.extended_with("handling")] == ["report_back"]


def test_r4_diverted_and_r7_recorded_matters_get_no_acceptance_clock(policies: PolicySet) -> None:
    for disposition in ("diverted", "recorded", "triage"):
        assert policies.started_by("routing.case_routed", {"disposition": disposition}) == []


def test_d7_report_back_only_for_assigned_cases(policies: PolicySet) -> None:
    forwarded = policies.started_by("supervision.case_accepted", {"disposition": "forwarded"})
    assert [p.kind for p in forwarded] == ["handling"]
    assert policies.get("report_back").due_override


def test_d3_allows_one_extension_of_at_most_30_days(policies: PolicySet) -> None:
    handling = policies.get("handling")
    assert (handling.extension.max_count, handling.extension.max_days, handling.extension.before_due) == (
        1,
        30,
        True,
    )
    assert not policies.get("acceptance").extension.allowed


def test_windows_are_not_supervised(policies: PolicySet) -> None:
    windows = {p.kind for p in policies.policies if not p.supervised}
    assert windows == {"review_window", "re_review_window", "return_window"}


def test_supervision_thresholds_come_from_the_file(policies: PolicySet) -> None:
    t = policies.thresholds
    assert (t.due_soon_days, t.notice_after_overdue_days, t.escalate_after_overdue_days) == (3, 5, 15)
    assert (t.backlog_overdue_days, t.leader_repeat_count) == (30, 3)


def test_hotline_profile_is_on_file_but_off_until_enabled(policies: PolicySet) -> None:
    hotline_case = {"disposition": "forwarded", "channel": "hotline"}
    assert [p.kind for p in policies.started_by("routing.case_routed", hotline_case)] == [
        "acceptance",
        "return_window",
    ]
    enabled = parse_policies_text(POLICY_TEXT.replace("enabled: false", "enabled: true"))
    started = enabled.started_by("routing.case_routed", hotline_case)
    assert [p.kind for p in started] == [
        "acceptance",
        "return_window",
        "hotline_sign_for",
        "hotline_completion",
    ]
    assert [p.kind for p in enabled.started_by("routing.case_routed", {"channel": "letter"})] == []


def test_a_deployment_adds_a_clock_by_editing_the_yaml(calendar: StatutoryCalendar) -> None:
    """A 12345-style profile written by an operator: sign for within 1 working day."""
    text = POLICY_TEXT + (
        "\n  - kind: county_hotline_sign_for\n"
        "    rule: X1\n"
        "    length: 1\n"
        "    unit: working_days\n"
        "    starts_on: [routing.case_routed]\n"
        "    when: {channel: [county_hotline]}\n"
        "    stops_on: [routing.case_signed_for]\n"
    )
    policies = parse_policies_text(text)
    [policy] = policies.started_by("routing.case_routed", {"channel": "county_hotline"})
    assert policy.kind == "county_hotline_sign_for"
    # routed on the Friday before 清明 2026: the one working day is Tuesday 04-07
    assert period_end(sh(2026, 4, 3, 17), policy.length, policy.unit, calendar).last_day == date(2026, 4, 7)


def test_every_problem_in_a_broken_file_is_named() -> None:
    text = """
version: 1
supervision:
  due_soon_days: 0
policies:
  - kind: acceptance
    rule: D2
    length: 0
    unit: weeks
    starts_on: [RoutingCaseRouted]
    stops_on: []
  - kind: acceptance
    rule: D2b
    length: 15
    unit: days
    starts_on: [routing.case_routed]
    stops_on: [routing.case_routed]
    pauses_on: [supervision.hearing_started]
    extension: {max_count: 1}
    extends_with: nothing
    colour: red
"""
    with pytest.raises(PolicyFileError) as caught:
        parse_policies_text(text, origin="clock_policies.yaml")
    problems = caught.value.problems
    expected = [
        "supervision.due_soon_days: expected a whole number ≥ 1, got 0",
        "policies[0] (acceptance).unit: expected one of ['days', 'working_days'], got 'weeks'",
        "policies[0] (acceptance).length: expected a whole number ≥ 1, got 0",
        "policies[0] (acceptance).starts_on[0]: 'RoutingCaseRouted' is not an event name like routing.case_routed",
        "policies[0] (acceptance).stops_on: expected a list of event names, got []",
        "policies[1] (acceptance).colour: unknown key",
        "policies[1] (acceptance).extension.max_days: missing",
        "policies[1] (acceptance): pauses_on and resumes_on go together",
        "policies[1] (acceptance): routing.case_routed is in both starts_on and stops_on",
        "policies: kind acceptance is defined 2 times",
        "policies (acceptance).extends_with: no policy of kind nothing",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)
    assert str(caught.value).startswith("clock_policies.yaml: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("policies: []\n", "policies: expected a non-empty list"),
        ("- a\n", "expected a mapping"),
        ("policies: [\n", "not valid YAML"),
        ("version: 2\npolicies: [{kind: a}]\n", "version: 2 is not supported"),
        (
            "policies: [{rule: D1, length: 1, unit: days, starts_on: [a.b], stops_on: [a.c]}]\n",
            "policies[0].kind: expected a lower-case name",
        ),
    ],
)
def test_clear_errors(text: str, expected: str) -> None:
    with pytest.raises(PolicyFileError, match=expected.replace("[", r"\[")):
        parse_policies_text(text)


def test_unknown_kind_lookup_names_the_known_ones(policies: PolicySet) -> None:
    with pytest.raises(KeyError, match="acceptance"):
        policies.get("acceptanse")
