"""Contract v2 of the transition table (issue 8), tested without a database.

The rules of domain.md section 12 as ``workflows/preferential_access.py`` decides them: every "no"
keeps the right (kompensationslov § 17 a stk. 3; 004 §§ 3.6, 3.7, 9), only the applicant declines,
dates tell the truth (JM vejledning 9533/2018 for receipts), the fill follows the decisions
(bek. § 2 stk. 3), no negotiation deadlock (bek. § 6 stk. 3 nr. 2), moves (bek. § 7).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from fortrin.errors import Conflict, Forbidden, ValidationFailed
from fortrin.workflows import preferential_access as pa
from fortrin.workflows.preferential_access import (
    CaseFacts,
    FillPlan,
    Moment,
    State,
    decide,
    fill_contradiction,
    withdrawn_vacancy_leads_to,
)

NOW = Moment(
    now=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),  # 09:00 in Copenhagen, a Tuesday
    today=date(2026, 12, 1),
    scheme_codes=frozenset({"personal_assistance", "assistive_devices"}),
)
LEGAL = "En begrundelse med mindst tyve tegn, som loven kræver."
MINUTES: dict[str, Any] = {
    "type": "negotiation_held",
    "minutes": LEGAL,
    "competences_considered": True,
    "disability_not_decisive": True,
    "schemes_presented": ["personal_assistance"],
    "outcome": "no_hire",
}
OPEN = frozenset(State) - pa.TERMINAL


def facts(state: str, kind: str = "job", route: str = "direct", **more: Any) -> CaseFacts:
    return CaseFacts(
        state=state,
        route=route,
        vacancy_kind=kind,
        formal_education_requirement=more.pop("requirement", "Kontoruddannelse (EUD)"),
        **more,
    )


def at(day: date, hour: int = 9, minute: int = 0) -> Moment:
    """The clock at ``hour:minute`` Copenhagen winter time (UTC+1) on ``day``."""
    instant = datetime(day.year, day.month, day.day, hour - 1, minute, tzinfo=UTC)
    return replace(NOW, now=instant, today=day)


def fields_of(
    case: CaseFacts, role: str, body: dict[str, Any], moment: Moment = NOW
) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        decide(case, role, body, moment)
    return dict(refused.value.fields)


def conflict_of(case: CaseFacts, role: str, body: dict[str, Any], moment: Moment = NOW) -> Conflict:
    with pytest.raises(Conflict) as refused:
        decide(case, role, body, moment)
    return refused.value


# --- the v2 table is the contract's --------------------------------------------------------------

CONTRACT_V2 = {
    "interview_declined": ({"applicant"}, {"interview_required", "interview_scheduled"}),
    "interview_missed": ({"employer"}, {"interview_scheduled"}),
    "negotiation_not_held": ({"employer"}, {"negotiation_required"}),
    "receipt_recorded": ({"applicant", "caseworker"}, {"opinion_window"}),
    "opinion_requested": ({"applicant", "caseworker"}, {"refusal_pending", "opinion_window"}),
    "opinion_received": ({"caseworker", "admin"}, {"opinion_requested"}),
    "transferred": ({"caseworker", "admin"}, {str(s) for s in OPEN}),
}


@pytest.mark.parametrize("name", sorted(CONTRACT_V2))
def test_api_contract_v2_senders_and_states_of_the_new_and_changed_events(name: str) -> None:
    transition = pa.TRANSITIONS[name]
    assert ({*transition.senders}, {str(s) for s in transition.accepted_in}) == CONTRACT_V2[name]


def test_api_contract_v2_not_eligible_is_no_longer_reached() -> None:
    """ "`not_eligible` is no longer reached": a negative check on any kind is a refusal."""
    for kind in ("job", "stall", "kiosk", "taxi", "other_licence"):
        outcome = decide(
            facts("awaiting_eligibility_check", kind=kind),
            "employer",
            {"type": "eligibility_check", "eligible": False, "reasoning": LEGAL},
            NOW,
        )
        assert outcome.to_state == State.REFUSAL_PENDING, kind


# --- every "no" keeps the right (kompensationslov § 17 a stk. 3) --------------------------------


def test_004_3_6_a_negative_formal_education_check_leads_to_refusal_pending() -> None:
    outcome = decide(
        facts("awaiting_eligibility_check"),
        "employer",
        {"type": "eligibility_check", "eligible": False, "reasoning": LEGAL},
        NOW,
    )
    assert outcome.to_state == State.REFUSAL_PENDING
    assert outcome.record["ground"] == "formal_education"
    assert [d.duty for d in pa.outstanding_duties(outcome.to_state)] == ["refusal_notice"]


def test_004_3_7_a_licence_refused_as_obviously_less_qualified_leads_to_refusal_pending() -> None:
    outcome = decide(
        facts("awaiting_eligibility_check", kind="stall", requirement=None),
        "employer",
        {"type": "eligibility_check", "eligible": False, "reasoning": LEGAL},
        NOW,
    )
    assert outcome.to_state == State.REFUSAL_PENDING
    assert outcome.record["ground"] == "obviously_less_qualified"


def test_004_3_6_a_negative_check_still_needs_its_reasoning() -> None:
    case = facts("awaiting_eligibility_check")
    assert "reasoning" in fields_of(
        case, "employer", {"type": "eligibility_check", "eligible": False}
    )


def test_domain_12_a_withdrawn_vacancy_owes_a_refusal_only_once_the_employer_was_contacted() -> (
    None
):
    assert withdrawn_vacancy_leads_to(True) == State.REFUSAL_PENDING
    assert withdrawn_vacancy_leads_to(False) == State.CLOSED


def test_domain_12_an_opinion_may_be_requested_while_the_refusal_is_still_owed() -> None:
    case = facts("refusal_pending", state_since_on=date(2026, 11, 30))
    body = {"type": "opinion_requested", "requested_on": "2026-12-01"}
    for role in ("applicant", "caseworker"):
        outcome = decide(case, role, body, NOW)
        assert outcome.to_state == State.OPINION_REQUESTED
        assert outcome.updates["opinion_requested_on"] == date(2026, 12, 1)
    with pytest.raises(Forbidden):
        decide(case, "employer", body, NOW)


# --- only the applicant declines (bek. § 6 stk. 2; domain.md § 12) -------------------------------


@pytest.mark.parametrize("state", ["interview_required", "interview_scheduled"])
def test_domain_12_only_the_applicant_declines_the_interview(state: str) -> None:
    body = {"type": "interview_declined", "reason": "Har fået andet arbejde"}
    with pytest.raises(Forbidden):
        decide(facts(state), "employer", body, NOW)
    assert decide(facts(state), "applicant", body, NOW).to_state == State.WITHDRAWN


def test_domain_12_who_comes_before_when_an_employer_declining_a_closed_case_is_403() -> None:
    """api-contract.md precedence: 403 for the role before 409 for the state."""
    with pytest.raises(Forbidden):
        decide(facts("closed"), "employer", {"type": "interview_declined", "reason": "x"}, NOW)


# --- interview at or after its booked start (bek. § 6 stk. 2) ------------------------------------

STARTS = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen


@pytest.mark.parametrize("event_type", ["interview_held", "interview_missed"])
def test_bek_6_stk_2_an_interview_is_not_recorded_before_its_booked_start(event_type: str) -> None:
    case = facts("interview_scheduled", interview_starts_at=STARTS)
    early = replace(NOW, now=STARTS - timedelta(seconds=1))
    refused = conflict_of(case, "employer", {"type": event_type}, early)
    assert refused.code == "too_early"
    assert "2026-12-01" in refused.message
    on_time = replace(NOW, now=STARTS)
    assert decide(case, "employer", {"type": event_type}, on_time).to_state == State.INTERVIEWED


def test_domain_12_interview_missed_is_the_employers_and_leads_to_the_decision() -> None:
    case = facts("interview_scheduled", interview_starts_at=STARTS)
    later = replace(NOW, now=STARTS + timedelta(hours=1))
    with pytest.raises(Forbidden):
        decide(case, "applicant", {"type": "interview_missed"}, later)
    outcome = decide(case, "employer", {"type": "interview_missed", "notes": "Kom ikke"}, later)
    assert (outcome.from_state, outcome.to_state) == (State.INTERVIEW_SCHEDULED, State.INTERVIEWED)
    # The decision and its duties follow as usual (bek. § 6 stk. 3).
    decided = decide(
        facts("interviewed"),
        "employer",
        {"type": "decision", "outcome": "not_hired", "reasoning": LEGAL},
        later,
    )
    assert decided.to_state == State.STATEMENT_REQUIRED
    assert conflict_of(
        facts("interview_required"), "employer", {"type": "interview_missed"}
    ).code == ("invalid_transition")


# --- dates tell the truth (domain.md § 12) -------------------------------------------------------


def refusal(sent_on: str, **more: Any) -> dict[str, Any]:
    return {
        "type": "refusal_notified",
        "reasoning": LEGAL,
        "sent_on": sent_on,
        "channel": "digital_post",
        **more,
    }


def test_domain_12_a_refusal_sent_in_the_future_is_refused() -> None:
    case = facts("refusal_pending", state_since_on=date(2026, 11, 25))
    problems = fields_of(case, "employer", refusal("2026-12-02"))
    assert "2026-12-01" in problems["sent_on"]


def test_kompensationslov_17a_stk3_a_refusal_before_the_no_names_the_earliest_date() -> None:
    case = facts("refusal_pending", state_since_on=date(2026, 11, 27))
    problems = fields_of(case, "employer", refusal("2026-11-26"))
    assert "2026-11-27" in problems["sent_on"]
    outcome = decide(case, "employer", refusal("2026-11-27"), NOW)
    assert outcome.to_state == State.OPINION_WINDOW
    assert outcome.updates["opinion_due"] == date(2026, 12, 28)  # 25 Dec closed; 27th a Sunday


def test_jm_vejledning_9533_2018_a_receipt_in_the_refusal_is_between_sending_and_today() -> None:
    case = facts("refusal_pending", state_since_on=date(2026, 11, 27))
    assert "received_on" in fields_of(
        case, "employer", refusal("2026-11-27", received_on="2026-11-26")
    )
    assert "received_on" in fields_of(
        case, "employer", refusal("2026-11-27", received_on="2026-12-02")
    )


def test_bek_6_stk_3_nr_2_the_negotiation_is_held_between_the_statement_and_today() -> None:
    case = facts("negotiation_required", state_since_on=date(2026, 11, 27))
    before = fields_of(case, "caseworker", {**MINUTES, "held_on": "2026-11-26"})
    assert "2026-11-27" in before["held_on"]
    assert "held_on" in fields_of(case, "caseworker", {**MINUTES, "held_on": "2026-12-02"})
    held = decide(case, "caseworker", {**MINUTES, "held_on": "2026-11-27"}, NOW)
    assert held.to_state == State.REFUSAL_PENDING


@pytest.mark.parametrize("missing", ["disability_not_decisive", "competences_considered"])
def test_bek_6_stk_3_nr_2_the_minutes_record_all_three_points(missing: str) -> None:
    case = facts("negotiation_required", state_since_on=date(2026, 11, 27))
    body = {k: v for k, v in MINUTES.items() if k != missing}
    assert missing in fields_of(case, "caseworker", {**body, "held_on": "2026-12-01"})


def test_kompensationslov_17a_stk3_an_opinion_is_requested_after_the_refusal_and_not_later_than_today() -> (
    None
):
    case = facts(
        "opinion_window",
        refusal_sent_on=date(2026, 11, 27),
        refusal_channel="digital_post",
        opinion_due=date(2026, 12, 28),
        state_since_on=date(2026, 11, 27),
    )
    early = fields_of(
        case, "applicant", {"type": "opinion_requested", "requested_on": "2026-11-26"}
    )
    assert "2026-11-27" in early["requested_on"]
    assert "requested_on" in fields_of(
        case, "applicant", {"type": "opinion_requested", "requested_on": "2026-12-02"}
    )
    outcome = decide(
        case, "caseworker", {"type": "opinion_requested", "requested_on": "2026-11-27"}, NOW
    )
    assert outcome.to_state == State.OPINION_REQUESTED


# --- a later receipt moves the deadline (JM vejledning 9533/2018) --------------------------------

WINDOW = facts(
    "opinion_window",
    refusal_sent_on=date(2026, 12, 1),
    refusal_channel="digital_post",
    opinion_due=date(2026, 12, 29),
    state_since_on=date(2026, 12, 1),
)


def test_jm_vejledning_9533_2018_a_later_receipt_recomputes_the_deadline() -> None:
    moment = at(date(2026, 12, 4))
    outcome = decide(
        WINDOW, "applicant", {"type": "receipt_recorded", "received_on": "2026-12-02"}, moment
    )
    assert outcome.to_state == State.OPINION_WINDOW
    assert outcome.updates == {
        "refusal_received_on": date(2026, 12, 2),
        "opinion_due": date(2026, 12, 30),
    }
    assert outcome.record["previous_due"] == "2026-12-29"
    assert outcome.record["opinion_due"] == "2026-12-30"


def test_jm_vejledning_9533_2018_a_receipt_is_between_the_sending_and_today() -> None:
    moment = at(date(2026, 12, 4))
    for received_on in ("2026-11-30", "2026-12-05"):
        problems = fields_of(
            WINDOW, "caseworker", {"type": "receipt_recorded", "received_on": received_on}, moment
        )
        assert "received_on" in problems, received_on
    with pytest.raises(Forbidden):
        decide(
            WINDOW, "employer", {"type": "receipt_recorded", "received_on": "2026-12-02"}, moment
        )


def test_domain_12_a_receipt_never_moves_the_deadline_earlier() -> None:
    """Only a later arrival moves the deadline (domain.md § 12: the conservative reading that never
    costs the applicant a right). A letter is presumed received 6 working days after it was sent
    (JM vejledning 9533/2018): an earlier date is refused, naming the presumed receipt."""
    letter = replace(WINDOW, refusal_channel="letter", opinion_due=date(2027, 1, 6))
    moment = at(date(2026, 12, 14))
    body = {"type": "receipt_recorded", "received_on": "2026-12-03"}
    problems = fields_of(letter, "applicant", body, moment)
    assert "2026-12-09" in problems["received_on"]
    later = decide(letter, "applicant", {**body, "received_on": "2026-12-11"}, moment)
    assert later.updates["opinion_due"] == date(2027, 1, 8)
    # After a recorded receipt, the next one cannot go back before it either.
    recorded = replace(letter, refusal_received_on=date(2026, 12, 11), opinion_due=date(2027, 1, 8))
    assert "received_on" in fields_of(
        recorded, "caseworker", {**body, "received_on": "2026-12-10"}, moment
    )


def test_jm_vejledning_9533_2018_a_receipt_reopens_a_window_that_closed_by_the_clock() -> None:
    moment = at(date(2026, 12, 30))
    assert pa.effective_state(WINDOW.state, WINDOW.opinion_due, moment.today) == State.CLOSED
    outcome = decide(
        WINDOW, "caseworker", {"type": "receipt_recorded", "received_on": "2026-12-08"}, moment
    )
    assert outcome.to_state == State.OPINION_WINDOW
    assert outcome.updates["opinion_due"] == date(2027, 1, 5)
    # In any other state the receipt has nothing to move.
    requested = replace(WINDOW, state=State.OPINION_REQUESTED)
    body = {"type": "receipt_recorded", "received_on": "2026-12-08"}
    assert conflict_of(requested, "caseworker", body, moment).code == "invalid_transition"


# --- no deadlock (bek. § 6 stk. 3 nr. 2; domain.md § 12, a decision of this project) -------------


def test_domain_12_negotiation_not_held_only_after_the_configured_working_days() -> None:
    case = facts("negotiation_required", state_since_on=date(2026, 12, 1))
    body = {"type": "negotiation_not_held", "attempts": LEGAL}
    early = conflict_of(case, "employer", body, at(date(2026, 12, 14)))
    assert early.code == "too_early"
    assert "2026-12-15" in early.message
    outcome = decide(case, "employer", body, at(date(2026, 12, 15)))
    assert outcome.to_state == State.REFUSAL_PENDING
    assert outcome.record["statement_on"] == "2026-12-01"
    assert outcome.record["wait_days"] == 10
    # The number of working days is configuration.
    short = replace(at(date(2026, 12, 4)), negotiation_wait_days=3)
    assert decide(case, "employer", body, short).to_state == State.REFUSAL_PENDING


def test_domain_12_negotiation_wait_counts_working_days_over_christmas() -> None:
    """24, 25, 26 and 31 December and 1 January are not working days (deadlines.py)."""
    case = facts("negotiation_required", state_since_on=date(2026, 12, 18))
    body = {"type": "negotiation_not_held", "attempts": LEGAL}
    assert conflict_of(case, "employer", body, at(date(2027, 1, 6))).code == "too_early"
    assert decide(case, "employer", body, at(date(2027, 1, 7))).to_state == State.REFUSAL_PENDING


def test_domain_12_negotiation_not_held_is_the_employers_with_documented_attempts() -> None:
    case = facts("negotiation_required", state_since_on=date(2026, 11, 1))
    with pytest.raises(Forbidden):
        decide(case, "caseworker", {"type": "negotiation_not_held", "attempts": LEGAL}, NOW)
    assert "attempts" in fields_of(
        case, "employer", {"type": "negotiation_not_held", "attempts": "Ringede"}
    )


# --- the assessment's two conditions (bek. § 6 stk. 1) -------------------------------------------


def test_bek_6_stk_1_the_assessment_needs_has_difficulty_getting_work() -> None:
    case = facts("awaiting_assessment", route="via_jobcentre")
    body = {"type": "assessment", "can_perform": True, "reasoning": LEGAL}
    assert "has_difficulty_getting_work" in fields_of(case, "caseworker", body)


@pytest.mark.parametrize(
    ("can_perform", "difficulty", "to"),
    [
        (True, True, State.INTERVIEW_REQUIRED),
        (True, False, State.NOT_SUITABLE),
        (False, True, State.NOT_SUITABLE),
        (False, False, State.NOT_SUITABLE),
    ],
)
def test_bek_6_stk_1_both_conditions_must_hold(
    can_perform: bool, difficulty: bool, to: State
) -> None:
    case = facts("awaiting_assessment", route="via_jobcentre")
    body = {
        "type": "assessment",
        "can_perform": can_perform,
        "has_difficulty_getting_work": difficulty,
        "reasoning": LEGAL,
    }
    outcome = decide(case, "caseworker", body, NOW)
    assert outcome.to_state == to
    assert outcome.updates.get("employer_contacted", False) is (to == State.INTERVIEW_REQUIRED)


def test_bek_6_stk_1_a_negative_assessment_needs_its_reasoning() -> None:
    case = facts("awaiting_assessment", route="via_jobcentre")
    body = {"type": "assessment", "can_perform": True, "has_difficulty_getting_work": False}
    assert "reasoning" in fields_of(case, "caseworker", body)


# --- moves (bek. § 7; domain.md § 12) ------------------------------------------------------------


@pytest.mark.parametrize("state", sorted(OPEN))
def test_bek_7_a_transfer_keeps_the_state(state: str) -> None:
    body = {"type": "transferred", "home_municipality_code": "101", "reason": "Flyttet"}
    outcome = decide(facts(state), "caseworker", body, NOW)
    assert outcome.from_state == outcome.to_state == state
    assert outcome.record["home_municipality_code"] == "101"


def test_bek_7_a_transfer_is_for_open_cases_by_the_jobcentre_with_a_municipality_code() -> None:
    body = {"type": "transferred", "home_municipality_code": "101", "reason": "Flyttet"}
    for state in pa.TERMINAL:
        assert conflict_of(facts(state), "caseworker", body).code == "invalid_transition"
    for role in ("employer", "applicant"):
        with pytest.raises(Forbidden):
            decide(facts("awaiting_assessment"), role, body, NOW)
    assert (
        decide(facts("awaiting_assessment"), "admin", body, NOW).to_state == "awaiting_assessment"
    )
    for code in ("12", "1010", "abc"):
        bad = {**body, "home_municipality_code": code}
        assert "home_municipality_code" in fields_of(
            facts("awaiting_assessment"), "caseworker", bad
        )


# --- the opinion (kompensationslov § 17 a stk. 3-4) ----------------------------------------------


@pytest.mark.parametrize("kept", [True, False])
def test_kompensationslov_17a_stk4_the_opinion_closes_the_case_and_records_its_finding(
    kept: bool,
) -> None:
    case = facts("opinion_requested", opinion_requested_on=date(2026, 11, 20))
    body = {
        "type": "opinion_received",
        "received_on": "2026-11-30",
        "duties_kept": kept,
        "summary": "Udtalelse",
    }
    outcome = decide(case, "caseworker", body, NOW)
    assert outcome.to_state == State.CLOSED
    assert outcome.record["duties_kept"] is kept
    assert "received_on" in fields_of(case, "admin", {**body, "received_on": "2026-11-19"})
    assert "received_on" in fields_of(case, "admin", {**body, "received_on": "2026-12-02"})


# --- the fill follows the decisions (bek. § 2 stk. 3; domain.md § 12) ----------------------------


def plan(
    positions: int = 1,
    filled: tuple[tuple[str, str | None], ...] = (),
    hired: frozenset[str] = frozenset(),
    internal: bool = False,
) -> FillPlan:
    return FillPlan(positions=positions, filled=filled, hired=hired, internal_claimed=internal)


def test_bek_2_stk_3_after_an_internal_candidate_only_an_internal_fill() -> None:
    claimed = plan(internal=True)
    assert fill_contradiction(claimed, "external", None) is not None
    assert fill_contradiction(claimed, "internal", None) is None
    assert "bek. § 2 stk. 3" in (fill_contradiction(claimed, "external", None) or "")


def test_domain_12_after_a_hire_only_that_application_fills_the_vacancy() -> None:
    hired = plan(hired=frozenset({"a"}))
    assert fill_contradiction(hired, "external", None) is not None
    assert fill_contradiction(hired, "internal", None) is not None
    assert fill_contradiction(hired, "preferential_applicant", "b") is not None
    assert fill_contradiction(hired, "preferential_applicant", "a") is None


def test_domain_12_without_decisions_any_fill_is_consistent() -> None:
    for filled_by in ("external", "internal"):
        assert fill_contradiction(plan(), filled_by, None) is None


def test_domain_12_several_positions_keep_room_for_what_is_owed() -> None:
    two = plan(positions=2, hired=frozenset({"a"}))
    assert fill_contradiction(two, "external", None) is None
    one_taken = replace(two, filled=(("external", None),))
    assert fill_contradiction(one_taken, "external", None) is not None
    assert fill_contradiction(one_taken, "preferential_applicant", "a") is None
    # A hired applicant takes one position only.
    taken = replace(two, filled=(("preferential_applicant", "a"),))
    assert fill_contradiction(taken, "preferential_applicant", "a") is not None
    assert fill_contradiction(taken, "external", None) is None


def test_domain_12_a_hire_and_an_internal_candidate_need_both_positions() -> None:
    both = plan(positions=2, hired=frozenset({"a"}), internal=True)
    assert fill_contradiction(both, "external", None) is not None
    assert fill_contradiction(both, "internal", None) is None
    after_internal = replace(both, filled=(("internal", None),))
    assert fill_contradiction(after_internal, "external", None) is not None
    assert fill_contradiction(after_internal, "preferential_applicant", "a") is None
    after_hire = replace(both, filled=(("preferential_applicant", "a"),))
    assert fill_contradiction(after_hire, "external", None) is not None
    assert fill_contradiction(after_hire, "internal", None) is None


def test_004_3_5_an_application_after_the_deadline_is_refused_unless_moved() -> None:
    pa.check_application_in_time(date(2026, 12, 20), date(2026, 12, 20))  # the last day counts
    with pytest.raises(Conflict) as late:
        pa.check_application_in_time(date(2026, 12, 20), date(2026, 12, 21))
    assert late.value.code == "application_deadline_passed"
