"""The staff view shows no other case the caller may not see (P3, P2): a cluster or a repeat can link a
case to another unit's case, or to an accusation."""

from __future__ import annotations

from typing import Any

from services.intake.views import without_cases


def _view() -> dict[str, Any]:
    return {
        "case_id": "c0",
        "repeats": [{"case_id": "c1", "case_no": "370703-2026-000001"}, {"case_id": "c2", "case_no": "370702-2026-000009"}],
        "repeat_candidate": {"case_id": "c2", "case_no": "370702-2026-000009", "similarity": 0.9},
        "cluster": {"linked": [{"case_id": "c1", "case_no": "N1"}, {"case_id": "c3", "case_no": "N3"}], "petitioners": 9},
        "repeat_of": "c3",
        "repeat_of_case_no": "N3",
        "merged_into": "c1",
        "merged_into_case_no": "N1",
    }


def test_cases_outside_scope_are_left_out_and_the_rest_stays() -> None:
    shown = without_cases(_view(), {"c2", "c3"})
    assert shown["repeats"] == [{"case_id": "c1", "case_no": "370703-2026-000001"}]
    assert shown["repeat_candidate"] is None
    assert shown["cluster"] == {"linked": [{"case_id": "c1", "case_no": "N1"}], "petitioners": 9}
    assert (shown["repeat_of"], shown["repeat_of_case_no"]) == (None, None)
    assert (shown["merged_into"], shown["merged_into_case_no"]) == ("c1", "N1")
    assert "N3" not in str(shown) and "370702-2026-000009" not in str(shown)


def test_nothing_hidden_changes_nothing() -> None:
    assert without_cases(_view(), set()) == _view()
