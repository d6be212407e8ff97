"""Calculators (fortrin/calculators.py): bek. §§ 24-24 b, kompensationslov §§ 15 b, 17 b."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from fortrin.calculators import (
    HoursOutOfRange,
    InterpretationRates,
    Session,
    business_case,
    icebreaker,
    interpretation,
    kroner,
    personal_assistance,
)
from fortrin.clock import COPENHAGEN

RATES = InterpretationRates(
    hourly=Decimal(650),
    zone_supplements={1: Decimal(275), 2: Decimal(650), 3: Decimal(1050)},
    weekend_holiday=Decimal(161),
    evening_night=Decimal(86),
    demanding=Decimal(135),
)


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=COPENHAGEN)


def test_personal_assistance_is_hours_times_rate_times_4_33_rounded_at_the_end() -> None:
    result = personal_assistance(Decimal("6.5"), Decimal("114.68"))
    assert result.exact_monthly_cost == Decimal("3227.668600")
    assert result.cost.total == Decimal("3227.67")
    assert result.cost.state_refund + result.cost.municipality_cost == result.cost.total
    assert result.formula == "6,5 t x 114,68 kr. x 4,33 uger = 3.227,67 kr. pr. måned"


def test_more_than_20_hours_is_flagged_and_more_than_37_refused() -> None:
    assert personal_assistance(Decimal(20), Decimal(100)).warnings == []
    assert personal_assistance(Decimal("20.5"), Decimal(100)).warnings
    assert personal_assistance(Decimal(37), Decimal(100)).warnings
    for hours in (Decimal("37.01"), Decimal(0), Decimal(-1)):
        with pytest.raises(HoursOutOfRange):
            personal_assistance(hours, Decimal(100))


def test_bek_24_the_zone_supplement_is_on_the_first_hour_only() -> None:
    total, lines = interpretation([Session(t(1, 9), t(1, 11, 30), zone=2)], RATES)
    assert total == Decimal("2275.00")  # 2.5 h x 650 + 650
    assert [line.amount for line in lines] == [Decimal("1625.00"), Decimal("650.00")]


def test_bek_24a_one_zone_supplement_per_interpreter_per_workplace_per_day() -> None:
    sessions = [
        Session(t(1, 13), t(1, 14), zone=1),
        Session(t(1, 9), t(1, 10), zone=1),
        Session(t(1, 15), t(1, 16), zone=1, interpreter="2"),
        Session(t(2, 9), t(2, 10), zone=1),
    ]
    total, lines = interpretation(sessions, RATES)
    zone_lines = [line.session for line in lines if line.description.startswith("Zonetillæg")]
    assert zone_lines == [2, 3, 4]  # the earliest of the day, another interpreter, the next day
    assert total == 4 * 650 + 3 * 275


def test_bek_24_stk_5_remote_interpretation_per_started_quarter_without_zone() -> None:
    total, lines = interpretation([Session(t(1, 9), t(1, 9, 20), zone=None)], RATES)
    assert total == Decimal("325.00")  # 2 started quarters = 0.5 h
    assert len(lines) == 1


def test_on_site_interpretation_is_billed_at_least_one_hour() -> None:
    total, _ = interpretation([Session(t(1, 9), t(1, 9, 20), zone=3)], RATES)
    assert total == Decimal(650 + 1050)


def test_bek_24b_supplements_for_weekend_evening_and_demanding_work_add_up() -> None:
    # Saturday 5 December 16:30-18:00, demanding, remote: 1.5 h
    total, lines = interpretation(
        [Session(t(5, 16, 30), t(5, 18), zone=None, demanding=True)], RATES
    )
    by_label = {line.description.split(":")[0]: line.amount for line in lines}
    assert by_label["Tillæg weekend/helligdag"] == Decimal("241.50")  # 1.5 h x 161
    assert by_label["Tillæg kl. 17-07"] == Decimal("86.00")  # 17:00-18:00
    assert by_label["Tillæg særligt krævende"] == Decimal("202.50")
    assert total == Decimal("975.00") + Decimal("241.50") + Decimal("86.00") + Decimal("202.50")


def test_a_public_holiday_counts_as_weekend() -> None:
    _, lines = interpretation([Session(t(25, 10), t(25, 11), zone=None)], RATES)
    assert any(line.description.startswith("Tillæg weekend/helligdag") for line in lines)


def test_15b_the_icebreaker_subsidy_is_never_above_the_hourly_wage() -> None:
    assert icebreaker(Decimal("154.02"), Decimal(200), Decimal(37)).hourly_subsidy == Decimal(
        "154.02"
    )
    capped = icebreaker(Decimal("154.02"), Decimal("140.00"), Decimal(37))
    assert capped.hourly_subsidy == Decimal("140.00") and capped.capped_by_wage
    assert capped.monthly_subsidy == Decimal("22429.40")  # 140 x 37 x 4.33


def test_a_grant_pays_for_itself_against_the_sickness_benefit_it_avoids() -> None:
    """002, case 2: 8.507 kr. of devices (4.253,50 after refund) against 11.200 kr. a month."""
    result = business_case(Decimal(8507), Decimal(0), Decimal(11200))
    assert result.municipality_one_off == Decimal("4253.50")
    assert result.break_even_months == 1
    assert result.net_after_12_months == Decimal("130146.50")
    never = business_case(Decimal(0), Decimal(30000), Decimal(11200))
    assert never.break_even_months is None and never.monthly_saving < 0


def test_amounts_are_written_the_danish_way() -> None:
    assert kroner(Decimal("1234567.891")) == "1.234.567,89"
