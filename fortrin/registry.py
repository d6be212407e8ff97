"""Shared module: the registry of compensation schemes (domain.md section 9) and their versioned
rates, loaded by ``flask --app fortrin db upgrade``. The calculators are in ``fortrin/calculators.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from fortrin import clock
from fortrin.errors import Conflict, NotFound, ValidationFailed
from fortrin.models import Scheme, SchemeRate, User
from fortrin.validation import validate


@dataclass(frozen=True)
class SchemeDefinition:
    code: str
    name: str
    name_en: str
    legal_basis: str
    target_group: str
    conditions: str
    state_refund_share: Decimal | None


_HALF = Decimal("0.5")  # kompensationslov §17 b (004 §5.10): 50 % refund for ch. 3, 4, 5 a and 6

SCHEMES: tuple[SchemeDefinition, ...] = (
    SchemeDefinition(
        "personal_assistance",
        "Personlig assistance",
        "Personal assistance at work",
        "Lov om kompensation til handicappede i erhverv § 4; vejledning (004) afsnit 4",
        "Ledige, lønmodtagere og selvstændige med en varig og betydelig fysisk eller psykisk "
        "funktionsnedsættelse.",
        "Normalt op til 20 timer om ugen, i særlige tilfælde op til 37 timer. Tilskud svarer til "
        "studentertimelønnen (trin 3, stedtillæg IV). Udbetaling søges efter hvert kvartal og "
        "udbetales inden 14 dage (bek. § 27).",
        _HALF,
    ),
    SchemeDefinition(
        "personal_assistance_education",
        "Personlig assistance under efter- og videreuddannelse",
        "Personal assistance during further education",
        "Lov om kompensation til handicappede i erhverv kap. 4; vejledning (004) afsnit 4.5",
        "Personer med handicap i beskæftigelse, der deltager i efter- eller videreuddannelse.",
        "Tilskud til undervisningstimer og forberedelse; kan kombineres med personlig assistance.",
        _HALF,
    ),
    SchemeDefinition(
        "interpretation",
        "Tegnsprogs- og skrivetolkning som personlig assistance",
        "Sign-language and text interpretation as personal assistance",
        "Bekendtgørelse om kompensation til handicappede i erhverv §§ 24-24 b; vejledning (004) "
        "afsnit 4.6.2",
        "Døve, hørehæmmede og døvblinde i beskæftigelse.",
        "Timepris i alle zoner; zonetillæg på første time; tillæg for weekend og helligdage, "
        "kl. 17-07 og særligt krævende tolkning; fjerntolkning pr. påbegyndt kvarter uden zonetillæg.",
        _HALF,
    ),
    SchemeDefinition(
        "preferential_access",
        "Fortrinsadgang",
        "Preferential access",
        "Lov om kompensation til handicappede i erhverv § 3; bekendtgørelsens §§ 2-9; vejledning "
        "(004) afsnit 3",
        "Personer, der på grund af handicap har eller kan have vanskeligt ved at få job, eller som "
        "har svært ved at skifte job.",
        "Ret til ansættelsessamtale hos offentlige arbejdsgivere og myndigheder; skriftlig "
        "redegørelse og forhandling med jobcenteret, før stillingen besættes.",
        None,
    ),
    SchemeDefinition(
        "assistive_devices",
        "Arbejdsredskaber og mindre arbejdspladsindretning",
        "Work tools and minor workplace adaptation",
        "Lov om kompensation til handicappede i erhverv kap. 6; vejledning (004) afsnit 7",
        "Personer med varig nedsat arbejdsevne i eller på vej i beskæftigelse.",
        "Redskaber, der ikke normalt findes på arbejdspladsen og er afgørende for jobbet. "
        "Jobcenteret træffer afgørelse inden 4 uger efter modtagelsen af ansøgningen.",
        _HALF,
    ),
    SchemeDefinition(
        "icebreaker",
        "Isbryderordning",
        "Wage subsidy for new graduates with a disability (icebreaker scheme)",
        "Lov om kompensation til handicappede i erhverv § 15; vejledning (004) afsnit 5",
        "Nyuddannede med handicap med en uddannelse på mindst 18 måneder, der giver ret til "
        "a-kasse, som ikke har fået job inden 2 år efter endt uddannelse.",
        "Op til 1 år; tilskud pr. time på et af de faste niveauer (reguleres 1. januar), aldrig "
        "over timelønnen.",
        _HALF,
    ),
    SchemeDefinition(
        "upskilling",
        "Opkvalificering ved ansættelse uden løntilskud",
        "Upskilling at employment without wage subsidy",
        "Lov om kompensation til handicappede i erhverv §§ 15 d-e; vejledning (004) afsnit 6",
        "Samme personkreds som isbryderordningen.",
        "Opkvalificering ud over den, arbejdsgiveren normalt giver; udbetales på dokumenterede "
        "udgifter.",
        _HALF,
    ),
    SchemeDefinition(
        "mentor",
        "Mentorstøtte",
        "Mentor support",
        "Lov om en aktiv beskæftigelsesindsats (mentorordningen); kataloget (002)",
        "Personer, der har brug for særlig støtte for at deltage i eller fastholde job eller "
        "uddannelse.",
        "En periode med særlig støtte ved ansættelse eller i job.",
        None,
    ),
    SchemeDefinition(
        "sickness_agreement_56",
        "§ 56-aftale om sygefravær",
        "§56 agreement on sickness absence",
        "Lov om sygedagpenge § 56; kortlægningen (003)",
        "Lønmodtagere med en langvarig eller kronisk lidelse, der giver en øget risiko for "
        "sygefravær.",
        "Arbejdsgiveren får refusion af sygedagpenge fra første fraværsdag.",
        None,
    ),
)


def load_schemes(db: Session) -> int:
    """Insert the schemes that are missing; never overwrite what an administrator changed."""
    existing = set(db.exec(select(Scheme.code)).all())
    added = 0
    for definition in SCHEMES:
        if definition.code in existing:
            continue
        db.add(Scheme(**definition.__dict__))
        added += 1
    return added


def known_scheme_codes(db: Session) -> set[str]:
    return set(db.exec(select(Scheme.code)).all())


def list_schemes(db: Session) -> list[Scheme]:
    return list(db.exec(select(Scheme).order_by(Scheme.code)).all())


# --- versioned rates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RateDefinition:
    scheme_code: str
    name: str
    amount: Decimal
    unit: str
    valid_from: date
    source: str


_PA_002 = (
    "Kompensering med gevinst (002), regneeksemplerne: 114,68 kr. pr. time. Datoen er anslået: "
    "kataloget bygger på refusionssystemet før 1. januar 2016."
)
_PA_004 = (
    "Vejledning (004) afsnit 4.6.2: studentertimelønssatsen, trin 3, stedtillæg IV i "
    "overenskomsten mellem HK og staten, 117,53 kr. pr. 1. april 2017."
)
_INTERPRETATION = (
    "Bekendtgørelsens §§ 24-24 b; vejledning (004) afsnit 4.6.2 (VEJ nr. 9615 af 9/9/2020)"
)
_ICEBREAKER = "Lov om kompensation til handicappede i erhverv § 15 b, stk. 4 (2019-niveau)"

RATES: tuple[RateDefinition, ...] = (
    RateDefinition(
        "personal_assistance",
        "hourly_rate",
        Decimal("114.68"),
        "kr. pr. time",
        date(2015, 1, 1),
        _PA_002,
    ),
    RateDefinition(
        "personal_assistance",
        "hourly_rate",
        Decimal("117.53"),
        "kr. pr. time",
        date(2017, 4, 1),
        _PA_004,
    ),
    RateDefinition(
        "interpretation",
        "hourly_rate",
        Decimal("650"),
        "kr. pr. time",
        date(2020, 9, 9),
        _INTERPRETATION + ", § 24 stk. 2",
    ),
    RateDefinition(
        "interpretation",
        "zone_1_supplement",
        Decimal("275"),
        "kr. pr. tolk pr. arbejdsplads pr. dag",
        date(2020, 9, 9),
        _INTERPRETATION + ", § 24 stk. 3",
    ),
    RateDefinition(
        "interpretation",
        "zone_2_supplement",
        Decimal("650"),
        "kr. pr. tolk pr. arbejdsplads pr. dag",
        date(2020, 9, 9),
        _INTERPRETATION + ", § 24 stk. 3",
    ),
    RateDefinition(
        "interpretation",
        "zone_3_supplement",
        Decimal("1050"),
        "kr. pr. tolk pr. arbejdsplads pr. dag",
        date(2020, 9, 9),
        _INTERPRETATION + ", § 24 stk. 3",
    ),
    RateDefinition(
        "interpretation",
        "weekend_holiday_supplement",
        Decimal("161"),
        "kr. pr. time",
        date(2020, 9, 9),
        _INTERPRETATION + ", § 24 b stk. 2",
    ),
    RateDefinition(
        "interpretation",
        "evening_night_supplement",
        Decimal("86"),
        "kr. pr. time",
        date(2020, 9, 9),
        _INTERPRETATION + ", § 24 b stk. 3",
    ),
    RateDefinition(
        "interpretation",
        "demanding_supplement",
        Decimal("135"),
        "kr. pr. time",
        date(2020, 9, 9),
        _INTERPRETATION + ", § 24 b stk. 4",
    ),
    *(
        RateDefinition(
            "icebreaker",
            f"level_{level}",
            Decimal(amount),
            "kr. pr. time",
            date(2019, 1, 1),
            _ICEBREAKER,
        )
        for level, amount in enumerate(("28.56", "50.01", "79.68", "115.73", "154.02"), start=1)
    ),
)


def load_rates(db: Session) -> int:
    """Insert the source rates that are missing (by scheme, name and valid_from); close versions."""
    existing = {(r.scheme_code, r.name, r.valid_from) for r in db.exec(select(SchemeRate)).all()}
    added = 0
    for definition in RATES:
        if (definition.scheme_code, definition.name, definition.valid_from) in existing:
            continue
        db.add(
            SchemeRate(
                scheme_code=definition.scheme_code,
                name=definition.name,
                amount=definition.amount,
                unit=definition.unit,
                valid_from=definition.valid_from,
                source=definition.source,
                created_at=clock.now(),
            )
        )
        added += 1
    db.flush()
    for scheme_code, name in {(d.scheme_code, d.name) for d in RATES}:
        _close_versions(db, scheme_code, name)
    return added


def _close_versions(db: Session, scheme_code: str, name: str) -> None:
    """Each version runs to the day before the next one applies."""
    versions = rate_versions(db, scheme_code, name)
    for current, following in pairwise(versions):
        closing = following.valid_from - timedelta(days=1)
        if current.valid_to != closing:
            current.valid_to = closing
            db.add(current)
    if versions and versions[-1].valid_to is not None:
        versions[-1].valid_to = None
        db.add(versions[-1])
    db.flush()


def rate_versions(db: Session, scheme_code: str, name: str | None = None) -> list[SchemeRate]:
    query = select(SchemeRate).where(SchemeRate.scheme_code == scheme_code)
    if name is not None:
        query = query.where(SchemeRate.name == name)
    return list(db.exec(query.order_by(col(SchemeRate.name), col(SchemeRate.valid_from))).all())


def rate_in_force(db: Session, scheme_code: str, name: str, on: date) -> SchemeRate:
    for version in reversed(rate_versions(db, scheme_code, name)):
        if version.valid_from <= on and (version.valid_to is None or on <= version.valid_to):
            return version
    raise Conflict(
        f"Der findes ingen sats '{name}' for ordningen, som gælder {on.isoformat()}.",
        "no_rate_in_force",
    )


class RateIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    name: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,60}$")]
    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    unit: Annotated[str, Field(min_length=1, max_length=60)]
    valid_from: date
    source: Annotated[str, Field(min_length=1, max_length=2000)]


def get_scheme(db: Session, code: str) -> Scheme:
    scheme = db.get(Scheme, code)
    if scheme is None:
        raise NotFound("Ordningen findes ikke.")
    return scheme


def add_rate(db: Session, actor: User, code: str, body: dict[str, Any]) -> SchemeRate:
    """A new version of a rate (admin). It must start after the current latest version."""
    get_scheme(db, code)
    spec = validate(RateIn, body)
    versions = rate_versions(db, code, spec.name)
    if versions and spec.valid_from <= versions[-1].valid_from:
        raise ValidationFailed(
            {
                "valid_from": f"skal ligge efter {versions[-1].valid_from.isoformat()}, hvor den "
                "gældende version begynder"
            }
        )
    rate = SchemeRate(
        scheme_code=code,
        name=spec.name,
        amount=spec.amount,
        unit=spec.unit,
        valid_from=spec.valid_from,
        source=spec.source,
        created_at=clock.now(),
        created_by=actor.id,
    )
    db.add(rate)
    db.flush()
    _close_versions(db, code, spec.name)
    return rate
