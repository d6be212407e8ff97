"""Shared module: the registry of compensation schemes (domain.md section 9).

The nine schemes are reference data, loaded by ``flask --app fortrin db upgrade``. Versioned rates and
the calculators come with the registry issue; the definitions here are what the case workflow needs
(the negotiation minutes name the schemes presented to the employer).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from fortrin.models import Scheme


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

SCHEME_CODES = frozenset(definition.code for definition in SCHEMES)


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
