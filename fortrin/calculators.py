"""Calculators of the scheme registry: exact decimal arithmetic, rounded to øre only at the end.

- Personal assistance (kompensationslov §4; 004 §4.6.2): hours per week x hourly rate x 4.33 weeks.
  Up to 20 h/week normally; more needs special grounds (a warning); never more than 37 h (002).
- Assistive devices (kompensationslov ch. 6): the sum of the items.
- Interpretation (bek. §§ 24-24 b): hourly price; a zone supplement on the first hour, once per
  interpreter per workplace per day (§ 24 a); per-hour supplements for weekends and public holidays,
  17:00-07:00, and especially demanding work; remote: hourly price without zone supplement, billed per
  started quarter hour (§ 24 stk. 5).
- The icebreaker subsidy (kompensationslov § 15 b stk. 4): the chosen level, never above the wage.
- A business case: months until a grant pays for itself against the benefit it avoids (002).

The state refunds 50 % of the municipality's expenses under chapters 3, 4, 5 a and 6
(kompensationslov § 17 b; 004 § 5.10).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import holidays

from fortrin import clock

WEEKS_PER_MONTH = Decimal("4.33")
STATE_REFUND = Decimal("0.5")
NORMAL_MAX_HOURS = Decimal(20)
ABSOLUTE_MAX_HOURS = Decimal(37)
QUARTER = timedelta(minutes=15)
ORE = Decimal("0.01")


def to_ore(amount: Decimal) -> Decimal:
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def to_krone(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def kroner(amount: Decimal) -> str:
    """Danish notation: 8.938,16."""
    whole, _, fraction = f"{to_ore(amount):,.2f}".partition(".")
    return f"{whole.replace(',', '.')},{fraction}"


def hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f}".replace(".", ",")


@dataclass(frozen=True)
class Split:
    """An expense and who pays it: the state refunds half of the municipality's expense."""

    total: Decimal
    state_refund: Decimal
    municipality_cost: Decimal


def split(exact_total: Decimal, refund_share: Decimal = STATE_REFUND) -> Split:
    refund = to_ore(exact_total * refund_share)
    total = to_ore(exact_total)
    return Split(total, refund, total - refund)


class HoursOutOfRange(ValueError):
    pass


@dataclass(frozen=True)
class PersonalAssistance:
    hours_per_week: Decimal
    hourly_rate: Decimal
    exact_monthly_cost: Decimal
    cost: Split
    formula: str
    warnings: list[str] = field(default_factory=list)


def personal_assistance(hours_per_week: Decimal, hourly_rate: Decimal) -> PersonalAssistance:
    if hours_per_week <= 0 or hours_per_week > ABSOLUTE_MAX_HOURS:
        raise HoursOutOfRange(f"skal være mere end 0 og højst {ABSOLUTE_MAX_HOURS} timer om ugen")
    exact = hours_per_week * hourly_rate * WEEKS_PER_MONTH
    warnings = []
    if hours_per_week > NORMAL_MAX_HOURS:
        warnings.append(
            "Mere end 20 timer om ugen kræver særlige grunde (normalt højst 20, i særlige "
            "tilfælde op til 37 timer)."
        )
    formula = (
        f"{hours_text(hours_per_week)} t x {kroner(hourly_rate)} kr. x 4,33 uger = "
        f"{kroner(exact)} kr. pr. måned"
    )
    return PersonalAssistance(hours_per_week, hourly_rate, exact, split(exact), formula, warnings)


def assistive_devices(amounts: list[Decimal]) -> Split:
    return split(sum(amounts, Decimal(0)))


# --- interpretation (bek. §§ 24-24 b) --------------------------------------------------------------


@dataclass(frozen=True)
class InterpretationRates:
    hourly: Decimal
    zone_supplements: dict[int, Decimal]
    weekend_holiday: Decimal
    evening_night: Decimal
    demanding: Decimal


@dataclass(frozen=True)
class Session:
    starts_at: datetime
    ends_at: datetime
    zone: int | None  # None: remote interpretation
    demanding: bool = False
    interpreter: str = "1"
    workplace: str = "1"


@dataclass(frozen=True)
class Line:
    session: int
    description: str
    amount: Decimal


