"""The opinion-request deadline: kompensationslov §17 a stk. 3 (004 §9), Justitsministeriets
vejledning nr. 9533 af 26/6/2018, Ankestyrelsen's receipt rules (domain.md section 7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fortrin import deadlines
from fortrin.deadlines import (
    add_working_days,
    has_passed,
    is_working_day,
    opinion_request_deadline,
    receipt,
    working_days_between,
)


def test_contract_example_digital_post_over_new_year() -> None:
    """api-contract.md: received 2026-12-04 + 4 weeks lands on New Year's Day, so 2027-01-04."""
    result = opinion_request_deadline(date(2026, 12, 4), "digital_post")
    assert result.received_on == date(2026, 12, 4)
    assert result.due == date(2027, 1, 4)
    assert result.basis == "received 2026-12-04 + 4 weeks; 2027-01-01 is a holiday"


def test_digital_post_counts_as_received_the_day_it_is_sent() -> None:
    assert receipt(date(2026, 12, 1), "digital_post").received_on == date(2026, 12, 1)


def test_ordinary_letter_counts_as_received_six_working_days_later() -> None:
    """JM vejledning 9533/2018 and Ankestyrelsen: 6 working days after the letter is dated."""
    assert receipt(date(2026, 11, 30), "letter").received_on == date(2026, 12, 8)  # Mon -> Tue
    assert receipt(date(2026, 12, 4), "letter").received_on == date(2026, 12, 14)  # Fri -> Mon


def test_ordinary_letter_receipt_skips_christmas_and_new_year_closing_days() -> None:
    # 23 Dec (1), 28 (2), 29 (3), 30 (4), 4 Jan (5), 5 Jan (6): 24, 25, 31 Dec and 1 Jan are closed.
    assert receipt(date(2026, 12, 22), "letter").received_on == date(2027, 1, 5)


def test_quickpost_counts_as_received_two_days_later() -> None:
    assert receipt(date(2026, 12, 4), "quickpost").received_on == date(2026, 12, 6)


def test_an_actual_receipt_date_wins_over_the_channel_rule() -> None:
    result = opinion_request_deadline(date(2026, 12, 1), "letter", date(2026, 12, 3))
    assert result.received_on == date(2026, 12, 3)
    assert result.due == date(2027, 1, 4)  # 31 Dec is closed, 1 Jan a holiday, then a weekend


def test_receipt_day_is_not_counted_and_weeks_count_as_weeks() -> None:
    # Received Tuesday 2026-12-01: the last day is Tuesday 2026-12-29, a working day.
    assert opinion_request_deadline(date(2026, 12, 1), "digital_post").due == date(2026, 12, 29)


def test_a_deadline_on_a_saturday_moves_to_monday() -> None:
    result = opinion_request_deadline(date(2026, 11, 7), "digital_post")  # + 28 = Sat 5 Dec
    assert result.due == date(2026, 12, 7)
    assert result.basis.endswith("2026-12-05 is a Saturday")


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        (date(2026, 5, 8), date(2026, 6, 8), "Constitution Day, 5 June"),
        (date(2026, 11, 26), date(2026, 12, 28), "24 December, then Christmas and a weekend"),
        (date(2026, 12, 3), date(2027, 1, 4), "31 December, then New Year's Day and a weekend"),
        (date(2027, 2, 25), date(2027, 3, 30), "Maundy Thursday to Easter Monday"),
    ],
)
def test_closing_days_move_the_deadline_to_the_next_working_day(
    received: date, due: date, why: str
) -> None:
    assert opinion_request_deadline(received, "digital_post").due == due, why


def test_deadline_runs_to_the_end_of_its_day() -> None:
    due = date(2026, 12, 29)
    assert not has_passed(due, due)
    assert has_passed(due, due + timedelta(days=1))


def test_the_deadline_is_always_the_first_working_day_on_or_after_four_weeks() -> None:
    """Every sending day of two years, every channel."""
    day = date(2026, 1, 1)
    while day < date(2028, 1, 1):
        for channel in deadlines.CHANNELS:
            result = opinion_request_deadline(day, channel)
            last = result.received_on + timedelta(weeks=4)
            assert is_working_day(result.due)
            assert last <= result.due < last + timedelta(days=7)
            assert all(
                not is_working_day(last + timedelta(days=n))
                for n in range((result.due - last).days)
            )
        day += timedelta(days=1)


def test_working_days_match_the_reference_calendar() -> None:
    """shared/data README: December 2026 has 20 working days once 24 and 31 December are closed."""
    assert working_days_between(date(2026, 11, 30), date(2026, 12, 31)) == 20
    assert add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 5)
    assert not is_working_day(date(2026, 6, 5))


def test_bad_channel_and_receipt_before_sending_are_refused() -> None:
    with pytest.raises(ValueError):
        receipt(date(2026, 12, 1), "pigeon")
    with pytest.raises(ValueError):
        receipt(date(2026, 12, 1), "letter", date(2026, 11, 30))
