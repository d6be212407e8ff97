"""The Danish working-day calendar and the opinion-request deadline. Pure functions of dates.

Sources (domain.md section 7, corrected where its own sources say otherwise):

- kompensationslov §17 a stk. 3 (004 §9): the request to Ankestyrelsen must be made no later than
  4 weeks after the applicant *received* the refusal.
- Justitsministeriets vejledning nr. 9533 af 26/6/2018 om beregning af klagefrister, and Ankestyrelsen's
  published receipt rules: Digital Post counts as received the day it was sent; an ordinary letter
  6 working days after the date it was sent; Quickpost 2 days after. An actual receipt date wins.
  (domain.md gives the older weekday table: Mon/Tue/Fri +5, Wed +7, Thu +6. Ankestyrelsen states that
  the 2018 guidance replaced it: "Tidligere havde det betydning, hvilken ugedag brevet var sendt".)
- The day of receipt is not counted and weeks are counted as weeks: the last day is received + 28 days;
  a last day on a Saturday, Sunday, public holiday, Constitution Day (5 June), 24 or 31 December moves
  to the next working day. The deadline runs to the end of that day, Copenhagen time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

CHANNELS = ("digital_post", "letter", "quickpost")
OPINION_WINDOW = timedelta(weeks=4)
LETTER_WORKING_DAYS = 6
QUICKPOST_DAYS = 2

_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


@lru_cache(maxsize=64)
def _closed_days(year: int) -> dict[date, str]:
    """Public holidays plus the days public offices are closed: 5 June, 24 and 31 December."""
    days: dict[date, str] = dict(holidays.Denmark(years=year, language="da").items())
    days[date(year, 6, 5)] = "Grundlovsdag"
    days[date(year, 12, 24)] = "Juleaftensdag"
    days[date(year, 12, 31)] = "Nytårsaftensdag"
    return days


def closed_day_name(day: date) -> str | None:
    """The Danish name of the holiday or closing day, or None."""
    return _closed_days(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and closed_day_name(day) is None


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def _why_closed_en(day: date) -> str:
    if closed_day_name(day) is not None:
        return "a holiday"
    return f"a {_WEEKDAYS_EN[day.weekday()]}"


def _why_closed_da(day: date) -> str:
    name = closed_day_name(day)
    return name.lower() if name else _WEEKDAYS_DA[day.weekday()]


@dataclass(frozen=True)
class Receipt:
    received_on: date
    basis: str
    basis_da: str


def receipt(sent_on: date, channel: str, received_on: date | None = None) -> Receipt:
    """When the applicant counts as having received a refusal sent on ``sent_on`` by ``channel``."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if received_on is not None:
        if received_on < sent_on:
            raise ValueError("received_on is before sent_on")
        return Receipt(
            received_on,
            f"actual receipt on {received_on.isoformat()} recorded",
            f"faktisk modtaget {received_on.isoformat()}",
        )
    if channel == "digital_post":
        return Receipt(
            sent_on,
            "Digital Post counts as received the day it is sent",
            "Digital Post anses for modtaget samme dag, som den er sendt",
        )
    if channel == "quickpost":
        return Receipt(
            sent_on + timedelta(days=QUICKPOST_DAYS),
            f"Quickpost counts as received {QUICKPOST_DAYS} days after it is sent",
            f"Quickpost anses for modtaget {QUICKPOST_DAYS} dage efter afsendelsen",
        )
    return Receipt(
        add_working_days(sent_on, LETTER_WORKING_DAYS),
        f"an ordinary letter counts as received {LETTER_WORKING_DAYS} working days after it is sent",
        f"almindelige breve anses for modtaget {LETTER_WORKING_DAYS} hverdage efter afsendelsen",
    )


@dataclass(frozen=True)
class OpinionDeadline:
    """The last day to ask Ankestyrelsen for an opinion (kompensationslov §17 a stk. 3)."""

    sent_on: date
    channel: str
    received_on: date
    due: date
    basis: str
    basis_da: str
    receipt_basis: str
    receipt_basis_da: str


def opinion_request_deadline(
    sent_on: date, channel: str, received_on: date | None = None
) -> OpinionDeadline:
    got = receipt(sent_on, channel, received_on)
    last_day = got.received_on + OPINION_WINDOW
    due = next_working_day(last_day)
    basis = f"received {got.received_on.isoformat()} + 4 weeks"
    basis_da = f"modtaget {got.received_on.isoformat()} + 4 uger"
    if due != last_day:
        basis += f"; {last_day.isoformat()} is {_why_closed_en(last_day)}"
        basis_da += (
            f"; {last_day.isoformat()} er {_why_closed_da(last_day)}, "
            f"så fristen flyttes til {due.isoformat()}"
        )
    return OpinionDeadline(
        sent_on=sent_on,
        channel=channel,
        received_on=got.received_on,
        due=due,
        basis=basis,
        basis_da=basis_da,
        receipt_basis=got.basis,
        receipt_basis_da=got.basis_da,
    )


def has_passed(due: date, today: date) -> bool:
    """A deadline runs to the end of its day (Copenhagen), so it has passed from the next day on."""
    return today > due
