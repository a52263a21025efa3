"""P1: the case history never shows a petitioner's identity in clear, to anyone."""

from __future__ import annotations

from services.reporting.redaction import redact_event


def test_history_masks_names_ids_and_phones_and_drops_addresses() -> None:
    envelope = {
        "type": "xinfang.intake.petition_registered.v1",
        "data": {
            "title": "拖欠工资",
            "petitioners": [
                {
                    "name": "高德顺",
                    "id_number": "pii:v1:subj:nonce:cipher",
                    "phone": "13905361234",
                    "address": "寒亭区高里街道高里村5号",
                    "representative": True,
                }
            ],
        },
    }
    shown = redact_event(envelope)["data"]["petitioners"][0]
    assert shown["name"] != "高德顺" and shown["name"].startswith("高")
    assert "cipher" not in shown["id_number"]
    assert shown["phone"] == "139****1234"
    assert "address" not in shown
    assert shown["representative"] is True
    assert envelope["data"]["petitioners"][0]["name"] == "高德顺"  # the stored event is untouched


def test_events_without_personal_data_pass_unchanged() -> None:
    envelope = {"type": "xinfang.routing.case_routed.v1", "data": {"unit_id": "370703:natural_resources"}}
    assert redact_event(envelope) is envelope


def test_a_link_to_a_case_outside_the_viewers_scope_is_withheld_but_the_event_stays() -> None:
    from services.reporting.redaction import linked_case_ids, withhold_unseen_links

    suspected = {
        "subject": "case-new",
        "type": "xinfang.intake.repeat_suspected.v1",
        "data": {"case_id": "case-new", "candidate_case_id": "case-old", "candidate_case_no": "370702-2026-000007"},
    }
    cluster = {
        "subject": "case-new",
        "type": "xinfang.intake.collective_cluster_flagged.v1",
        "data": {"case_id": "case-new", "linked_case_ids": ["case-a", "case-b"]},
    }
    assert linked_case_ids(suspected) == {"case-old"}
    hidden = withhold_unseen_links(suspected, seen=set())["data"]
    assert hidden["candidate_case_id"] is None and hidden["candidate_case_no"] is None
    assert hidden["links_withheld"] == 1
    assert withhold_unseen_links(suspected, seen={"case-old"}) is suspected
    partly = withhold_unseen_links(cluster, seen={"case-a"})["data"]
    assert partly["linked_case_ids"] == ["case-a"] and partly["links_withheld"] == 1
