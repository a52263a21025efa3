"""What the intake service needs of the aggregate beyond registering: repeats shown to the clerk, the
original's side of a merge, reissued query codes, and the D1 date told to petitioners (R12, D1)."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.intake.domain.commands import AttachRepeat, RecordTermination, Register, ReissueQueryCode
from services.intake.domain.errors import DomainError
from services.intake.domain.petition import PetitionState, decide, fold
from services.intake.domain.repeats import AUTO_APPLY_THRESHOLD, RepeatDecision
from services.intake.domain.windows import CHINA, dispatch_deadline
from shared.events.catalogue.intake import (
    PetitionRegistered,
    QueryCodeReissued,
    RepeatMerged,
    RepeatSuspected,
)
from tests.unit.intake.builders import NOW, at, draft


def register(**changes: object) -> Register:
    return Register(case_id="case-1", case_no="370703-2026-000123", draft=draft(), at=NOW, **changes)  # type: ignore[arg-type]


def candidate(similarity: float = 0.24, outcome: str = "merge") -> RepeatDecision:
    return RepeatDecision(
        outcome=outcome,  # type: ignore[arg-type]
        original_case_id="case-0",
        original_case_no="370703-2026-000001",
        similarity=similarity,
        rules=("R12",),
        reason="同一事项正在办理中",
        shared_words=("挖掘机", "耕地"),
    )


def test_only_a_sure_repeat_is_automatic() -> None:
    assert candidate(AUTO_APPLY_THRESHOLD).automatic
    assert not candidate(AUTO_APPLY_THRESHOLD - 0.01).automatic
    assert not RepeatDecision(outcome="new", similarity=0.9).automatic


def test_a_candidate_below_the_threshold_is_shown_to_the_clerk_and_changes_nothing_else() -> None:
    events = decide(register(repeat_candidate=candidate()), PetitionState())
    assert [type(e) for e in events] == [PetitionRegistered, RepeatSuspected]
    registered, suspected = events
    assert isinstance(registered, PetitionRegistered) and isinstance(suspected, RepeatSuspected)
    assert "possible_repeat" in registered.flags and registered.repeat_of is None
    assert (suspected.candidate_case_id, suspected.outcome, suspected.similarity) == ("case-0", "merge", 0.24)
    state = fold(events)
    assert state.status == "open" and state.repeat_candidate == "case-0"


def test_a_candidate_is_ignored_when_the_repeat_is_acted_on() -> None:
    events = decide(register(repeat=candidate(0.4), repeat_candidate=candidate()), PetitionState())
    assert [type(e) for e in events] == [PetitionRegistered, RepeatMerged]


def original() -> PetitionState:
    return fold(decide(register(), PetitionState()))


def test_the_original_takes_in_a_repeat_once_and_stays_open() -> None:
    state = original()
    events = decide(AttachRepeat(repeat_case_id="case-9", at=NOW, similarity=0.4), state)
    assert len(events) == 1 and isinstance(events[0], RepeatMerged)
    assert (events[0].case_id, events[0].original_case_id) == ("case-9", "case-1")
    after = fold(events, state)
    assert after.status == "open" and after.repeats == ("case-9",) and after.version == 2
    assert decide(AttachRepeat(repeat_case_id="case-9", at=NOW), after) == []


def test_a_closed_original_takes_in_no_repeat() -> None:
    terminated = fold(decide(RecordTermination(terminated_at=NOW, at=NOW), original()), original())
    with pytest.raises(DomainError) as refused:
        decide(AttachRepeat(repeat_case_id="case-9", at=NOW), terminated)
    assert (refused.value.code, refused.value.rule) == ("original_not_open", "R12")
    with pytest.raises(DomainError) as itself:
        decide(AttachRepeat(repeat_case_id="case-1", at=NOW), original())
    assert itself.value.code == "self_merge"


def test_a_reissued_query_code_is_recorded_as_its_digest() -> None:
    events = decide(ReissueQueryCode(query_code_digest="e" * 64, at=NOW), original())
    assert isinstance(events[0], QueryCodeReissued) and events[0].query_code_digest == "e" * 64
    with pytest.raises(DomainError):
        decide(ReissueQueryCode(query_code_digest=" ", at=NOW), original())


def test_the_dispatch_deadline_is_fifteen_days_counted_the_civil_code_way() -> None:
    # received on Friday 2026-11-20: the 15th day is Saturday 12-05, moved to Monday 12-07, ends at 24:00
    assert dispatch_deadline(at("2026-11-20")) == datetime(2026, 12, 8, tzinfo=CHINA)
    holiday = {at("2026-12-07").date()}
    assert dispatch_deadline(at("2026-11-20"), is_working_day=lambda d: d.weekday() < 5 and d not in holiday) == (
        datetime(2026, 12, 9, tzinfo=CHINA)
    )
