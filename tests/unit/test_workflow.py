"""The transition table of workflows/preferential_access.py, tested without a database.

Sources: bek. §§ 2, 6, 9; vejledning (004) §§ 3.5-3.7 and 9; kompensationslov §17 a stk. 3;
api-contract.md (the event table).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from fortrin.errors import Conflict, Forbidden, ValidationFailed
from fortrin.workflows import preferential_access as pa
from fortrin.workflows.preferential_access import CaseFacts, Moment, State, decide

NOW = Moment(
    now=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
    today=date(2026, 12, 1),
    scheme_codes=frozenset({"personal_assistance", "assistive_devices"}),
)
LEGAL = "En begrundelse med mindst tyve tegn, som loven kræver."


def facts(state: str, kind: str = "job", route: str = "direct", **more: Any) -> CaseFacts:
    return CaseFacts(
        state=state,
        route=route,
        vacancy_kind=kind,
        formal_education_requirement=more.pop("requirement", "Kontoruddannelse (EUD)"),
        **more,
    )


def to_state(case: CaseFacts, role: str, **body: Any) -> str:
    return decide(case, role, body, NOW).to_state


# --- the table is the contract's table ---------------------------------------------------------

CONTRACT_TABLE = {
    "assessment": ({"caseworker"}, {"awaiting_assessment"}),
    "eligibility_check": ({"employer"}, {"awaiting_eligibility_check"}),
    "interview_scheduled": ({"employer"}, {"interview_required", "interview_scheduled"}),
    "interview_held": ({"employer"}, {"interview_scheduled"}),
    "interview_missed": ({"employer"}, {"interview_scheduled"}),
    "interview_declined": ({"applicant"}, {"interview_required", "interview_scheduled"}),
    "decision": ({"employer"}, {"interviewed"}),
    "statement_submitted": ({"employer"}, {"statement_required"}),
    "negotiation_held": ({"caseworker"}, {"negotiation_required"}),
    "negotiation_not_held": ({"employer"}, {"negotiation_required"}),
    "refusal_notified": ({"employer"}, {"refusal_pending"}),
    "receipt_recorded": ({"applicant", "caseworker"}, {"opinion_window"}),
    "opinion_requested": ({"applicant", "caseworker"}, {"refusal_pending", "opinion_window"}),
    "opinion_received": ({"caseworker", "admin"}, {"opinion_requested"}),
    "withdrawn": ({"applicant"}, {s.value for s in State} - {s.value for s in pa.TERMINAL}),
    "transferred": (
        {"caseworker", "admin"},
        {s.value for s in State} - {s.value for s in pa.TERMINAL},
    ),
}


def test_the_transition_table_matches_the_contract_event_table() -> None:
    actual = {
        name: ({*t.senders}, {str(s) for s in t.accepted_in}) for name, t in pa.TRANSITIONS.items()
    }
    assert actual == CONTRACT_TABLE


def test_blocking_states_are_the_contracts() -> None:
    """api-contract.md "Vacancy blocking"; bek. §6 stk. 2-3."""
    assert {str(s) for s in pa.BLOCKING} == {
        "awaiting_eligibility_check",
        "interview_required",
        "interview_scheduled",
        "interviewed",
        "statement_required",
        "negotiation_required",
    }


def test_bek_6_routes_start_in_assessment_or_eligibility_check() -> None:
    assert pa.initial_state("via_jobcentre") == State.AWAITING_ASSESSMENT
    assert pa.initial_state("direct") == State.AWAITING_ELIGIBILITY_CHECK


# --- route 1: via the jobcentre (bek. §6 stk. 1, 004 §3.5.1) ---------------------------------------


def test_bek_6_stk_1_jobcentre_finds_the_applicant_can_perform_the_job() -> None:
    case = facts("awaiting_assessment", route="via_jobcentre")
    assert (
        to_state(
            case,
            "caseworker",
            type="assessment",
            can_perform=True,
            has_difficulty_getting_work=True,
        )
        == "interview_required"
    )


def test_bek_6_stk_1_jobcentre_finds_the_applicant_cannot_perform_it_with_reasoning() -> None:
    case = facts("awaiting_assessment", route="via_jobcentre")
    body = {"type": "assessment", "can_perform": False, "has_difficulty_getting_work": True}
    with pytest.raises(ValidationFailed) as refused:
        to_state(case, "caseworker", **body)
    assert "reasoning" in refused.value.fields
    assert to_state(case, "caseworker", **body, reasoning=LEGAL) == "not_suitable"


def test_bek_6_stk_1_both_conditions_the_applicant_must_have_difficulty_getting_work() -> None:
    """bek. § 6 stk. 1: the jobcentre assesses both that the person has difficulty getting work on
    ordinary terms and that they can perform the job (domain.md § 12)."""
    case = facts("awaiting_assessment", route="via_jobcentre")
    with pytest.raises(ValidationFailed) as missing:
        to_state(case, "caseworker", type="assessment", can_perform=True)
    assert "has_difficulty_getting_work" in missing.value.fields
    body = {"type": "assessment", "can_perform": True, "has_difficulty_getting_work": False}
    assert to_state(case, "caseworker", **body, reasoning=LEGAL) == "not_suitable"


# --- route 2: directly (bek. §6 stk. 2, 004 §§3.6, 3.7) --------------------------------------------


def test_bek_6_stk_2_unmet_formal_education_lifts_the_interview_duty() -> None:
    case = facts("awaiting_eligibility_check")
    outcome = decide(
        case, "employer", {"type": "eligibility_check", "eligible": False, "reasoning": LEGAL}, NOW
    )
    # Contract v2 (domain.md § 12): the "no" is a refusal the employer owes, not an end.
    assert outcome.to_state == "refusal_pending"
    assert outcome.record["ground"] == "formal_education"


def test_004_3_6_without_a_formal_education_requirement_the_interview_cannot_be_refused() -> None:
    """Other formal demands (a number of hours, say) are no ground: only formal education is."""
    case = facts("awaiting_eligibility_check", requirement=None)
    with pytest.raises(Conflict) as refused:
        to_state(case, "employer", type="eligibility_check", eligible=False, reasoning=LEGAL)
    assert refused.value.code == "interview_duty_applies"


def test_004_3_7_licences_use_obviously_less_qualified_instead_of_formal_education() -> None:
    case = facts("awaiting_eligibility_check", kind="stall", requirement=None)
    outcome = decide(
        case, "employer", {"type": "eligibility_check", "eligible": False, "reasoning": LEGAL}, NOW
    )
    assert outcome.to_state == "refusal_pending"
    assert outcome.record["ground"] == "obviously_less_qualified"


# --- interview (bek. §6 stk. 2) ------------------------------------------------------------------


def test_interview_is_scheduled_and_can_be_rescheduled() -> None:
    body = {
        "type": "interview_scheduled",
        "starts_at": "2026-12-08T10:00:00+01:00",
        "location": "Rådhuset",
    }
    first = decide(facts("interview_required"), "employer", body, NOW)
    assert first.to_state == "interview_scheduled" and not first.record["rescheduled"]
    again = decide(facts("interview_scheduled"), "employer", body, NOW)
    assert again.record["rescheduled"]
    assert again.updates["interview_location"] == "Rådhuset"


def test_an_interview_cannot_be_scheduled_in_the_past_or_without_an_offset() -> None:
    for starts_at in ("2026-11-30T10:00:00+01:00", "2026-12-08T10:00:00"):
        with pytest.raises(ValidationFailed) as refused:
            to_state(
                facts("interview_required"),
                "employer",
                type="interview_scheduled",
                starts_at=starts_at,
                location="Rådhuset",
            )
        assert "starts_at" in refused.value.fields


def test_declining_the_interview_ends_the_case_as_withdrawn() -> None:
    assert (
        to_state(
            facts("interview_scheduled"),
            "applicant",
            type="interview_declined",
            reason="Har fået andet job",
        )
        == "withdrawn"
    )


# --- the decision and the negotiation duty (bek. §6 stk. 3, §2 stk. 3; 004 §§3.5.2, 3.7) ---------


def test_decision_hired_ends_the_case() -> None:
    assert to_state(facts("interviewed"), "employer", type="decision", outcome="hired") == "hired"


def test_bek_6_stk_3_not_hired_requires_the_written_statement() -> None:
    assert (
        to_state(
            facts("interviewed"), "employer", type="decision", outcome="not_hired", reasoning=LEGAL
        )
        == "statement_required"
    )


def test_bek_2_stk_3_an_internal_hire_skips_statement_and_negotiation_but_is_a_refusal() -> None:
    assert (
        to_state(
            facts("interviewed"),
            "employer",
            type="decision",
            outcome="internal_candidate_hired",
            reasoning=LEGAL,
        )
        == "refusal_pending"
    )


def test_bek_2_stk_3_internal_candidates_apply_to_jobs_not_licences() -> None:
    with pytest.raises(ValidationFailed):
        to_state(
            facts("interviewed", kind="taxi"),
            "employer",
            type="decision",
            outcome="internal_candidate_hired",
            reasoning=LEGAL,
        )


def test_004_3_7_a_licence_self_applicant_gets_no_negotiation_duty() -> None:
    case = facts("interviewed", kind="kiosk", route="direct")
    assert (
        to_state(case, "employer", type="decision", outcome="not_hired", reasoning=LEGAL)
        == "refusal_pending"
    )


def test_004_3_7_a_licence_applicant_recommended_by_the_jobcentre_gets_the_negotiation() -> None:
    case = facts("interviewed", kind="taxi", route="via_jobcentre")
    assert (
        to_state(case, "employer", type="decision", outcome="not_hired", reasoning=LEGAL)
        == "statement_required"
    )


def test_legal_text_needs_twenty_non_blank_characters() -> None:
    """api-contract.md: reasoning, statements and minutes must hold real text."""
    for text in ("", "kort", " x " * 19, "a" * 19):
        with pytest.raises(ValidationFailed) as refused:
            to_state(
                facts("interviewed"),
                "employer",
                type="decision",
                outcome="not_hired",
                reasoning=text,
            )
        assert "reasoning" in refused.value.fields
    assert (
        to_state(facts("statement_required"), "employer", type="statement_submitted", text="a" * 20)
        == "negotiation_required"
    )


def test_bek_6_stk_3_nr_2_the_minutes_name_registry_schemes_and_a_past_date() -> None:
    body = {
        "type": "negotiation_held",
        "held_on": "2026-12-01",
        "minutes": LEGAL,
        "competences_considered": True,
        "disability_not_decisive": True,
        "schemes_presented": ["personal_assistance"],
        "outcome": "no_hire",
    }
    assert decide(facts("negotiation_required"), "caseworker", body, NOW).to_state == (
        "refusal_pending"
    )
    assert (
        decide(
            facts("negotiation_required"), "caseworker", {**body, "outcome": "hire"}, NOW
        ).to_state
        == "hired"
    )
    with pytest.raises(ValidationFailed) as refused:
        decide(
            facts("negotiation_required"),
            "caseworker",
            {**body, "schemes_presented": ["unicorns"], "held_on": "2026-12-24"},
            NOW,
        )
    assert set(refused.value.fields) == {"schemes_presented", "held_on"}


# --- refusal and Ankestyrelsen (004 §9, kompensationslov §17 a stk. 3) -----------------------------


def test_refusal_opens_the_window_with_the_computed_deadline() -> None:
    outcome = decide(
        facts("refusal_pending"),
        "employer",
        {
            "type": "refusal_notified",
            "reasoning": LEGAL,
            "sent_on": "2026-11-30",
            "channel": "letter",
        },
        NOW,
    )
    assert outcome.to_state == "opinion_window"
    assert outcome.updates["refusal_received_on"] is None  # no actual receipt was recorded
    assert outcome.updates["opinion_due"] == date(2027, 1, 5)
    assert outcome.record["opinion_basis"] == "received 2026-12-08 + 4 weeks"


def test_17a_a_request_on_the_last_day_is_in_time_and_the_day_after_is_late() -> None:
    case = facts(
        "opinion_window", refusal_sent_on=date(2026, 11, 1), opinion_due=date(2026, 11, 30)
    )
    late_moment = Moment(NOW.now, date(2026, 12, 5), NOW.scheme_codes)
    assert (
        decide(
            case,
            "applicant",
            {"type": "opinion_requested", "requested_on": "2026-11-30"},
            late_moment,
        ).to_state
        == "opinion_requested"
    )
    with pytest.raises(Conflict) as refused:
        decide(
            case,
            "applicant",
            {"type": "opinion_requested", "requested_on": "2026-12-01"},
            late_moment,
        )
    assert refused.value.code == "opinion_window_closed"


def test_the_window_reads_as_closed_once_the_deadline_has_passed() -> None:
    assert pa.effective_state("opinion_window", date(2026, 12, 1), date(2026, 12, 1)) == (
        "opinion_window"
    )
    assert pa.effective_state("opinion_window", date(2026, 12, 1), date(2026, 12, 2)) == "closed"


def test_an_expired_window_refuses_every_event_but_a_timely_request() -> None:
    case = facts("opinion_window", opinion_due=date(2026, 11, 20))
    with pytest.raises(Conflict) as refused:
        to_state(case, "applicant", type="withdrawn")
    assert refused.value.code == "invalid_transition"


# --- the order of refusals: who (403), when (409), what (422) -------------------------------------


def test_a_role_that_may_never_send_the_event_is_forbidden_before_the_state_is_checked() -> None:
    with pytest.raises(Forbidden):
        to_state(facts("hired"), "admin", type="decision", outcome="gibberish")


def test_the_state_is_checked_before_the_fields() -> None:
    with pytest.raises(Conflict):
        to_state(facts("hired"), "employer", type="decision", outcome="gibberish")


def test_unknown_or_missing_event_type_is_a_field_error() -> None:
    for body in ({}, {"type": 3}, {"type": "party"}):
        with pytest.raises(ValidationFailed) as refused:
            decide(facts("interviewed"), "employer", body, NOW)
        assert "type" in refused.value.fields


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "assessment", "can_perform": "true"}, "can_perform"),
        ({"type": "assessment", "can_perform": 1}, "can_perform"),
        ({"type": "assessment"}, "can_perform"),
    ],
)
def test_fields_are_strict(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        decide(facts("awaiting_assessment", route="via_jobcentre"), "caseworker", body, NOW)
    assert field in refused.value.fields


def test_dates_must_be_iso_dates() -> None:
    for value in (20261201, "01-12-2026", "2026-12-01T00:00:00", None):
        with pytest.raises(ValidationFailed) as refused:
            decide(
                facts("refusal_pending"),
                "employer",
                {
                    "type": "refusal_notified",
                    "reasoning": LEGAL,
                    "sent_on": value,
                    "channel": "letter",
                },
                NOW,
            )
        assert "sent_on" in refused.value.fields


def test_withdrawal_is_possible_from_every_open_state_and_from_no_closed_one() -> None:
    for state in State:
        case = facts(state)
        if state in pa.TERMINAL:
            with pytest.raises(Conflict):
                to_state(case, "applicant", type="withdrawn")
        else:
            assert to_state(case, "applicant", type="withdrawn") == "withdrawn"


def test_duties_name_who_owes_them() -> None:
    assert [(d.duty, d.owner) for d in pa.outstanding_duties("statement_required")] == [
        ("statement", "employer")
    ]
    assert [(d.duty, d.owner) for d in pa.outstanding_duties("negotiation_required")] == [
        ("negotiation", "jobcentre")
    ]
    assert pa.outstanding_duties("hired") == []