def _is_weekend_or_holiday(day: date) -> bool:
    return day.weekday() >= 5 or day in holidays.Denmark(years=day.year)


def _is_evening_or_night(moment: datetime) -> bool:
    return moment.hour >= 17 or moment.hour < 7


def interpretation(
    sessions: list[Session], rates: InterpretationRates
) -> tuple[Decimal, list[Line]]:
    """Billing assumptions where the order is silent: an on-site interpretation is billed in started
    quarter hours with a minimum of one hour (the hour that carries the zone supplement); supplements
    are per hour, pro rata per quarter hour, by the time each quarter begins, and they add up."""
    lines: list[Line] = []
    zone_paid: set[tuple[date, str, str]] = set()
    order = sorted(range(len(sessions)), key=lambda i: sessions[i].starts_at)
    for index in order:
        session = sessions[index]
        number = index + 1
        start = clock.local(session.starts_at)
        quarters = math.ceil((session.ends_at - session.starts_at) / QUARTER)
        if session.zone is not None:
            quarters = max(quarters, 4)
        hours = Decimal(quarters) / 4
        kind = "fjerntolkning" if session.zone is None else f"zone {session.zone}"
        lines.append(
            Line(
                number,
                f"{hours_text(hours)} t tolkning ({kind}) à {kroner(rates.hourly)} kr.",
                hours * rates.hourly,
            )
        )
        key = (start.date(), session.interpreter, session.workplace)
        if session.zone is not None and key not in zone_paid:
            zone_paid.add(key)
            lines.append(
                Line(
                    number,
                    f"Zonetillæg, zone {session.zone} (første time)",
                    rates.zone_supplements[session.zone],
                )
            )
        moments = [start + QUARTER * q for q in range(quarters)]
        weekend = Decimal(sum(1 for m in moments if _is_weekend_or_holiday(m.date()))) / 4
        evening = Decimal(sum(1 for m in moments if _is_evening_or_night(m))) / 4
        for hours_in, rate, label in (
            (weekend, rates.weekend_holiday, "Tillæg weekend/helligdag"),
            (evening, rates.evening_night, "Tillæg kl. 17-07"),
            (
                hours if session.demanding else Decimal(0),
                rates.demanding,
                "Tillæg særligt krævende",
            ),
        ):
            if hours_in:
                lines.append(
                    Line(
                        number,
                        f"{label}: {hours_text(hours_in)} t à {kroner(rate)} kr.",
                        hours_in * rate,
                    )
                )
    rounded = [Line(line.session, line.description, to_ore(line.amount)) for line in lines]
    return sum((line.amount for line in rounded), Decimal(0)), rounded


# --- icebreaker and business case ----------------------------------------------------------------


@dataclass(frozen=True)
class Icebreaker:
    hourly_subsidy: Decimal
    capped_by_wage: bool
    monthly_subsidy: Decimal


def icebreaker(level_rate: Decimal, hourly_wage: Decimal, hours_per_week: Decimal) -> Icebreaker:
    """§ 15 b stk. 4: the chosen level, never above the hourly wage."""
    hourly = min(level_rate, hourly_wage)
    return Icebreaker(
        to_ore(hourly), hourly < level_rate, to_ore(hourly * hours_per_week * WEEKS_PER_MONTH)
    )


@dataclass(frozen=True)
class BusinessCase:
    municipality_one_off: Decimal
    municipality_monthly: Decimal
    monthly_saving: Decimal
    break_even_months: int | None
    net_after_12_months: Decimal


def business_case(
    one_off_cost: Decimal,
    monthly_cost: Decimal,
    avoided_monthly_benefit: Decimal,
    refund_share: Decimal = STATE_REFUND,
) -> BusinessCase:
    """The municipality's share of the grant (after the state refund) against the benefit it avoids
    (002 compares with sickness benefit, 11.200 kr. a month incl. refund, the first year)."""
    one_off = split(one_off_cost, refund_share).municipality_cost
    monthly = split(monthly_cost, refund_share).municipality_cost
    saving = to_ore(avoided_monthly_benefit - monthly)
    months: int | None = None
    if saving > 0:
        months = max(math.ceil(one_off / saving), 0) if one_off > 0 else 0
    return BusinessCase(one_off, monthly, saving, months, to_ore(saving * 12 - one_off))
