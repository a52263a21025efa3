"""The petition aggregate: every command, accepted and refused (DOMAIN.md §2, R11, R12, D4, D5, D6, S11)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from services.intake.domain.commands import (
    AddMaterial,
    Command,
    ConfirmUrgent,
    CorrectField,
    Evaluate,
    MarkAbnormal,
    Merge,
    RecordReply,
    RecordReReviewOpinion,
    RecordReviewOpinion,
    RecordTermination,
    Register,
    RequestReReview,
    RequestReview,
    Withdraw,
)
from services.intake.domain.errors import DomainError
from services.intake.domain.petition import PetitionState, decide, fold
from services.intake.domain.repeats import ClusterFlag, RepeatDecision
from services.intake.domain.windows import WorkingDayCalendar, weekdays
from shared.events.base import EventData, parse
from shared.events.catalogue.intake import (
    CollectiveClusterFlagged,
    EvaluationRecorded,
    FieldCorrected,
    PetitionRegistered,
    RepeatMerged,
    ReviewRequested,
)
from tests.unit.intake.builders import CST, NOW, at, draft, petitioner


def registered(**draft_changes: Any) -> PetitionState:
    return fold(decide(register(**draft_changes), PetitionState()))


def register(
    repeat: RepeatDecision | None = None, level: str | None = "county", **draft_changes: Any
) -> Register:
    return Register(
        case_id="case-1",
        case_no="370703-2026-000123",
        draft=draft(**draft_changes),
        at=NOW,
        received_by_level=level,
        query_code_digest="d" * 64,
        repeat=repeat,
    )


def run(state: PetitionState, *commands: Command, calendar: WorkingDayCalendar = weekdays) -> PetitionState:
    for command in commands:
        state = fold(decide(command, state, is_working_day=calendar), state)
    return state


def refused(state: PetitionState, command: Command, calendar: WorkingDayCalendar = weekdays) -> DomainError:
    with pytest.raises(DomainError) as caught:
        decide(command, state, is_working_day=calendar)
    return caught.value


REPLIED_AT = at("2026-04-01")


def replied(**draft_changes: Any) -> PetitionState:
    return run(
        registered(**draft_changes), RecordReply(replied_at=REPLIED_AT, at=REPLIED_AT, source_event_id="sv-1")
    )


# --- register ----------------------------------------------------------------------------------------


def test_register_records_the_petition_and_opens_the_case() -> None:
    events = decide(register(), PetitionState())
    assert [type(e) for e in events] == [PetitionRegistered]
    event = events[0]
    assert isinstance(event, PetitionRegistered)
    assert event.case_no == "370703-2026-000123"
    assert event.petitioners[0]["id_number"] == petitioner(0).id_number
    assert event.query_code_digest == "d" * 64
    state = fold(events)
    assert (state.status, state.case_id, state.version) == ("open", "case-1", 1)


def test_register_refuses_an_invalid_draft_with_its_field_errors() -> None:
    error = refused(PetitionState(), register(headcount=0, title=""))
    assert error.code == "invalid_petition"
    assert {e.field for e in error.errors} == {"headcount", "title"}


def test_register_twice_is_refused() -> None:
    assert refused(registered(), register()).code == "already_registered"


def test_r11_collective_flags_at_registration() -> None:
    five = tuple(petitioner(n) for n in range(5))
    assert "collective" in registered(headcount=5, petitioners=five).flags
    big = fold(decide(register(headcount=35, petitioners=five, level="province"), PetitionState()))
    assert {"collective", "large_collective"} <= big.flags
    township = fold(decide(register(headcount=21, petitioners=five, level="township"), PetitionState()))
    assert "collective" in township.flags and "large_collective" not in township.flags


def test_s11_urgent_is_suggested_with_evidence_not_set() -> None:
    events = decide(register(content="工钱再不给，我就去北京上访，从楼上跳下去。"), PetitionState())
    event = events[0]
    assert isinstance(event, PetitionRegistered)
    assert "urgent_suggested" in event.flags
    assert event.urgent is False
    assert {(e["kind"], e["phrase"]) for e in event.urgent_evidence} == {
        ("beijing", "去北京上访"),
        ("extreme_act", "从楼上跳"),
    }
    assert fold(events).urgent is False


def test_r12_repeat_of_an_open_case_is_registered_and_merged() -> None:
    decision = RepeatDecision(outcome="merge", original_case_id="case-0", similarity=0.31, rules=("R12",))
    events = decide(register(repeat=decision), PetitionState())
    assert [type(e) for e in events] == [PetitionRegistered, RepeatMerged]
    state = fold(events)
    assert (state.status, state.merged_into) == ("merged", "case-0")
    assert "repeat" in state.flags


def test_r12_repeat_of_a_terminated_case_is_registered_not_accepted() -> None:
    decision = RepeatDecision(outcome="not_accepted", original_case_id="case-0", rules=("R12", "D6"))
    events = decide(register(repeat=decision), PetitionState())
    event = events[0]
    assert isinstance(event, PetitionRegistered)
    assert (event.repeat_of, event.repeat_outcome, event.repeat_rules) == (
        "case-0",
        "not_accepted",
        ["R12", "D6"],
    )
    assert fold(events).status == "not_accepted"


def test_r12_repeat_after_a_reply_is_registered_and_flagged_for_review() -> None:
    ends = datetime(2026, 4, 1, tzinfo=CST)
    decision = RepeatDecision(
        outcome="review", original_case_id="case-0", rules=("R12", "D4"), window_ends_at=ends
    )
    event = decide(register(repeat=decision), PetitionState())[0]
    assert isinstance(event, PetitionRegistered)
    assert {"repeat", "repeat_after_reply"} <= set(event.flags)
    assert event.repeat_window_ends_at == ends
    assert fold([event]).status == "open"


def test_r12_possible_cluster_is_flagged_with_the_linked_cases() -> None:
    cluster = ClusterFlag(case_ids=("case-a", "case-b"), petitioners=3, min_similarity=0.22, window_days=7)
    command = replace(register(), cluster=cluster)
    events = decide(command, PetitionState())
    flagged = events[-1]
    assert isinstance(flagged, CollectiveClusterFlagged)
    assert flagged.linked_case_ids == ["case-a", "case-b"]
    assert "possible_cluster" in fold(events).flags


def test_commands_before_registration_are_refused() -> None:
    assert refused(PetitionState(), Withdraw(at=NOW)).code == "not_registered"


# --- material, corrections ------------------------------------------------------------------------------


def test_add_material_and_a_retried_upload_adds_nothing() -> None:
    command = AddMaterial(material_id="m-1", kind="photo", title="挖坑现场照片", at=NOW)
    state = run(registered(), command)
    assert state.materials == ("m-1",)
    assert decide(command, state) == []


def test_add_material_refuses_unknown_kinds_and_closed_cases() -> None:
    assert refused(registered(), AddMaterial(material_id="m", kind="gift", title="x", at=NOW)).code == (
        "invalid_material_kind"
    )
    withdrawn = run(registered(), Withdraw(at=NOW))
    assert refused(withdrawn, AddMaterial(material_id="m", kind="photo", title="x", at=NOW)).code == "closed"


def test_material_for_a_merged_repeat_goes_to_the_original() -> None:
    merged = run(registered(), Merge(original_case_id="case-0", at=NOW))
    error = refused(merged, AddMaterial(material_id="m", kind="photo", title="x", at=NOW))
    assert error.code == "merged" and "case-0" in error.message


def test_correction_is_a_new_event_keeping_the_old_value() -> None:
    state = registered()
    events = decide(CorrectField(field="title", value="夜里有人盗挖耕地", reason="标题笔误", at=NOW), state)
    event = events[0]
    assert isinstance(event, FieldCorrected)
    assert (event.old_value, event.new_value, event.reason) == (
        "夜里有人挖耕地取土卖",
        "夜里有人盗挖耕地",
        "标题笔误",
    )
    assert fold(events, state).title == "夜里有人盗挖耕地"


@pytest.mark.parametrize("field", ["case_no", "received_by", "petitioners", "case_id"])
def test_some_fields_cannot_be_corrected(field: str) -> None:
    assert refused(registered(), CorrectField(field=field, value="x", reason="r", at=NOW)).code == (
        "field_not_correctable"
    )


def test_correction_needs_a_reason_a_change_and_a_valid_value() -> None:
    state = registered()
    assert (
        refused(state, CorrectField(field="title", value="新标题", reason=" ", at=NOW)).code
        == "reason_required"
    )
    assert (
        refused(state, CorrectField(field="title", value=state.title, reason="r", at=NOW)).code == "unchanged"
    )
    assert (
        refused(state, CorrectField(field="channel", value="fax", reason="r", at=NOW)).code == "invalid_value"
    )
    assert (
        refused(state, CorrectField(field="colour", value="red", reason="r", at=NOW)).code == "unknown_field"
    )


def test_correcting_the_headcount_updates_the_collective_flags() -> None:
    """R11 follows the corrected headcount."""
    state = run(registered(), CorrectField(field="headcount", value=25, reason="实到 25 人", at=NOW))
    assert {"collective", "large_collective"} <= state.flags
    state = run(state, CorrectField(field="headcount", value=3, reason="重新清点", at=NOW))
    assert not {"collective", "large_collective"} & state.flags
    error = refused(state, CorrectField(field="headcount", value=0, reason="r", at=NOW))
    assert error.code == "invalid_value"


def test_backdating_the_receipt_time_is_a_correction_d8() -> None:
    earlier = at("2026-01-05")
    state = run(registered(), CorrectField(field="received_at", value=earlier, reason="纸质来信补录", at=NOW))
    assert state.received_at == earlier
    assert refused(
        state, CorrectField(field="received_at", value=NOW + timedelta(days=1), reason="r", at=NOW)
    ).code == ("invalid_value")


# --- withdraw, abnormal, urgent, merge ------------------------------------------------------------------


def test_withdraw_only_while_not_closed() -> None:
    state = run(registered(), Withdraw(at=NOW, reason="已协商解决"))
    assert state.status == "withdrawn"
    assert refused(state, Withdraw(at=NOW)).code == "closed"
    terminated = run(registered(), RecordTermination(terminated_at=NOW, at=NOW))
    assert refused(terminated, Withdraw(at=NOW)).code == "closed"


def test_abnormal_petition_is_marked_by_a_clerk_with_what_happened() -> None:
    state = run(registered(), MarkAbnormal(reason="在非信访接待场所滞留", at=NOW))
    assert "abnormal" in state.flags and state.abnormal_marks == 1
    assert refused(state, MarkAbnormal(reason="", at=NOW)).code == "reason_required"


def test_s11_clerk_confirms_urgent_once() -> None:
    state = run(registered(), ConfirmUrgent(kinds=("extreme_act",), evidence=("扬言跳楼",), at=NOW))
    assert state.urgent and "urgent" in state.flags
    assert refused(state, ConfirmUrgent(kinds=("beijing",), at=NOW)).code == "already_urgent"
    assert refused(registered(), ConfirmUrgent(kinds=(), at=NOW)).code == "invalid_urgent_kind"


def test_r12_merge_a_repeat_into_its_original() -> None:
    state = run(registered(), Merge(original_case_id="case-0", similarity=0.4, at=NOW))
    assert (state.status, state.merged_into) == ("merged", "case-0")
    assert refused(state, Merge(original_case_id="case-9", at=NOW)).code == "already_merged"
    assert refused(registered(), Merge(original_case_id="case-1", at=NOW)).code == "self_merge"
    assert refused(replied(), Merge(original_case_id="case-0", at=NOW)).code == "not_open"


# --- progress facts ---------------------------------------------------------------------------------


def test_reply_reported_twice_is_recorded_once() -> None:
    state = replied()
    assert state.status == "replied"
    assert decide(RecordReply(replied_at=REPLIED_AT, at=NOW, source_event_id="sv-1"), state) == []
    assert decide(RecordReply(replied_at=REPLIED_AT, at=NOW), state) == []


# --- evaluation ------------------------------------------------------------------------------------


def test_evaluation_only_after_a_reply() -> None:
    assert refused(registered(), Evaluate(evaluation="satisfied", at=NOW)).code == "no_reply_yet"


def test_evaluation_after_a_reply_only_once() -> None:
    state = replied()
    events = decide(Evaluate(evaluation="basically_satisfied", at=REPLIED_AT, comment="基本解决"), state)
    assert isinstance(events[0], EvaluationRecorded)
    state = fold(events, state)
    assert state.evaluation == "basically_satisfied"
    assert refused(state, Evaluate(evaluation="unsatisfied", at=REPLIED_AT)).code == "already_evaluated"


def test_evaluation_must_be_one_of_three() -> None:
    assert refused(replied(), Evaluate(evaluation="great", at=NOW)).code == "invalid_evaluation"  # type: ignore[arg-type]


# --- review (D4) and re-review (D5) -------------------------------------------------------------------


def test_d4_review_within_30_days_of_the_reply_is_accepted() -> None:
    state = replied()
    events = decide(RequestReview(reason="补偿标准不对", at=at("2026-05-01", 23)), state)
    event = events[0]
    assert isinstance(event, ReviewRequested)
    assert event.window_ends_at == datetime(2026, 5, 2, tzinfo=CST)  # 1 April + 30 days, to 24:00
    assert fold(events, state).status == "review_requested"


def test_d4_review_after_the_window_is_refused_with_the_deadline() -> None:
    error = refused(replied(), RequestReview(reason="不服", at=at("2026-05-02", 9)))
    assert error.code == "review_window_closed"
    assert error.rule == "D4"
    assert "2026-05-01 24:00" in error.message


def test_d4_window_runs_from_delivery_of_the_reply() -> None:
    """Replied 1 April, delivered 10 April: day 30 is Sunday 10 May, so the window runs to Monday 11 May."""
    delivered = at("2026-04-10")
    state = run(registered(), RecordReply(replied_at=REPLIED_AT, delivered_at=delivered, at=delivered))
    assert run(state, RequestReview(reason="不服", at=at("2026-05-11", 23))).status == "review_requested"
    assert refused(state, RequestReview(reason="不服", at=at("2026-05-12", 0))).code == "review_window_closed"


def test_d4_window_ending_on_a_holiday_moves_to_the_next_working_day() -> None:
    """Last day Friday 1 May 2026 (Labour Day): with the statutory calendar the window runs to 6 May."""
    labour_day = {date(2026, 5, 1), date(2026, 5, 4), date(2026, 5, 5)}

    def statutory(day: date) -> bool:
        return day.weekday() < 5 and day not in labour_day

    state = replied()
    assert refused(state, RequestReview(reason="不服", at=at("2026-05-04"))).code == "review_window_closed"
    assert run(state, RequestReview(reason="不服", at=at("2026-05-04")), calendar=statutory).status == (
        "review_requested"
    )


def test_d4_review_before_a_reply_or_twice_is_refused() -> None:
    assert refused(registered(), RequestReview(reason="不服", at=NOW)).code == "no_reply_yet"
    state = run(replied(), RequestReview(reason="不服", at=at("2026-04-05")))
    assert (
        refused(state, RequestReview(reason="不服", at=at("2026-04-06"))).code == "review_already_requested"
    )
    assert refused(replied(), RequestReview(reason="", at=at("2026-04-05"))).code == "reason_required"


def test_d5_re_review_before_a_review_is_refused() -> None:
    assert refused(replied(), RequestReReview(reason="不服", at=at("2026-04-05"))).code == "no_review_opinion"
    pending = run(replied(), RequestReview(reason="不服", at=at("2026-04-05")))
    error = refused(pending, RequestReReview(reason="不服", at=at("2026-04-06")))
    assert (error.code, error.rule) == ("review_pending", "D5")


def test_d5_re_review_within_30_days_of_the_review_opinion() -> None:
    opinion = at("2026-05-20")
    reviewed = run(
        replied(),
        RequestReview(reason="不服", at=at("2026-04-05")),
        RecordReviewOpinion(decided_at=opinion, at=opinion, source_event_id="sv-2"),
    )
    assert reviewed.status == "reviewed"
    state = run(reviewed, RequestReReview(reason="仍不服", at=at("2026-06-19")))
    assert state.status == "re_review_requested"
    assert (
        refused(state, RequestReReview(reason="again", at=at("2026-06-19"))).code
        == "re_review_already_requested"
    )
    late = refused(reviewed, RequestReReview(reason="仍不服", at=at("2026-06-20")))
    assert (late.code, late.rule) == ("re_review_window_closed", "D5")


def test_d6_after_re_review_or_termination_nothing_more_is_requested() -> None:
    opinion = at("2026-05-20")
    done = run(
        replied(),
        RequestReview(reason="不服", at=at("2026-04-05")),
        RecordReviewOpinion(decided_at=opinion, at=opinion),
        RequestReReview(reason="仍不服", at=at("2026-05-25")),
        RecordReReviewOpinion(decided_at=at("2026-06-20"), at=at("2026-06-20")),
    )
    assert done.status == "re_reviewed"
    assert refused(done, RequestReReview(reason="再不服", at=at("2026-06-21"))).code == "closed"
    terminated = run(replied(), RecordTermination(terminated_at=at("2026-04-02"), at=at("2026-04-02")))
    assert terminated.status == "terminated"
    assert refused(terminated, RequestReview(reason="不服", at=at("2026-04-03"))).code == "closed"


# --- history ------------------------------------------------------------------------------------------


def test_history_read_back_from_json_folds_to_the_same_state() -> None:
    """Events are stored as JSON and folded again later: the state must not depend on Python objects."""
    commands: list[Command] = [
        CorrectField(field="received_at", value=at("2026-03-01"), reason="补录", at=NOW),
        CorrectField(field="accused_units", value=["370703:government"], reason="补充", at=NOW),
        AddMaterial(material_id="m-1", kind="letter", title="原信", at=NOW),
        ConfirmUrgent(kinds=("mass_incident",), at=NOW),
        RecordReply(replied_at=REPLIED_AT, at=REPLIED_AT),
        Evaluate(evaluation="unsatisfied", at=REPLIED_AT),
        RequestReview(reason="不服", at=at("2026-04-05")),
    ]
    history: list[EventData] = decide(register(), PetitionState())
    state = fold(history)
    for command in commands:
        new = decide(command, state)
        history += new
        state = fold(new, state)
    stored = [(e.event_type, e.model_dump(mode="json")) for e in history]
    reloaded = [parse(type_name, data) for type_name, data in stored]
    assert fold(reloaded) == state
    assert state.received_at == at("2026-03-01")
    assert state.accused_units == ("370703:government",)


def test_d5_window_runs_from_delivery_reported_after_the_opinion() -> None:
    """The review opinion is reported when decided (10 May) and again when delivered (25 May)."""
    decided, delivered = at("2026-05-11"), at("2026-05-25")
    state = run(
        replied(),
        RequestReview(reason="不服", at=at("2026-04-05")),
        RecordReviewOpinion(decided_at=decided, at=decided),
        RecordReviewOpinion(decided_at=decided, delivered_at=delivered, at=delivered),
    )
    assert decide(RecordReviewOpinion(decided_at=decided, delivered_at=delivered, at=delivered), state) == []
    assert run(state, RequestReReview(reason="仍不服", at=at("2026-06-20"))).status == "re_review_requested"
