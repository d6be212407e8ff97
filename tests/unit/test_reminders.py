"""The reminder rules of workflows/reminders.py, without a database.

Each notification is due only while its point lies ahead (api-contract.md "Notifications"); deadlines
are kompensationslov §17 a stk. 3; escalations count working days (deadlines.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from fortrin.clock import COPENHAGEN
from fortrin.workflows.reminders import CaseSnapshot, Thresholds, due_notifications, jobcentre_due

BASE = "https://fortrin.example"
CASE = CaseSnapshot(
    application_id="case-1",
    state="opinion_window",
    vacancy_title="Pedel",
    organisation_name="Aarhus Kommune",
    application_deadline=date(2026, 12, 10),
    applicant_id="applicant",
    applicant_name="Ida Ansøger",
    employer_ids=("hr",),
    caseworker_ids=("cw",),
    state_since=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),  # a Monday
    opinion_due=date(2026, 12, 29),
)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=COPENHAGEN)


def kinds(case: CaseSnapshot, moment: datetime) -> set[tuple[str, str | None]]:
    return {(d.kind, d.recipient_id) for d in due_notifications(case, moment, Thresholds(), BASE)}


def test_the_window_opening_is_due_while_the_window_is_open() -> None:
    assert kinds(CASE, at(date(2026, 12, 1))) == {("opinion_window_opened", "applicant")}
    assert kinds(CASE, at(date(2026, 12, 30))) == set()  # closed: nothing is due any more


def test_17a_seven_and_two_days_before_the_deadline() -> None:
    due = CASE.opinion_due
    assert due is not None
    assert ("opinion_deadline_soon", "applicant") not in kinds(CASE, at(due - timedelta(days=8)))
    assert ("opinion_deadline_soon", "applicant") in kinds(CASE, at(due - timedelta(days=7)))
    assert ("opinion_deadline_soon", "applicant") in kinds(CASE, at(due - timedelta(days=3)))
    two_before = kinds(CASE, at(due - timedelta(days=2)))
    assert ("opinion_deadline_final", "applicant") in two_before
    assert ("opinion_deadline_soon", "applicant") not in two_before  # its point has passed
    assert ("opinion_deadline_final", "applicant") in kinds(CASE, at(due, 23))
    assert kinds(CASE, at(due + timedelta(days=1), 0)) == set()


def test_nothing_is_due_once_the_opinion_is_requested_or_the_case_withdrawn() -> None:
    for state in ("opinion_requested", "withdrawn", "closed", "hired"):
        assert kinds(replace(CASE, state=state), at(date(2026, 12, 28))) == set()


def test_the_interview_reminder_goes_to_applicant_and_employer_the_day_before() -> None:
    case = replace(
        CASE,
        state="interview_scheduled",
        opinion_due=None,
        interview_starts_at=at(date(2026, 12, 8), 10),
        interview_location="Rådhuset",
    )
    assert kinds(case, at(date(2026, 12, 6), 23)) == set()
    assert kinds(case, at(date(2026, 12, 7), 0)) == {
        ("interview_reminder", "applicant"),
        ("interview_reminder", "hr"),
    }
    assert kinds(case, at(date(2026, 12, 8), 9)) == {
        ("interview_reminder", "applicant"),
        ("interview_reminder", "hr"),
    }
    assert kinds(case, at(date(2026, 12, 8), 11)) == set()  # the interview has begun
    assert kinds(replace(case, state="withdrawn"), at(date(2026, 12, 7))) == set()


def test_escalations_count_working_days_in_the_state() -> None:
    """Entered Monday 30 November: 5 working days later is Monday 7 December."""
    waiting = replace(CASE, state="awaiting_assessment", opinion_due=None)
    assert kinds(waiting, at(date(2026, 12, 4))) == set()
    assert kinds(waiting, at(date(2026, 12, 7))) == {("assessment_due", "cw")}
    statement = replace(waiting, state="statement_required")
    assert kinds(statement, at(date(2026, 12, 7))) == {("statement_overdue", "hr")}
    assert kinds(statement, at(date(2026, 12, 14))) == {
        ("statement_overdue", "hr"),
        ("statement_overdue", "cw"),
    }
    negotiation = replace(waiting, state="negotiation_required")
    assert kinds(negotiation, at(date(2026, 12, 11))) == set()
    # After the same 10 working days the employer hears that it may record negotiation_not_held
    # (domain.md § 12: no deadlock).
    assert kinds(negotiation, at(date(2026, 12, 14))) == {
        ("negotiation_overdue", "cw"),
        ("negotiation_wait_over", "hr"),
    }
    refusal = replace(waiting, state="refusal_pending")
    assert kinds(refusal, at(date(2026, 12, 2))) == set()
    assert kinds(refusal, at(date(2026, 12, 3))) == {("refusal_notice_due", "hr")}


def test_thresholds_come_from_configuration() -> None:
    waiting = replace(CASE, state="awaiting_assessment", opinion_due=None)
    found = due_notifications(waiting, at(date(2026, 12, 1)), Thresholds(assessment=1), BASE)
    assert [(d.kind, d.recipient_id) for d in found] == [("assessment_due", "cw")]


def test_an_uninvited_applicant_is_escalated_after_the_application_deadline() -> None:
    case = replace(CASE, state="interview_required", opinion_due=None)
    assert kinds(case, at(date(2026, 12, 10))) == set()
    assert kinds(case, at(date(2026, 12, 11))) == {("interview_not_scheduled", "hr")}


def test_texts_are_danish_with_the_exact_date_and_a_link() -> None:
    [opened] = due_notifications(CASE, at(date(2026, 12, 1)), Thresholds(), BASE)
    assert "29. december 2026" in opened.subject and "29. december 2026" in opened.body
    assert opened.link == "https://fortrin.example/applications/case-1"
    assert opened.body.endswith(f"Se sagen: {opened.link}")
    case = replace(
        CASE,
        state="interview_scheduled",
        opinion_due=None,
        interview_starts_at=at(date(2026, 12, 8), 10),
        interview_location="Rådhuset",
    )
    texts = [d.body for d in due_notifications(case, at(date(2026, 12, 7)), Thresholds(), BASE)]
    assert all("8. december 2026 kl. 10:00" in text and "Rådhuset" in text for text in texts)


def test_a_snapshot_carries_no_health_data_at_all() -> None:
    """Structural: the rules cannot put what they are never given into a text."""
    fields = set(CaseSnapshot.__dataclass_fields__)
    assert not {f for f in fields if "disab" in f or "health" in f or "cpr" in f or "note" in f}


def test_the_queue_shows_the_day_the_jobcentre_escalation_falls() -> None:
    """The same working-day thresholds as the notifications (entered Monday 30 November 2026)."""
    entered = date(2026, 11, 30)
    assert jobcentre_due("awaiting_assessment", entered, Thresholds()) == date(2026, 12, 7)
    assert jobcentre_due("negotiation_required", entered, Thresholds()) == date(2026, 12, 14)
    assert jobcentre_due("awaiting_assessment", entered, Thresholds(assessment=1)) == date(
        2026, 12, 1
    )
    assert jobcentre_due("interview_scheduled", entered, Thresholds()) is None
