"""The scheme registry: schemes with their versioned rates, and the calculators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from flask import Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from fortrin import calculators, clock, db, registry
from fortrin.blueprints.api import bp, caller, json_object, render
from fortrin.blueprints.api.spec import api_route
from fortrin.errors import Forbidden, ValidationFailed
from fortrin.models import SchemeRate
from fortrin.presenters import SchemeOut, scheme_out
from fortrin.validation import validate

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


def money(amount: Decimal) -> float:
    return float(calculators.to_ore(amount))


class RateOut(BaseModel):
    name: str
    amount: float
    unit: str
    valid_from: date
    valid_to: date | None
    source: str


class SchemeDetailOut(SchemeOut):
    rates: list[RateOut]


class RateUsedOut(BaseModel):
    amount: float
    valid_from: date | None
    source: str


def rate_out(rate: SchemeRate) -> RateOut:
    return RateOut(
        name=rate.name,
        amount=money(rate.amount),
        unit=rate.unit,
        valid_from=rate.valid_from,
        valid_to=rate.valid_to,
        source=rate.source,
    )


def used(rate: SchemeRate) -> RateUsedOut:
    return RateUsedOut(amount=money(rate.amount), valid_from=rate.valid_from, source=rate.source)


@api_route(
    bp,
    "/schemes/<code>",
    "GET",
    "One scheme with every version of its rates",
    "schemes",
    response=SchemeDetailOut,
    errors=(404,),
)
def scheme(code: str) -> Response:
    session = db.session()
    found = registry.get_scheme(session, code)
    rates = [rate_out(r) for r in registry.rate_versions(session, code)]
    return render(SchemeDetailOut(**scheme_out(found).model_dump(), rates=rates))


@api_route(
    bp,
    "/schemes/<code>/rates",
    "POST",
    "Add a rate version (admin); it closes the previous one the day before it applies",
    "schemes",
    body=registry.RateIn,
    response=RateOut,
    status=201,
    errors=(403, 404),
)
def add_rate(code: str) -> Response:
    with db.unit_of_work() as session:
        registry.get_scheme(session, code)
        if caller().role != "admin":
            raise Forbidden("Kun administratorer kan ændre satser.")
        return render(rate_out(registry.add_rate(session, caller(), code, json_object())), 201)


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class PersonalAssistanceIn(_In):
    hours_per_week: Annotated[Decimal, Field(gt=0, max_digits=6, decimal_places=2)]
    hourly_rate: Money | None = None
    on: date | None = None


class PersonalAssistanceOut(BaseModel):
    monthly_cost: float
    state_refund: float
    municipality_cost: float
    rate: RateUsedOut
    formula: str
    warnings: list[str]


@api_route(
    bp,
    "/calculations/personal-assistance",
    "POST",
    "Monthly cost of personal assistance: hours x rate x 4.33 weeks, 50 % state refund",
    "calculations",
    body=PersonalAssistanceIn,
    response=PersonalAssistanceOut,
)
def calculate_personal_assistance() -> Response:
    spec = validate(PersonalAssistanceIn, json_object())
    if spec.hourly_rate is not None:
        rate = RateUsedOut(amount=money(spec.hourly_rate), valid_from=None, source="angivet")
        amount = spec.hourly_rate
    else:
        version = registry.rate_in_force(
            db.session(), "personal_assistance", "hourly_rate", spec.on or clock.today()
        )
        rate, amount = used(version), version.amount
    try:
        result = calculators.personal_assistance(spec.hours_per_week, amount)
    except calculators.HoursOutOfRange as error:
        raise ValidationFailed({"hours_per_week": str(error)}) from error
    return render(
        PersonalAssistanceOut(
            monthly_cost=money(result.cost.total),
            state_refund=money(result.cost.state_refund),
            municipality_cost=money(result.cost.municipality_cost),
            rate=rate,
            formula=result.formula,
            warnings=result.warnings,
        )
    )


class DeviceItem(_In):
    description: Annotated[str, Field(min_length=1, max_length=300)]
    amount: Money


class AssistiveDevicesIn(_In):
    items: Annotated[list[DeviceItem], Field(min_length=1, max_length=200)]


class SplitOut(BaseModel):
    total: float
    state_refund: float
    municipality_cost: float


@api_route(
    bp,
    "/calculations/assistive-devices",
    "POST",
    "Total of work tools and minor adaptations, with the 50 % state refund",
    "calculations",
    body=AssistiveDevicesIn,
    response=SplitOut,
)
def calculate_assistive_devices() -> Response:
    spec = validate(AssistiveDevicesIn, json_object())
    result = calculators.assistive_devices([item.amount for item in spec.items])
    return render(
        SplitOut(
            total=money(result.total),
            state_refund=money(result.state_refund),
            municipality_cost=money(result.municipality_cost),
        )
    )


class SessionIn(_In):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    zone: Literal[1, 2, 3] | None
    demanding: bool = False
    interpreter: Annotated[str, Field(min_length=1, max_length=100)] = "1"
    workplace: Annotated[str, Field(min_length=1, max_length=100)] = "1"


class InterpretationIn(_In):
    sessions: Annotated[list[SessionIn], Field(min_length=1, max_length=200)]
    on: date | None = None


class LineOut(BaseModel):
    session: int
    description: str
    amount: float


class InterpretationOut(BaseModel):
    total: float
    lines: list[LineOut]
    rates_valid_from: date


@api_route(
    bp,
    "/calculations/interpretation",
    "POST",
    "Sign-language and text interpretation by bek. §§ 24-24 b (zone: null = remote)",
    "calculations",
    body=InterpretationIn,
    response=InterpretationOut,
)
def calculate_interpretation() -> Response:
    spec = validate(InterpretationIn, json_object())
    problems = {
        f"sessions.{i}.ends_at": "skal ligge efter starts_at, og tolkningen højst vare 24 timer"
        for i, s in enumerate(spec.sessions)
        if not (s.starts_at < s.ends_at and (s.ends_at - s.starts_at).total_seconds() <= 86400)
    }
    if problems:
        raise ValidationFailed(problems)
    session = db.session()
    on = spec.on or clock.local(min(s.starts_at for s in spec.sessions)).date()

    def rate(name: str) -> SchemeRate:
        return registry.rate_in_force(session, "interpretation", name, on)

    hourly = rate("hourly_rate")
    rates = calculators.InterpretationRates(
        hourly=hourly.amount,
        zone_supplements={z: rate(f"zone_{z}_supplement").amount for z in (1, 2, 3)},
        weekend_holiday=rate("weekend_holiday_supplement").amount,
        evening_night=rate("evening_night_supplement").amount,
        demanding=rate("demanding_supplement").amount,
    )
    total, lines = calculators.interpretation(
        [
            calculators.Session(
                s.starts_at, s.ends_at, s.zone, s.demanding, s.interpreter, s.workplace
            )
            for s in spec.sessions
        ],
        rates,
    )
    return render(
        InterpretationOut(
            total=money(total),
            lines=[
                LineOut(
                    session=line.session, description=line.description, amount=money(line.amount)
                )
                for line in lines
            ],
            rates_valid_from=hourly.valid_from,
        )
    )


class IcebreakerIn(_In):
    level: Literal[1, 2, 3, 4, 5]
    hourly_wage: Money
    hours_per_week: Annotated[Decimal, Field(gt=0, le=37, max_digits=6, decimal_places=2)]
    on: date | None = None


class IcebreakerOut(BaseModel):
    hourly_subsidy: float
    capped_by_wage: bool
    monthly_subsidy: float
    rate: RateUsedOut


@api_route(
    bp,
    "/calculations/icebreaker",
    "POST",
    "Wage subsidy for a new graduate (§ 15 b stk. 4): the level, never above the hourly wage",
    "calculations",
    body=IcebreakerIn,
    response=IcebreakerOut,
    errors=(409,),  # no_rate_in_force: no rate in force on the day asked for
)
def calculate_icebreaker() -> Response:
    spec = validate(IcebreakerIn, json_object())
    version = registry.rate_in_force(
        db.session(), "icebreaker", f"level_{spec.level}", spec.on or clock.today()
    )
    result = calculators.icebreaker(version.amount, spec.hourly_wage, spec.hours_per_week)
    return render(
        IcebreakerOut(
            hourly_subsidy=money(result.hourly_subsidy),
            capped_by_wage=result.capped_by_wage,
            monthly_subsidy=money(result.monthly_subsidy),
            rate=used(version),
        )
    )


class BusinessCaseIn(_In):
    one_off_cost: Money = Decimal(0)
    monthly_cost: Money = Decimal(0)
    avoided_monthly_benefit: Money


class BusinessCaseOut(BaseModel):
    municipality_one_off: float
    municipality_monthly: float
    monthly_saving: float
    break_even_months: int | None
    net_after_12_months: float


@api_route(
    bp,
    "/calculations/business-case",
    "POST",
    "Months until a grant pays for itself against the benefit it avoids (after the state refund)",
    "calculations",
    body=BusinessCaseIn,
    response=BusinessCaseOut,
)
def calculate_business_case() -> Response:
    spec = validate(BusinessCaseIn, json_object())
    result = calculators.business_case(
        spec.one_off_cost, spec.monthly_cost, spec.avoided_monthly_benefit
    )
    return render(
        BusinessCaseOut(
            municipality_one_off=money(result.municipality_one_off),
            municipality_monthly=money(result.municipality_monthly),
            monthly_saving=money(result.monthly_saving),
            break_even_months=result.break_even_months,
            net_after_12_months=money(result.net_after_12_months),
        )
    )
