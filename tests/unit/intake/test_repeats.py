"""R12: repeats of one petitioner (merge, review, re-review, not accepted, new) and collective clusters."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from services.intake.domain.repeats import (
    EarlierCase,
    IncomingPetition,
    decide_repeat,
    find_cluster,
    petitioner_key,
    petitioner_keys,
)
from services.intake.domain.similarity import fingerprint
from tests.unit.intake.builders import CST, at, petitioner
from tests.unit.intake.idcards import make_id

WAGES_LETTER = fingerprint(
    "包工头拖欠木工工资四万六",
    "我2025年3月到12月在寿光市圣城街道宏达家园工地干木工，和我一起的还有五个工友。包工头李二明一共欠我们"
    "工资46000元，年底结账时说开发商没拨款，让等到开春，开春以后电话也不接了。请劳动监察部门帮我们要回工钱。",
)
WAGES_CALL = fingerprint(
    "工地木工工钱没给",
    "喂，你好。俺们在圣城街道那个宏达家园的工地上干木工，从去年三月干到十二月。包工头叫李二明，钱一直没给，"
    "一共四万六千块。他说上面开发商没给他钱，现在打电话都不接了。俺们六个人都等着这个钱呢。",
)
#: Same place, another matter. (The same site's *injury* case is a known weak spot of the similarity: it
#: shares the site, the trade and the foreman, and can score above SIMILAR; see test_similarity.)
PARKING = fingerprint(
    "宏达家园物业乱收停车费",
    "圣城街道宏达家园小区物业今年起地面停车每月收150元，没有经过业主大会，也没有收费批文，不交就不让车进小区。",
)

ME = frozenset({petitioner_key(make_id("370783", "19800512", "279"), None) or ""})
SOMEONE_ELSE = frozenset({"id:" + make_id("370783", "19790919", "241")})
NEW_AT = at("2026-03-17")


def incoming(keys: frozenset[str] = ME, received_at: datetime = NEW_AT) -> IncomingPetition:
    return IncomingPetition(petitioner_keys=keys, fingerprint=WAGES_CALL, received_at=received_at)


def earlier(case_id: str = "c-1", **changes: object) -> EarlierCase:
    base = EarlierCase(
        case_id=case_id,
        case_no="370783-2026-000001",
        petitioner_keys=ME,
        fingerprint=WAGES_LETTER,
        received_at=at("2026-02-01"),
        status="open",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# --- petitioner keys ---------------------------------------------------------------------------------


def test_key_is_the_id_number_else_the_phone() -> None:
    number = make_id("370703", "19630214", "451")
    assert petitioner_key(number, "15435333163") == f"id:{number}"
    assert petitioner_key(None, "+86 154 3533 3163") == "phone:15435333163"
    assert petitioner_key("", "0536-8123456") == "phone:05368123456"
    assert petitioner_key(None, None) is None


def test_legacy_and_new_id_of_one_person_are_one_key() -> None:
    assert petitioner_key("370703630214451", None) == petitioner_key(
        make_id("370703", "19630214", "451"), None
    )


def test_keys_of_all_petitioners() -> None:
    keys = petitioner_keys([petitioner(0), petitioner(1, id_number=None, phone="13905360001")])
    assert keys == {f"id:{petitioner(0).id_number}", "phone:13905360001"}


# --- repeat outcomes ---------------------------------------------------------------------------------


def test_same_petitioner_same_matter_while_open_is_merged() -> None:
    """R12: the earlier case is being handled: merge, do not accept the same matter twice."""
    decision = decide_repeat(incoming(), [earlier(status="handling")])
    assert decision.outcome == "merge"
    assert decision.original_case_id == "c-1"
    assert decision.original_case_no == "370783-2026-000001"
    assert "李二明" in decision.shared_words
    assert decision.rules == ("R12",)


def test_merge_also_while_under_review() -> None:
    assert decide_repeat(incoming(), [earlier(status="review_requested")]).outcome == "merge"


def test_after_a_reply_the_petitioner_is_pointed_to_review_within_d4() -> None:
    """R12 + D4: replied 1 March; the review window runs 30 days from receipt of the reply."""
    decision = decide_repeat(incoming(), [earlier(status="replied", replied_at=at("2026-03-01"))])
    assert decision.outcome == "review"
    assert decision.rules == ("R12", "D4")
    assert decision.window_ends_at == datetime(2026, 4, 1, tzinfo=CST)


def test_after_the_review_window_lapsed_the_repeat_is_not_accepted() -> None:
    """D4 lapsed → the matter is closed (D6): registered, not accepted."""
    decision = decide_repeat(incoming(), [earlier(status="replied", replied_at=at("2026-01-05"))])
    assert decision.outcome == "not_accepted"
    assert decision.rules == ("R12", "D4", "D6")


def test_after_a_review_opinion_the_petitioner_is_pointed_to_re_review_within_d5() -> None:
    decision = decide_repeat(incoming(), [earlier(status="reviewed", review_opinion_at=at("2026-03-10"))])
    assert decision.outcome == "re_review"
    assert decision.rules == ("R12", "D5")


def test_after_termination_the_repeat_is_registered_but_not_accepted() -> None:
    """R12 + D6: the same facts and reasons are not accepted again."""
    for status in ("terminated", "re_reviewed"):
        decision = decide_repeat(incoming(), [earlier(status=status)])
        assert decision.outcome == "not_accepted"
        assert decision.rules == ("R12", "D6")
        assert "不予受理" in decision.reason


def test_older_than_twelve_months_is_a_new_matter() -> None:
    old = earlier(status="terminated", received_at=at("2025-03-16"))
    assert decide_repeat(incoming(), [old]).outcome == "new"
    just_inside = earlier(status="terminated", received_at=at("2025-03-17"))
    assert decide_repeat(incoming(), [just_inside]).outcome == "not_accepted"


def test_phone_is_the_key_when_no_id_number_was_given() -> None:
    """R12: "ID number, else phone" — a hotline caller who gave only a phone is recognised by it."""
    caller = frozenset({petitioner_key(None, "139-0536-0001") or ""})
    before = earlier(petitioner_keys=frozenset({petitioner_key(None, "+8613905360001") or ""}))
    assert decide_repeat(incoming(keys=caller), [before]).outcome == "merge"


def test_a_different_petitioner_is_not_a_repeat() -> None:
    assert decide_repeat(incoming(keys=SOMEONE_ELSE), [earlier()]).outcome == "new"


def test_a_different_matter_of_the_same_petitioner_is_not_a_repeat() -> None:
    """Same estate, but parking fees, not the wages: a new matter."""
    assert decide_repeat(incoming(), [earlier(fingerprint=PARKING)]).outcome == "new"


def test_withdrawn_earlier_case_does_not_make_a_repeat() -> None:
    assert decide_repeat(incoming(), [earlier(status="withdrawn")]).outcome == "new"


def test_anonymous_petition_is_never_a_repeat() -> None:
    anonymous = incoming(keys=frozenset())
    assert decide_repeat(anonymous, [earlier(petitioner_keys=frozenset())]).outcome == "new"


def test_an_open_original_wins_over_a_terminated_one() -> None:
    cases = [
        earlier("c-old", status="terminated", received_at=at("2025-06-01")),
        earlier("c-open", status="open", received_at=at("2026-01-10")),
    ]
    decision = decide_repeat(incoming(), cases)
    assert (decision.outcome, decision.original_case_id) == ("merge", "c-open")


def test_a_case_registered_after_a_backdated_petition_still_counts() -> None:
    """D8: a letter received in January and entered in March repeats the February call being handled."""
    backdated = incoming(received_at=at("2026-01-20"))
    assert decide_repeat(backdated, [earlier(received_at=at("2026-02-01"))]).outcome == "merge"


# --- collective cluster ------------------------------------------------------------------------------


def other(n: int) -> frozenset[str]:
    return frozenset({"id:" + make_id("370783", "19850101", f"{n:03d}")})


def test_similar_matters_from_different_petitioners_within_7_days_are_flagged() -> None:
    """R12: a possible collective cluster, with the linked case ids for the clerk."""
    recent = [
        earlier("c-a", petitioner_keys=other(1), received_at=NEW_AT - timedelta(days=6)),
        earlier("c-b", petitioner_keys=other(2), received_at=NEW_AT - timedelta(days=1)),
    ]
    flag = find_cluster(incoming(), recent)
    assert flag is not None
    assert flag.case_ids == ("c-a", "c-b")
    assert flag.petitioners == 3
    assert "李二明" in flag.shared_words


def test_no_cluster_outside_7_days() -> None:
    recent = [
        earlier("c-a", petitioner_keys=other(1), received_at=NEW_AT - timedelta(days=8)),
        earlier("c-b", petitioner_keys=other(2), received_at=NEW_AT - timedelta(days=1)),
    ]
    assert find_cluster(incoming(), recent) is None


def test_one_other_petitioner_is_not_yet_a_cluster() -> None:
    """The same neighbour twice counts once: two petitioners, below the default three."""
    recent = [
        earlier("c-a", petitioner_keys=other(1), received_at=NEW_AT - timedelta(days=3)),
        earlier("c-b", petitioner_keys=other(1), received_at=NEW_AT - timedelta(days=1)),
    ]
    assert find_cluster(incoming(), recent) is None
    assert find_cluster(incoming(), recent, min_petitioners=2) is not None


def test_the_same_petitioner_again_is_a_repeat_not_a_cluster() -> None:
    recent = [
        earlier("c-a", petitioner_keys=ME, received_at=NEW_AT - timedelta(days=3)),
        earlier("c-b", petitioner_keys=other(2), received_at=NEW_AT - timedelta(days=1)),
    ]
    assert find_cluster(incoming(), recent) is None


def test_different_matters_do_not_cluster() -> None:
    recent = [
        earlier("c-a", petitioner_keys=other(1), fingerprint=PARKING, received_at=NEW_AT - timedelta(days=2)),
        earlier("c-b", petitioner_keys=other(2), fingerprint=PARKING, received_at=NEW_AT - timedelta(days=1)),
    ]
    assert find_cluster(incoming(), recent) is None
