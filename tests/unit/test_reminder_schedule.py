"""Issue 12, point 2: the pass looks at a case only on the day ``next_reminder_on`` names. Walking the
calendar day by day (every reminder rule, around Christmas and Easter, the thresholds varied) must
create exactly what the scheduled pass creates, on the same days: if a rule and its day ever part,
a reminder would be missed or late, and this test fails."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from fortrin.clock import COPENHAGEN, local_start
from fortrin.workflows.reminders import (
    WATCHED_STATES,
    CaseSnapshot,
    Thresholds,
    due_notifications,
    next_reminder_on,
)

BASE = "https://fortrin.example"


def first_days(case: CaseSnapshot, start: date, end: date, rules: Thresholds) -> dict[str, date]:
    """Each reminder (kind and recipient) and the first day a pass just after midnight finds it."""
    found: dict[str, date] = {}
    day = start
    while day <= end:
        for due in due_notifications(case, local_start(day), rules, BASE):
            found.setdefault(f"{due.kind}:{due.recipient_id}", day)
        day += timedelta(days=1)
    return found


def scheduled(case: CaseSnapshot, start: date, end: date, rules: Thresholds) -> dict[str, date]:
    """The same, looking only on the days the schedule names (the first look: when the case
    changed, ``start``)."""
    found: dict[str, date] = {}
    day: date | None = start
    while day is not None and day <= end:
        for due in due_notifications(case, local_start(day), rules, BASE):
            found.setdefault(f"{due.kind}:{due.recipient_id}", day)
        day = next_reminder_on(
            case.state,
            case.state_since,
            case.opinion_due,
            case.interview_starts_at,
            case.application_deadline,
            rules,
            day,
        )
    return found


ENTERED = (date(2026, 12, 18), date(2026, 12, 23), date(2027, 3, 24), date(2027, 6, 4))
RULES = (Thresholds(), Thresholds(1, 1, 2, 3, 1, 4), Thresholds(10, 8, 12, 15, 6, 20))


@pytest.mark.parametrize("state", WATCHED_STATES)
def test_the_schedule_finds_every_reminder_on_its_first_day(state: str) -> None:
    for entered in ENTERED:
        for rules in RULES:
            for offset in (1, 9, 30):
                case = CaseSnapshot(
                    application_id="case-1",
                    state=state,
                    vacancy_title="Pedel",
                    organisation_name="Aarhus Kommune",
                    application_deadline=entered + timedelta(days=offset),
                    applicant_id="applicant",
                    applicant_name="Ida Ansøger",
                    employer_ids=("hr",),
                    caseworker_ids=("cw",),
                    state_since=datetime(
                        entered.year, entered.month, entered.day, 15, tzinfo=COPENHAGEN
                    ).astimezone(UTC),
                    interview_starts_at=datetime(
                        entered.year, entered.month, entered.day, 10, tzinfo=COPENHAGEN
                    )
                    + timedelta(days=offset),
                    opinion_due=entered + timedelta(days=offset - 1 if offset > 1 else 28),
                )
                end = entered + timedelta(days=70)
                walked = first_days(case, entered, end, rules)
                assert walked, (state, entered, rules)  # every watched state has a reminder
                assert scheduled(case, entered, end, rules) == walked, (state, entered, offset)


def test_a_case_with_nothing_ahead_is_not_scheduled() -> None:
    since = datetime(2026, 12, 1, 9, tzinfo=UTC)
    for state in ("hired", "closed", "withdrawn", "opinion_requested", "interviewed"):
        assert (
            next_reminder_on(
                state, since, None, None, date(2026, 12, 10), Thresholds(), date(2026, 12, 1)
            )
            is None
        )
    # An opinion window whose last day has passed: nothing more.
    window = replace(
        CaseSnapshot("c", "opinion_window", "t", "o", date(2026, 12, 10), "a", "n", (), (), since),
        opinion_due=date(2026, 12, 20),
    )
    assert (
        next_reminder_on(
            window.state,
            since,
            window.opinion_due,
            None,
            window.application_deadline,
            Thresholds(),
            date(2026, 12, 19),
        )
        is None
    )
