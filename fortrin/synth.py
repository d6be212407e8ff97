"""A synthetic national dataset (issue 12): ``flask --app fortrin synth --cases N [--seed S]``.

For load tests and benchmarks: every jobcentre, every state a case can reach today, timelines,
notifications, compensation cards and breaches, in an empty database (migrated, reference data
loaded, no cases). Refused in production and on a database that already holds a case.

Realistic by construction, fast by not using the ORM:

- **Sizes** follow the measured national figures of issue 12: applicants 0.8 x cases, vacancies
  0.08 x cases, about 4.6 timeline entries a case; organisations are the 98 municipalities, the 5
  regions and a few state institutions, with employers in proportion; caseworkers per jobcentre in
  proportion to its cases. Applicants live where people live (``POPULATION``, rough figures in
  thousands) and mostly apply near home.
- **Cases** are walked through the transition table of ``workflows/preferential_access.py`` from the
  moment of the application to now: each step is an event of the contract with the fields its
  guard needs (an interview held after its start, a refusal sent on or after the "no", a request
  within the window, ``negotiation_not_held`` only after the wait, ...), ``seq`` 1..n and increasing
  times; the walk stops at now or at a final state, so the case's state is exactly where its
  timeline leads. Routing is ``workflows/routing.route_application`` on the routing table in the
  database (bek. § 7). ``tests/integration/test_synth.py`` replays every timeline through
  ``pa.decide`` to hold the two together.
- **People** are invented (first names and made-up surnames, ``@synth.example`` addresses). One
  applicant in a hundred has a CPR-shaped number with day 00 (never a valid date), encrypted as
  usual; the rest have none. Every synthetic user has the one password ``PASSWORD``, hashed once.
- **Bulk**: rows are generated in Python with ``random.Random(seed)``, in chunks (memory stays
  bounded), and written with PostgreSQL's ``COPY`` (psycopg 3), or ``executemany`` on SQLite, all in
  one transaction: an interrupted run leaves the database as it was. On PostgreSQL the rows are
  made in a forked process while this one writes them, so Python and the database work at once; the
  secondary indexes, foreign keys and unique constraints of the loaded tables are dropped for the
  load and rebuilt after it, exactly as they were (``_defer_postgres_checks``), then ANALYZE.
  500,000 cases take about 35 s on a 2-core machine (README, Production; ``docs/bench.md``).

What is left out: audit rows (a synthetic history was never read by anyone), applicants who move
(``transferred``), vacancies withdrawn, and letters kept as sent (``case_document``).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import itertools
import json
import marshal
import math
import multiprocessing
import random
import time
import traceback
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from typing import Any

from flask import current_app
from sqlalchemy import Connection, Engine, inspect, text

from fortrin import clock, crypto, deadlines, security, tally
from fortrin.workflows import preferential_access as pa
from fortrin.workflows import reminders
from fortrin.workflows.routing import NoNeighbourJobcentre, route_application

PASSWORD = "fortrin-synth-2026"
DOMAIN = "synth.example"

APPLICANTS_PER_CASE = 0.8
VACANCIES_PER_CASE = 0.08
HISTORY_DAYS = 730  # the service's past: vacancies posted over two years, more of them lately
CASES_PER_CASEWORKER = 250
CHUNK_VACANCIES = 800  # vacancies (about 10,000 cases) generated and written at a time
CHUNK_USERS = 20_000
CPR_SHARE = 0.01
CARD_SHARE = 0.03
PROFILE_SHARE = 0.25


class S:
    """The states as plain strings: rows carry ``str``, not the enum (cheaper to write and to send)."""

    AWAITING_ASSESSMENT = pa.State.AWAITING_ASSESSMENT.value
    AWAITING_ELIGIBILITY_CHECK = pa.State.AWAITING_ELIGIBILITY_CHECK.value
    INTERVIEW_REQUIRED = pa.State.INTERVIEW_REQUIRED.value
    INTERVIEW_SCHEDULED = pa.State.INTERVIEW_SCHEDULED.value
    INTERVIEWED = pa.State.INTERVIEWED.value
    STATEMENT_REQUIRED = pa.State.STATEMENT_REQUIRED.value
    NEGOTIATION_REQUIRED = pa.State.NEGOTIATION_REQUIRED.value
    REFUSAL_PENDING = pa.State.REFUSAL_PENDING.value
    OPINION_WINDOW = pa.State.OPINION_WINDOW.value
    OPINION_REQUESTED = pa.State.OPINION_REQUESTED.value
    HIRED = pa.State.HIRED.value
    NOT_SUITABLE = pa.State.NOT_SUITABLE.value
    WITHDRAWN = pa.State.WITHDRAWN.value
    CLOSED = pa.State.CLOSED.value


# Roughly each municipality's population in thousands (2024), so that the big cities get the most
# cases; every municipality not named has ``DEFAULT_POPULATION``.
DEFAULT_POPULATION = 40
POPULATION: dict[str, int] = {
    "101": 660, "751": 370, "851": 222, "461": 210, "630": 122, "561": 118, "147": 105,
    "740": 100, "730": 99, "791": 98, "615": 96, "621": 95, "657": 90, "265": 90, "370": 84,
    "157": 76, "159": 71, "173": 57, "167": 56, "250": 52, "760": 62, "510": 74, "607": 52,
    "661": 58, "746": 64, "779": 47, "813": 59, "846": 47, "860": 42, "540": 78, "550": 58,
    "580": 60, "573": 36, "575": 43, "479": 59, "430": 43, "420": 30, "330": 51, "350": 28,
    "360": 41, "376": 44, "316": 50, "326": 59, "253": 50, "259": 61, "269": 17, "270": 58,
    "240": 44, "230": 41, "210": 43, "190": 35, "187": 45, "185": 44, "183": 20, "175": 44,
    "165": 33, "163": 29, "161": 36, "153": 39, "151": 50, "155": 15, "223": 46, "219": 51,
    "217": 57, "400": 39, "169": 56, "482": 12, "492": 6, "563": 4, "665": 19, "706": 45,
    "707": 37, "710": 37, "727": 36, "741": 4, "756": 53, "766": 48, "773": 47, "787": 43,
    "810": 27, "820": 46, "825": 2, "840": 34, "849": 37, "306": 23, "320": 57, "336": 29,
    "340": 40, "390": 47, "410": 28, "440": 30, "450": 32, "480": 23, "530": 27, "671": 22,
    "201": 26, "260": 32, "329": 36,
}  # fmt: skip

FIRST_NAMES = (
    "Anna", "Birgitte", "Camilla", "Dorthe", "Emma", "Freja", "Gitte", "Hanne", "Ida", "Julie",
    "Karen", "Laura", "Maja", "Nanna", "Olivia", "Pia", "Rikke", "Sofie", "Tina", "Vibeke",
    "Anders", "Bo", "Christian", "Daniel", "Emil", "Frederik", "Gustav", "Henrik", "Jakob",
    "Jonas", "Kasper", "Lars", "Mads", "Niels", "Oliver", "Peter", "Rasmus", "Søren", "Thomas",
    "Viktor", "Ahmed", "Fatima", "Yusuf", "Leyla", "Mikkel", "Signe", "Asger", "Mette",
)  # fmt: skip
SURNAME_STARTS = (
    "Birke", "Lunde", "Skov", "Vester", "Kilde", "Enge", "Mølle", "Høj", "Strand", "Fjord",
    "Lyng", "Ege", "Bøge", "Sønder", "Nørre", "Aske", "Rise", "Kjær", "Dam", "Tofte",
)  # fmt: skip
SURNAME_ENDS = (
    "gaard", "holm", "bæk", "vig", "dal", "lund", "strup", "toft", "rup", "sted", "høj", "berg",
)  # fmt: skip

JOBS: tuple[tuple[str, str | None], ...] = (
    ("Administrativ medarbejder", "Kontoruddannelse (EUD)"),
    ("Socialrådgiver", "Socialrådgiver (professionsbachelor)"),
    ("Sygeplejerske", "Sygeplejerske (professionsbachelor)"),
    ("Pædagog", "Pædagog (professionsbachelor)"),
    ("Lærer", "Læreruddannelsen"),
    ("IT-supporter", None),
    ("Rengøringsassistent", None),
    ("Portør", None),
    ("Social- og sundhedsassistent", "Social- og sundhedsassistentuddannelsen"),
    ("Bogholder", None),
    ("Jurist", "Cand.jur."),
    ("Kommunikationsmedarbejder", None),
    ("Lægesekretær", "Lægesekretæruddannelsen"),
    ("Ergoterapeut", "Ergoterapeut (professionsbachelor)"),
    ("Fysioterapeut", "Fysioterapeut (professionsbachelor)"),
    ("Chauffør", "Kørekort kategori C"),
    ("Teknisk serviceleder", None),
    ("Kantinemedarbejder", None),
    ("Biblioteksassistent", None),
    ("Dataanalytiker", None),
)
DEPARTMENTS = (
    "Borgerservice", "Teknik og Miljø", "Sundhed og Omsorg", "Børn og Unge", "Økonomi",
    "Kultur og Fritid", "Beskæftigelse", "Digitalisering", "Ejendomme", "Hospitalet",
)  # fmt: skip
LICENCES = (
    ("stall", "Stadeplads, torvet"),
    ("kiosk", "Kioskbevilling, stationen"),
    ("taxi", "Taxitilladelse"),
    ("other_licence", "Standplads ved havnen"),
)
STATE_INSTITUTIONS = 10

REASONS = (
    "Ansøgeren opfylder kravene i stillingsopslaget og har relevant erfaring fra tidligere job.",
    "Ansøgeren har den krævede uddannelse og kan bestride stillingen med de rette hjælpemidler.",
    "Ansøgeren kan varetage opgaverne med en tilpasset arbejdsplads og nedsat tempo i starten.",
)
NO_REASONS = (
    "Stillingen kræver den nævnte uddannelse, som ansøgeren ikke har gennemført.",
    "Den valgte ansøger har mere erfaring med de konkrete opgaver, som stillingen kræver.",
    "En anden ansøger har flere års erfaring med fagsystemet, som bruges fra første dag.",
)
UNSUITABLE = (
    "Jobcenteret vurderer, at ansøgeren ikke kan bestride stillingen med de ordninger, der findes.",
    "Ansøgeren har ikke vanskeligt ved at opnå ansættelse på almindelige vilkår.",
)
STATEMENTS = (
    "Vi har valgt en ansøger med tre års erfaring i journalisering, som stillingen kræver.",
    "Den ansatte har erfaring med borgerkontakt i netop dette område, det har ansøgeren ikke.",
)
MINUTES = (
    "Forhandlet med lederen. Kompetencer gennemgået; hjælpemidler og personlig assistance "
    "præsenteret. Arbejdsgiveren fastholder afslaget.",
    "Forhandling holdt på rådhuset. Ordningerne er gennemgået; handicappet var ikke afgørende.",
)
ATTEMPTS = "Vi skrev til jobcenteret to gange og ringede én gang uden at få en tid til forhandling."
SUMMARIES_KEPT = "Ankestyrelsen finder, at arbejdsgiveren har overholdt pligterne."
SUMMARIES_BREACH = (
    "Ankestyrelsen finder, at arbejdsgiveren besatte stillingen før forhandlingen med jobcenteret."
)
LOCATIONS = (
    "Rådhuset, mødelokale 2",
    "Hovedindgangen, reception",
    "Administrationsbygningen, 1. sal",
)
EDUCATIONS = ("Kontoruddannelse (EUD)", "Professionsbachelor", "Gymnasial uddannelse", "Ingen")
NATURES = ("Nedsat hørelse", "Nedsat syn", "Nedsat gangfunktion", "Kronisk sygdom", "Ordblindhed")

DAY = 86_400
WORK_START, WORK_END = 8 * 3600, 16 * 3600


class SynthRefused(Exception):
    """The database is not empty, lacks the reference data, or this is production."""


# --- where rows go ---------------------------------------------------------------------------------

# The columns written per table, in order. Times are text in UTC ('YYYY-MM-DD HH:MM:SS.ffffff', the
# way SQLAlchemy stores them on SQLite; PostgreSQL reads them in the load's UTC time zone), dates
# ISO text, JSON serialised: both databases take the same rows.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": (
        "id", "name", "kind", "municipality_code", "cvr", "public_funding_share",
        "top_official_name", "top_official_email", "created_at",
    ),
    "user": (
        "id", "email", "name", "password_hash", "role", "jobcentre_code", "organisation_id",
        "home_municipality_code", "cpr", "cpr_index", "active", "language", "created_at",
    ),
    "applicant_profile": (
        "user_id", "education", "qualifications", "disability_nature", "disability_extent",
        "updated_at", "updated_by",
    ),
    "conversation": (
        "id", "applicant_id", "jobcentre_code", "caseworker_id", "held_on", "topics", "notes",
        "created_at", "erased_at",
    ),
    "compensation_card": (
        "id", "applicant_id", "jobcentre_code", "created_by", "created_at", "template_code",
        "state", "impairment_summary", "job_functions", "valid_until", "fast_track_responsible",
        "fast_track_max_days", "verification_code", "issued_at", "revoked_at", "revoke_reason",
        "shared_with_employers", "erased_at",
    ),
    "card_scheme": (
        "card_id", "position", "scheme_code", "need", "pre_approved", "amount_limit", "conditions",
    ),
    "card_conversation": ("card_id", "conversation_id"),
    "vacancy": (
        "id", "organisation_id", "title", "kind", "formal_education_requirement",
        "application_deadline", "workplace_municipality_code", "workplace_jobcentre_code", "state",
        "positions", "filled_by", "filled_application_id", "filled_at", "created_at", "created_by",
    ),
    "application": (
        "id", "vacancy_id", "applicant_id", "route", "state", "handling_jobcentre_code",
        "home_jobcentre_code", "routed_to_neighbour", "employer_contacted", "created_at",
        "updated_at", "state_since", "interview_starts_at", "interview_location",
        "refusal_sent_on", "refusal_channel", "refusal_received_on", "opinion_due",
        "opinion_requested_on", "decision_outcome", "assignee_id", "erased_at", "version",
    ),
    "application_event": (
        "application_id", "seq", "at", "type", "actor_id", "actor_role", "from_state", "to_state",
        "data",
    ),
    "vacancy_fill": ("vacancy_id", "filled_by", "application_id", "at", "actor_id"),
    "breach": (
        "id", "organisation_id", "application_id", "jobcentre_code", "found_on", "source",
        "summary", "created_at", "created_by",
    ),
    "notification": (
        "subject_key", "application_id", "kind", "recipient_id", "recipient_email", "created_at",
        "subject", "body", "subject_en", "body_en", "link", "channel", "status", "attempts",
        "sent_at", "read_at",
    ),
}  # fmt: skip
SCHEDULE_COLUMNS = ("reminder_due_at", "queue_due_on", "ends_on")

Row = tuple[Any, ...]


class _Sink:
    """Writes chunks of rows, in one transaction of ``connection``."""

    def __init__(self, connection: Connection, columns: dict[str, tuple[str, ...]]) -> None:
        self.connection = connection
        self.columns = columns
        self.rows = 0

    def write(self, table: str, rows: Sequence[Row]) -> None:
        if not rows:
            return
        self.rows += len(rows)
        names = self.columns[table]
        if self.connection.dialect.name == "postgresql":
            dbapi = self.connection.connection.driver_connection
            assert dbapi is not None
            quoted = ", ".join(f'"{name}"' for name in names)
            with dbapi.cursor().copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in names)
            quoted = ", ".join(f'"{name}"' for name in names)
            self.connection.exec_driver_sql(
                f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', list(rows)
            )


# --- reference data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Municipality:
    code: str
    name: str
    region_name: str
    jobcentre_code: str
    neighbour_jobcentre_code: str | None


@dataclass
class _Organisation:
    id: str
    kind: str
    municipality_code: str | None
    region_name: str | None
    weight: float
    employers: list[str] = field(default_factory=list)


def _csv(name: str) -> list[dict[str, str]]:
    with resources.files("fortrin.data").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _allocate(total: int, weights: Sequence[float], floor: int = 0) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder), each getting ``floor``
    first when there are enough to go round."""
    if total < floor * len(weights):
        floor = 0
    rest = total - floor * len(weights)
    whole = sum(weights) or 1.0
    shares = [rest * w / whole for w in weights]
    counts = [math.floor(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for i in order[: rest - sum(counts)]:
        counts[i] += 1
    return [c + floor for c in counts]


# --- time ------------------------------------------------------------------------------------------

# A moment is an int: the Copenhagen day's proleptic ordinal times 86,400 plus the second of that
# local day. Whole-day steps, comparisons and the local date are integer arithmetic; the text of the
# UTC instant is looked up, not formatted.
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_TIME_OF_DAY = [
    f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(DAY)
]  # fmt: skip


class _Clock:
    """Moments as text and as instants, from tables of the days ``first`` to ``last`` (ordinals):
    each day's UTC offset and ISO text, computed once."""

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        self.offsets = [self._offset(o) for o in range(first, last + 1)]
        self.dates = [date.fromordinal(o).isoformat() for o in range(first, last + 1)]

    @staticmethod
    def _offset(ordinal: int) -> int:
        """Seconds Copenhagen is ahead of UTC that day (at noon: the summer-time changes happen
        between 02:00 and 03:00, so every time of day used here has the noon offset)."""
        day = date.fromordinal(ordinal)
        delta = datetime(day.year, day.month, day.day, 12, tzinfo=clock.COPENHAGEN).utcoffset()
        assert delta is not None
        return int(delta.total_seconds())

    def offset(self, ordinal: int) -> int:
        index = ordinal - self.first
        return self.offsets[index] if 0 <= index < len(self.offsets) else self._offset(ordinal)

    def day_text(self, ordinal: int) -> str:
        index = ordinal - self.first
        if 0 <= index < len(self.dates):
            return self.dates[index]
        return date.fromordinal(ordinal).isoformat()

    def utc_text(self, moment: int) -> str:
        """'YYYY-MM-DD HH:MM:SS.ffffff' in UTC, as SQLAlchemy stores a time on SQLite."""
        try:
            utc = moment - self.offsets[moment // DAY - self.first]
            return self.dates[utc // DAY - self.first] + _TIME_OF_DAY[utc % DAY]
        except IndexError:  # beyond the tables (never before them: see the generator)
            utc = moment - self.offset(moment // DAY)
            return self.day_text(utc // DAY) + _TIME_OF_DAY[utc % DAY]

    def aware(self, moment: int) -> datetime:
        ordinal = moment // DAY
        epoch = (ordinal - EPOCH_ORDINAL) * DAY + moment % DAY - self.offset(ordinal)
        return datetime.fromtimestamp(epoch, UTC)

    def local_iso(self, moment: int) -> str:
        """The instant as pydantic writes an aware local time: 2026-12-08T10:00:00+01:00."""
        ordinal, second = divmod(moment, DAY)
        hours = self.offset(ordinal) // 3600
        return f"{self.day_text(ordinal)}T{_TIME_OF_DAY[second][1:9]}+{hours:02d}:00"


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- the generator -----------------------------------------------------------------------------------


@dataclass
class Summary:
    cases: int = 0
    applicants: int = 0
    vacancies: int = 0
    organisations: int = 0
    employers: int = 0
    caseworkers: int = 0
    events: int = 0
    notifications: int = 0
    cards: int = 0
    breaches: int = 0
    states: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "applicants": self.applicants,
            "vacancies": self.vacancies,
            "organisations": self.organisations,
            "employers": self.employers,
            "caseworkers": self.caseworkers,
            "events": self.events,
            "notifications": self.notifications,
            "cards": self.cards,
            "breaches": self.breaches,
            "states": dict(sorted(self.states.items())),
        }


class _Ids:
    """Random-looking, unique ids (32 hex digits, like ``models.new_id``) for the n-th object of a
    kind, computed instead of kept: a bijection of the number, keyed by the seed and the kind."""

    MASK = (1 << 128) - 1
    MULTIPLIER = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd: multiplication is a bijection mod 2^128

    KINDS = ("admin", "organisation", "employer", "caseworker", "applicant", "card",
             "conversation", "vacancy", "application", "breach")  # fmt: skip

    def __init__(self, seed: int) -> None:
        self.keys = {
            kind: int.from_bytes(
                hashlib.blake2b(f"{seed}:{kind}".encode(), digest_size=16).digest(), "big"
            )
            for kind in self.KINDS
        }

    def of(self, kind: str, number: int) -> str:
        return f"{((number * self.MULTIPLIER) & self.MASK) ^ self.keys[kind]:032x}"


@dataclass
class _Vacancy:
    id: str
    kind: str
    education: str | None
    at_jobcentre: str | None
    deadline: date
    organisation: _Organisation
    creator: str
    plan: str  # "preferential": one applicant may be hired; "internal": an internal hire may be
    title: str
    hired: str | None = None
    internal_claimed: bool = False


Chunk = dict[str, list[Row]]

# Event data as the workflow records it (``Outcome.record``), pre-serialised where it never varies.
WITHDRAWN = _j({"reason": None})
NO_NOTES = _j({"notes": None})
ASSESSED = [
    _j({"can_perform": True, "has_difficulty_getting_work": True, "reasoning": r}) for r in REASONS
]
UNSUITED = [
    _j({"can_perform": can, "has_difficulty_getting_work": not can, "reasoning": r})
    for can in (True, False)
    for r in UNSUITABLE
]
ELIGIBLE = {
    ground: [_j({"eligible": True, "reasoning": r, "ground": ground}) for r in REASONS]
    for ground in ("formal_education", "obviously_less_qualified")
}
NOT_ELIGIBLE = {
    ground: _j({"eligible": False, "reasoning": NO_REASONS[0], "ground": ground})
    for ground in ("formal_education", "obviously_less_qualified")
}
DECLINED = [
    _j({"reason": "Jeg har fået andet arbejde."}),
    _j({"reason": "Jeg kan ikke komme til samtalen og trækker ansøgningen."}),
]
HIRED = _j({"outcome": "hired", "reasoning": None, "ground": None})
INTERNAL = _j(
    {
        "outcome": "internal_candidate_hired",
        "reasoning": "En intern medarbejder er ansat i stillingen.",
        "ground": None,
    }
)
NOT_HIRED = [_j({"outcome": "not_hired", "reasoning": r, "ground": None}) for r in NO_REASONS[1:]]
STATEMENT = [_j({"text": t}) for t in STATEMENTS]
MINUTES_J = [_j(m) for m in MINUTES]
LOCATIONS_J = [_j(place) for place in LOCATIONS]
REFUSAL_REASONS_J = [_j(r) for r in NO_REASONS[1:]]
ATTEMPTS_J = _j(ATTEMPTS)
CHANNELS = ("digital_post",) * 7 + ("letter",) * 2 + ("quickpost",)


class _Generator:
    """Rows for every table, chunk by chunk (``chunks``). Reads the reference data once (in the
    constructor); after that it never touches the database, so it can run in a process of its own."""

    def __init__(
        self, connection: Connection, cases: int, seed: int, now: datetime, schedule: bool
    ) -> None:
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.ids = _Ids(seed)
        self.cases = cases
        self.summary = Summary()
        self.schedule = schedule
        config = current_app.config
        self.base_url = str(config["FORTRIN_BASE_URL"]).rstrip("/")
        self.wait_days = int(config["FORTRIN_NEGOTIATION_WAIT_DAYS"])
        self.thresholds = _thresholds()
        local_now = clock.local(now)
        self.today = local_now.date()
        self.clock = _Clock(
            self.today.toordinal() - HISTORY_DAYS - 120, self.today.toordinal() + 400
        )
        self.now = self.today.toordinal() * DAY + local_now.hour * 3600 + local_now.minute * 60
        self.now_text = self.clock.utc_text(self.now)
        self.created = self.clock.utc_text(
            (self.today.toordinal() - HISTORY_DAYS - 60) * DAY + WORK_START
        )
        self.covered: set[str] = set()  # the jobcentres that handle a case so far
        self.password_hash = security.hash_password(PASSWORD)
        self._load_reference(connection)

    # -- helpers ----------------------------------------------------------------------------------

    def _pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.random() * len(items))]

    def _between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def _later(self, moment: int, least: int, mean: float) -> int:
        """A moment ``least`` days or more after ``moment`` (more by an exponential number of days
        of ``mean``), in working hours; or, when no whole day passes, later the same day."""
        days = least + (int(-math.log(1.0 - self.random()) * mean) if mean > 0 else 0)
        second = moment % DAY
        if days == 0 and second < 20 * 3600:
            return moment + 600 + int(self.random() * 3 * 3600)
        return (moment // DAY + max(days, 1)) * DAY + WORK_START + int(self.random() * 8 * 3600)

    def _day(self, moment: int) -> date:
        return date.fromordinal(moment // DAY)

    # -- reference --------------------------------------------------------------------------------

    def _load_reference(self, connection: Connection) -> None:
        rows = connection.execute(
            text(
                "SELECT code, name, region_name, jobcentre_code, neighbour_jobcentre_code "
                "FROM municipality ORDER BY code"
            )
        ).all()
        if not rows:
            raise SynthRefused("Referencedata mangler: kør først `flask --app fortrin db upgrade`.")
        self.municipalities = [_Municipality(*row) for row in rows]
        self.by_code = {m.code: m for m in self.municipalities}
        self.jobcentres = sorted({m.jobcentre_code for m in self.municipalities})
        self.weights = [
            float(POPULATION.get(m.code, DEFAULT_POPULATION)) for m in self.municipalities
        ]
        self.cumulative = list(accumulate(self.weights))
        neighbours: dict[str, list[str]] = {}
        for row in _csv("municipality_neighbours.csv"):
            if row["code"] in self.by_code and row["neighbour_code"] in self.by_code:
                neighbours.setdefault(row["code"], []).append(row["neighbour_code"])
        self.neighbours = neighbours
        self.schemes = sorted(connection.execute(text("SELECT code FROM scheme")).scalars().all())
        self.templates = [
            (code, json.loads(schemes) if isinstance(schemes, str) else schemes)
            for code, schemes in connection.execute(
                text("SELECT code, schemes FROM card_template ORDER BY code")
            ).all()
        ]
        self.regions = sorted({m.region_name for m in self.municipalities})
        # What a negotiation presents: one to three schemes of the registry (as JSON lists).
        self.presented = [
            _j(sorted(combination))
            for size in (1, 2, 3)
            for combination in itertools.combinations(self.schemes, size)
        ]

    def _random_municipality(self) -> _Municipality:
        index = bisect(self.cumulative, self.random() * self.cumulative[-1])
        return self.municipalities[min(index, len(self.municipalities) - 1)]

    # -- the chunks -------------------------------------------------------------------------------

    def chunks(self) -> Iterator[tuple[Chunk, int]]:
        """Each chunk of rows (by table) and how many applicants and cases it holds."""
        yield self._staff(), 0
        yield from self._applicants(max(1, round(self.cases * APPLICANTS_PER_CASE)))
        yield from self._cases(max(1, min(self.cases, round(self.cases * VACANCIES_PER_CASE))))

    @staticmethod
    def _chunk() -> Chunk:
        return {table: [] for table in COLUMNS}

    # -- people -----------------------------------------------------------------------------------

    def _name(self) -> str:
        pick = self._pick
        return f"{pick(FIRST_NAMES)} {pick(SURNAME_STARTS)}{pick(SURNAME_ENDS)}"

    def _user(
        self,
        user_id: str,
        email: str,
        role: str,
        jobcentre: str | None = None,
        organisation: str | None = None,
        home: str | None = None,
        cpr: str | None = None,
    ) -> Row:
        return (
            user_id,
            email,
            self._name(),
            self.password_hash,
            role,
            jobcentre,
            organisation,
            home,
            crypto.encrypt(cpr) if cpr else None,
            crypto.cpr_index(cpr) if cpr else None,
            True,
            "en" if self.random() < 0.05 else None,
            self.created,
        )

    def _staff(self) -> Chunk:
        """Organisations with their employers, each jobcentre's caseworkers, an administrator."""
        chunk = self._chunk()
        organisations: list[_Organisation] = []
        rows = chunk["organisation"]
        total = sum(self.weights)
        for number, m in enumerate(self.municipalities):
            org = _Organisation(
                self.ids.of("organisation", number), "municipality", m.code, m.region_name,
                self.weights[number],
            )  # fmt: skip
            organisations.append(org)
            rows.append(
                (
                    org.id, f"{m.name} Kommune", "municipality", m.code, None, None,
                    f"Kommunalbestyrelsen, {m.name} Kommune",
                    f"kommunalbestyrelsen@k{m.code}.{DOMAIN}", self.created,
                )
            )  # fmt: skip
        for region in self.regions:
            number = len(organisations)
            org = _Organisation(
                self.ids.of("organisation", number), "region", None, region, total * 0.05
            )
            organisations.append(org)
            rows.append(
                (
                    org.id, region, "region", None, None, None, f"Regionsrådet, {region}",
                    f"regionsraadet@r{number}.{DOMAIN}", self.created,
                )
            )  # fmt: skip
        for index in range(STATE_INSTITUTIONS):
            number = len(organisations)
            org = _Organisation(
                self.ids.of("organisation", number), "state_institution", None, None, total * 0.01
            )
            organisations.append(org)
            rows.append(
                (
                    org.id, f"Syntetisk styrelse nr. {index + 1}", "state_institution", None,
                    None, None, None, None, self.created,
                )
            )  # fmt: skip
        self.organisations = organisations
        self.summary.organisations = len(organisations)

        users = chunk["user"]
        users.append(self._user(self.ids.of("admin", 0), f"admin@{DOMAIN}", "admin"))
        employer_number = 0
        scale = max(1.0, self.cases / 10_000) ** 0.5
        for index, org in enumerate(organisations):
            for n in range(max(1, round(org.weight / total * 400 * scale))):
                user_id = self.ids.of("employer", employer_number)
                employer_number += 1
                org.employers.append(user_id)
                users.append(
                    self._user(
                        user_id, f"arbejdsgiver{n + 1}.org{index + 1}@{DOMAIN}", "employer",
                        organisation=org.id,
                    )
                )  # fmt: skip
        self.summary.employers = employer_number
        # Caseworkers in proportion to the cases each jobcentre can expect.
        expected: dict[str, float] = {}
        for m, weight in zip(self.municipalities, self.weights, strict=True):
            expected[m.jobcentre_code] = expected.get(m.jobcentre_code, 0.0) + weight
        self.caseworkers: dict[str, list[str]] = {}
        number = 0
        for code in self.jobcentres:
            share = self.cases * expected[code] / total
            ids = []
            for n in range(max(2, round(share / CASES_PER_CASEWORKER))):
                user_id = self.ids.of("caseworker", number)
                number += 1
                ids.append(user_id)
                users.append(
                    self._user(
                        user_id, f"sagsbehandler{n + 1}.jc{code}@{DOMAIN}", "caseworker",
                        jobcentre=code,
                    )
                )  # fmt: skip
            self.caseworkers[code] = ids
        self.summary.caseworkers = number
        return chunk

    def _applicants(self, count: int) -> Iterator[tuple[Chunk, int]]:
        """``count`` applicants, by municipality (at least one each when there are enough): those of
        municipality i are the numbers ``start[i]`` to ``start[i] + size[i] - 1``."""
        sizes = _allocate(count, self.weights, floor=1)
        self.applicant_start = [0, *accumulate(sizes)][:-1]
        self.applicant_size = sizes
        self.municipality_index = {m.code: i for i, m in enumerate(self.municipalities)}
        self.summary.applicants = count
        random_ = self.random
        chunk = self._chunk()
        users = chunk["user"]
        number = 0
        for index, m in enumerate(self.municipalities):
            for _ in range(sizes[index]):
                user_id = self.ids.of("applicant", number)
                cpr = None
                if random_() < CPR_SHARE:  # day 00: CPR-shaped, never a valid date
                    cpr = (
                        f"00{self._between(1, 12):02d}{self._between(40, 99):02d}-"
                        f"{self._between(0, 9999):04d}"
                    )
                number += 1
                users.append(
                    self._user(
                        user_id, f"borger{number}@{DOMAIN}", "applicant", home=m.code, cpr=cpr
                    )
                )
                if random_() < PROFILE_SHARE:
                    self._profile(chunk, user_id, m)
                if random_() < CARD_SHARE:
                    self._card(chunk, user_id, m)
                if number % CHUNK_USERS == 0:
                    yield chunk, CHUNK_USERS
                    chunk = self._chunk()
                    users = chunk["user"]
        yield chunk, number % CHUNK_USERS

    def _profile(self, chunk: Chunk, user_id: str, m: _Municipality) -> None:
        moment = (self.today.toordinal() - self._between(1, HISTORY_DAYS)) * DAY + WORK_START
        chunk["applicant_profile"].append(
            (
                user_id, self._pick(EDUCATIONS), "Erfaring med kontorarbejde og kundebetjening.",
                self._pick(NATURES), self._pick(("Let", "Moderat", "Betydelig")),
                self.clock.utc_text(moment), self._pick(self.caseworkers[m.jobcentre_code]),
            )
        )  # fmt: skip

    def _card(self, chunk: Chunk, user_id: str, m: _Municipality) -> None:
        number = self.summary.cards
        self.summary.cards += 1
        card_id = self.ids.of("card", number)
        talk_id = self.ids.of("conversation", number)
        caseworker = self._pick(self.caseworkers[m.jobcentre_code])
        held = self.today - timedelta(days=self._between(1, HISTORY_DAYS))
        at = self.clock.utc_text(held.toordinal() * DAY + WORK_START + self._between(0, 8 * 3600))
        template, schemes = self._pick(self.templates)
        chunk["conversation"].append(
            (
                talk_id, user_id, m.jobcentre_code, caseworker, held.isoformat(),
                _j(["qualifications", "impairment", "match"]),
                "Samtale om kompetencer, behov og mulige job.", at, None,
            )
        )  # fmt: skip
        roll = self.random()
        state = "issued" if roll < 0.8 else "draft" if roll < 0.9 else "revoked"
        code = None
        if state != "draft":
            raw = "".join(self._pick("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(16))
            code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
        revoked = (
            self.clock.utc_text((held.toordinal() + 30) * DAY + WORK_START)
            if state == "revoked"
            else None
        )
        chunk["compensation_card"].append(
            (
                card_id, user_id, m.jobcentre_code, caseworker, at, template, state,
                "Behov for hjælpemidler på arbejdspladsen.", "Kontorarbejde.",
                (held + timedelta(days=365)).isoformat(), "Jobcenterets virksomhedskonsulent", 14,
                code, at if state != "draft" else None, revoked,
                "Kortet er erstattet af et nyt." if revoked else None, self.random() < 0.6, None,
            )
        )  # fmt: skip
        for position, scheme in enumerate(schemes):
            chunk["card_scheme"].append(
                (
                    card_id, position, scheme["scheme_code"], scheme["need"],
                    bool(scheme.get("pre_approved")), None, None,
                )
            )  # fmt: skip
        chunk["card_conversation"].append((card_id, talk_id))

    def _applicant_near(self, m: _Municipality, taken: set[int]) -> int:
        """An applicant who lives in ``m`` (the first of a vacancy always, then mostly), next door,
        or anywhere; not yet in ``taken``."""
        for attempt in range(8):
            roll = (self.random() if taken else 0.0) if attempt < 4 else 1.0
            if roll < 0.8:
                home = m
            elif roll < 0.92 and m.code in self.neighbours:
                home = self.by_code[self._pick(self.neighbours[m.code])]
            else:
                home = self._random_municipality()
            index = self.municipality_index[home.code]
            size = self.applicant_size[index]
            if size:
                number = self.applicant_start[index] + int(self.random() * size)
                if number not in taken:
                    return number
        while True:
            number = int(self.random() * self.summary.applicants)
            if number not in taken or len(taken) >= self.summary.applicants:
                return number

    def _home_of(self, number: int) -> _Municipality:
        return self.municipalities[bisect(self.applicant_start, number) - 1]

    # -- vacancies and cases ----------------------------------------------------------------------

    def _cases(self, vacancies: int) -> Iterator[tuple[Chunk, int]]:
        rng = self.rng
        # How many cases each vacancy gets: one each, the rest skewed (a few popular postings).
        weights = [rng.lognormvariate(0, 0.9) for _ in range(vacancies)]
        counts = [1] * vacancies
        extra = self.cases - vacancies
        if extra > 0:
            cumulative = list(accumulate(weights))
            for index in rng.choices(range(vacancies), cum_weights=cumulative, k=extra):
                counts[index] += 1
        # Which organisation posts each: every municipality at least once when there are enough.
        owners = _allocate(vacancies, [o.weight for o in self.organisations], floor=1)
        order = [i for i, n in enumerate(owners) for _ in range(n)]
        rng.shuffle(order)
        self.summary.vacancies = vacancies
        chunk = self._chunk()
        done = 0
        for number, org_index in enumerate(order):
            done += self._vacancy(chunk, number, self.organisations[org_index], counts[number])
            if (number + 1) % CHUNK_VACANCIES == 0:
                yield chunk, done
                chunk = self._chunk()
                done = 0
        yield chunk, done

    def _vacancy(self, chunk: Chunk, number: int, org: _Organisation, cases: int) -> int:
        random_ = self.random
        vacancy_id = self.ids.of("vacancy", number)
        if org.municipality_code is not None:
            where = self.by_code[org.municipality_code]
        else:
            where = self._random_municipality()
            for _ in range(20):
                if org.region_name is None or where.region_name == org.region_name:
                    break
                where = self._random_municipality()
        at_jobcentre = None
        if random_() < 0.12:
            kind, title = self._pick(LICENCES)
            education = None
        else:
            kind = "job"
            job, education = self._pick(JOBS)
            title = f"{job}, {self._pick(DEPARTMENTS)}"
            if random_() < 0.3:
                education = None
            # A post at the municipality's own jobcentre: its applicants go to the neighbour (§ 7).
            if (
                org.kind == "municipality"
                and where.jobcentre_code in self.covered
                and random_() < 0.06
            ):
                at_jobcentre = where.jobcentre_code
                title = f"{job}, Jobcenter {where.name}"
        today = self.today.toordinal()
        posted = (today - int(HISTORY_DAYS * random_() ** 2)) * DAY + self._between(
            WORK_START, WORK_END
        )
        if posted > self.now:
            posted = self.now - int(random_() * (self.now % DAY))
        deadline_ordinal = posted // DAY + self._between(14, 40)
        creator = self._pick(org.employers)
        roll = random_()
        plan = "preferential" if roll < 0.35 else "internal" if roll < 0.45 else ""
        vacancy = _Vacancy(
            vacancy_id, kind, education, at_jobcentre, date.fromordinal(deadline_ordinal), org,
            creator, plan, title,
        )  # fmt: skip
        last = min(deadline_ordinal * DAY + WORK_END, self.now)
        taken: set[int] = set()
        ended = posted
        settled = True
        for _ in range(cases):
            while True:
                applicant = self._applicant_near(where, taken)
                home = self._home_of(applicant)
                taken.add(applicant)
                try:
                    route = route_application(
                        home.jobcentre_code, home.neighbour_jobcentre_code, at_jobcentre
                    )
                    break
                except NoNeighbourJobcentre:  # no neighbour in the table: someone else applies
                    continue
            self.covered.add(route.handling_jobcentre_code)
            created = posted + int(random_() * max(last - posted, 0))
            state, final = self._case(
                chunk, vacancy, self.ids.of("applicant", applicant), route.handling_jobcentre_code,
                route.home_jobcentre_code, route.routed_to_neighbour, created,
            )  # fmt: skip
            ended = max(ended, final)
            if state in pa.BLOCKING or state == S.AWAITING_ASSESSMENT:
                settled = False
        # The employer fills the post once the deadline has passed and no duty is owed.
        state_text, filled_by, filled_app, filled_at = "open", None, None, None
        if settled and deadline_ordinal < today and random_() < 0.9:
            moment = self._later(max(ended, deadline_ordinal * DAY + WORK_END), 1, 5)
            if moment <= self.now:
                state_text = "filled"
                filled_at = self.clock.utc_text(moment)
                if vacancy.hired is not None:
                    filled_by, filled_app = "preferential_applicant", vacancy.hired
                elif vacancy.internal_claimed:
                    filled_by = "internal"
                else:
                    filled_by = "external"
                chunk["vacancy_fill"].append(
                    (vacancy_id, filled_by, filled_app, filled_at, creator)
                )
        chunk["vacancy"].append(
            (
                vacancy_id, org.id, title, kind, education, vacancy.deadline.isoformat(),
                where.code, at_jobcentre, state_text, 1, filled_by, filled_app, filled_at,
                self.clock.utc_text(posted), creator,
            )
        )  # fmt: skip
        return cases

    def _case(
        self,
        chunk: Chunk,
        vacancy: _Vacancy,
        applicant_id: str,
        handling: str,
        home: str,
        routed: bool,
        created: int,
    ) -> tuple[str, int]:
        """One case walked from its application to now; returns its state and its last moment."""
        random_ = self.random
        pick = self._pick
        later = self._later
        ts = self.clock.utc_text
        number = self.summary.cases
        self.summary.cases += 1
        application_id = self.ids.of("application", number)
        events = chunk["application_event"]
        route = "via_jobcentre" if random_() < 0.45 else "direct"
        state: str = pa.initial_state(route).value
        caseworker = pick(self.caseworkers[handling])
        employer = vacancy.creator
        licence = vacancy.kind in pa.LICENCE_KINDS
        now = self.now
        moment = since = created
        contacted = route == "direct"
        starts: int | None = None
        location: str | None = None
        sent_on: date | None = None
        channel: str | None = None
        received_on: date | None = None
        due: date | None = None
        requested_on: date | None = None
        outcome: str | None = None
        rescheduled = False
        notices: list[tuple[str, str, str, str]] = []  # (kind, key, subject, body)

        by_caseworker = route == "via_jobcentre" and not routed and random_() < 0.2
        seq = 1
        events.append(
            (
                application_id, 1, ts(moment), "submitted",
                caseworker if by_caseworker else applicant_id,
                "caseworker" if by_caseworker else "applicant", None, state,
                f'{{"route": "{route}", "handling_jobcentre_code": "{handling}", '
                f'"routed_to_neighbour": {"true" if routed else "false"}}}',
            )
        )  # fmt: skip

        while state not in pa.TERMINAL:
            roll = random_()
            actor, role = employer, "employer"
            # What a step sets, kept in case the step lies after now and does not happen.
            before = (starts, location, sent_on, channel, received_on, due, requested_on, outcome)
            if state == S.AWAITING_ASSESSMENT:
                at = later(moment, 1, 6)
                actor, role = caseworker, "caseworker"
                if roll < 0.05:
                    event, to, data = "withdrawn", S.WITHDRAWN, WITHDRAWN
                    actor, role = applicant_id, "applicant"
                elif roll < 0.7:
                    event, to, data = "assessment", S.INTERVIEW_REQUIRED, pick(ASSESSED)
                else:
                    event, to, data = "assessment", S.NOT_SUITABLE, pick(UNSUITED)
            elif state == S.AWAITING_ELIGIBILITY_CHECK:
                at = later(moment, 1, 7)
                ground = "obviously_less_qualified" if licence else "formal_education"
                if roll < 0.04:
                    event, to, data = "withdrawn", S.WITHDRAWN, WITHDRAWN
                    actor, role = applicant_id, "applicant"
                elif roll < 0.6 or not (licence or vacancy.education):
                    event, to, data = (
                        "eligibility_check",
                        S.INTERVIEW_REQUIRED,
                        pick(ELIGIBLE[ground]),
                    )
                else:
                    event, to, data = "eligibility_check", S.REFUSAL_PENDING, NOT_ELIGIBLE[ground]
            elif state == S.INTERVIEW_REQUIRED:
                at = later(moment, 1, 5)
                if roll < 0.09:
                    event, to, data = "interview_declined", S.WITHDRAWN, DECLINED[0]
                    actor, role = applicant_id, "applicant"
                elif roll < 0.17:
                    event, to, data = "withdrawn", S.WITHDRAWN, WITHDRAWN
                    actor, role = applicant_id, "applicant"
                else:
                    event, to = "interview_scheduled", S.INTERVIEW_SCHEDULED
                    starts = (at // DAY + self._between(3, 14)) * DAY + pick(
                        (9, 10, 11, 13, 14)
                    ) * 3600
                    place = int(random_() * len(LOCATIONS))
                    location = LOCATIONS[place]
                    data = (
                        f'{{"starts_at": "{self.clock.local_iso(starts)}", '
                        f'"location": {LOCATIONS_J[place]}, "rescheduled": false}}'
                    )
            elif state == S.INTERVIEW_SCHEDULED:
                assert starts is not None and location is not None
                if roll < 0.05 and not rescheduled:
                    at = later(moment, 0, 1)
                    if at >= starts:
                        at = moment + 60
                    rescheduled = True
                    event, to = "interview_scheduled", S.INTERVIEW_SCHEDULED
                    starts = max(starts, at) + self._between(2, 7) * DAY
                    data = (
                        f'{{"starts_at": "{self.clock.local_iso(starts)}", '
                        f'"location": {_j(location)}, "rescheduled": true}}'
                    )
                elif roll < 0.08:
                    at = moment + 60
                    event, to, data = "interview_declined", S.WITHDRAWN, DECLINED[1]
                    actor, role = applicant_id, "applicant"
                elif roll < 0.10:
                    at = moment + 60
                    event, to, data = "withdrawn", S.WITHDRAWN, WITHDRAWN
                    actor, role = applicant_id, "applicant"
                elif roll < 0.15:
                    at = starts + self._between(1800, 7200)
                    event, to, data = "interview_missed", S.INTERVIEWED, NO_NOTES
                else:
                    at = starts + self._between(3600, 7200)
                    event, to, data = "interview_held", S.INTERVIEWED, NO_NOTES
            elif state == S.INTERVIEWED:
                at = later(moment, 0, 3)
                event = "decision"
                if vacancy.plan == "preferential" and vacancy.hired is None and roll < 0.4:
                    outcome, to, data = "hired", S.HIRED, HIRED
                elif vacancy.plan == "internal" and not licence and roll < 0.5:
                    outcome, to, data = "internal_candidate_hired", S.REFUSAL_PENDING, INTERNAL
                else:
                    outcome, data = "not_hired", pick(NOT_HIRED)
                    duty = pa.negotiation_duty_applies(vacancy.kind, route)
                    to = S.STATEMENT_REQUIRED if duty else S.REFUSAL_PENDING
            elif state == S.STATEMENT_REQUIRED:
                at = later(moment, 1, 5)
                if roll < 0.04:
                    event, to, data = "withdrawn", S.WITHDRAWN, WITHDRAWN
                    actor, role = applicant_id, "applicant"
                else:
                    event, to, data = "statement_submitted", S.NEGOTIATION_REQUIRED, pick(STATEMENT)
            elif state == S.NEGOTIATION_REQUIRED:
                if roll < 0.03:
                    at = later(moment, 1, 5)
                    event, to, data = "withdrawn", S.WITHDRAWN, WITHDRAWN
                    actor, role = applicant_id, "applicant"
                elif roll < 0.15:
                    statement_on = self._day(since)
                    earliest = _add_working_days(statement_on, self.wait_days).toordinal()
                    at = later((earliest - 1) * DAY + WORK_END, 1, 3)
                    event, to = "negotiation_not_held", S.REFUSAL_PENDING
                    data = (
                        f'{{"attempts": {ATTEMPTS_J}, "statement_on": "{statement_on.isoformat()}", '
                        f'"wait_days": {self.wait_days}}}'
                    )
                else:
                    at = later(moment, 2, 8)
                    hire = vacancy.plan == "preferential" and vacancy.hired is None and roll > 0.9
                    event = "negotiation_held"
                    to = S.HIRED if hire else S.REFUSAL_PENDING
                    data = (
                        f'{{"held_on": "{self.clock.day_text(at // DAY)}", '
                        f'"minutes": {pick(MINUTES_J)}, "competences_considered": true, '
                        f'"schemes_presented": {pick(self.presented)}, '
                        f'"outcome": "{"hire" if hire else "no_hire"}", '
                        '"disability_not_decisive": true, "schemes_from_card": false, '
                        '"card_id": null}'
                    )
                    actor, role = caseworker, "caseworker"
            elif state == S.REFUSAL_PENDING:
                at = later(moment, 0, 3)
                if roll < 0.03:
                    event, to, data = "withdrawn", S.WITHDRAWN, WITHDRAWN
                    actor, role = applicant_id, "applicant"
                elif roll < 0.06:
                    event, to = "opinion_requested", S.OPINION_REQUESTED
                    requested_on = self._day(at)
                    data = f'{{"requested_on": "{requested_on.isoformat()}"}}'
                    actor, role = applicant_id, "applicant"
                else:
                    event, to = "refusal_notified", S.OPINION_WINDOW
                    sent_on, received_on = self._day(at), None
                    channel = pick(CHANNELS)
                    due, basis, guidance = _deadline(sent_on, channel, None)
                    data = (
                        f'{{"reasoning": {pick(REFUSAL_REASONS_J)}, '
                        f'"sent_on": "{sent_on.isoformat()}", "channel": "{channel}", '
                        f'"received_on": null, "opinion_due": "{due.isoformat()}", '
                        f'"opinion_basis": {basis}, "complaint_guidance": {guidance}}}'
                    )
            elif state == S.OPINION_WINDOW:
                assert due is not None and sent_on is not None and channel is not None
                receipt = _receipt(sent_on, channel, received_on)
                if roll < 0.03:
                    later_receipt = receipt + timedelta(days=self._between(1, 3))
                    at = later_receipt.toordinal() * DAY + self._between(WORK_START, WORK_END)
                    previous = due
                    received_on = later_receipt
                    due, basis, _guidance = _deadline(sent_on, channel, received_on)
                    event, to = "receipt_recorded", S.OPINION_WINDOW
                    data = (
                        f'{{"received_on": "{later_receipt.isoformat()}", '
                        f'"previous_due": "{previous.isoformat()}", '
                        f'"opinion_due": "{due.isoformat()}", "opinion_basis": {basis}}}'
                    )
                    actor, role = applicant_id, "applicant"
                elif roll < 0.11:
                    requested_on = receipt + timedelta(
                        days=self._between(1, max(1, (due - receipt).days))
                    )
                    at = requested_on.toordinal() * DAY + self._between(WORK_START, WORK_END)
                    event, to = "opinion_requested", S.OPINION_REQUESTED
                    data = f'{{"requested_on": "{requested_on.isoformat()}"}}'
                    actor, role = applicant_id, "applicant"
                elif roll < 0.12:
                    at = later(moment, 0, 3)
                    if at // DAY > due.toordinal():
                        break
                    event, to, data = "withdrawn", S.WITHDRAWN, WITHDRAWN
                    actor, role = applicant_id, "applicant"
                else:
                    break  # the window runs out unused: the case reads as closed from then on
            elif state == S.OPINION_REQUESTED:
                at = later(moment, 30, 40)
                kept = roll < 0.75
                event, to = "opinion_received", S.CLOSED
                data = (
                    f'{{"received_on": "{self.clock.day_text(at // DAY)}", '
                    f'"duties_kept": {"true" if kept else "false"}, '
                    f'"summary": {_j(SUMMARIES_KEPT if kept else SUMMARIES_BREACH)}}}'
                )
                actor, role = caseworker, "caseworker"
            else:  # pragma: no cover - every open state is handled above
                raise AssertionError(state)
            if at > now:
                starts, location, sent_on, channel, received_on, due, requested_on, outcome = before
                break
            moment = at
            seq += 1
            events.append((application_id, seq, ts(at), event, actor, role, state, to, data))
            key = f"event:{application_id}:{seq}"
            if event == "assessment":
                if to == S.NOT_SUITABLE:
                    notices.append(
                        (
                            "assessment_negative", key, "Jobcenterets vurdering af din ansøgning",
                            f"Jobcenteret vurderer, at du ikke kan bestride «{vacancy.title}».",
                        )
                    )  # fmt: skip
                else:
                    contacted = True
            elif event == "eligibility_check" and to == S.REFUSAL_PENDING:
                notices.append(
                    (
                        "eligibility_negative", key, "Du indkaldes ikke til samtale",
                        f"Arbejdsgiveren finder, at du ikke opfylder kravene til «{vacancy.title}».",
                    )
                )  # fmt: skip
            elif event == "interview_scheduled":
                notices.append(
                    (
                        "interview_moved" if rescheduled else "interview_invitation", key,
                        "Du er inviteret til samtale",
                        f"Samtale om «{vacancy.title}» {self.clock.local_iso(starts or at)}, "
                        f"{location}.",
                    )
                )  # fmt: skip
            elif event == "refusal_notified":
                assert due is not None
                notices.append(
                    (
                        "opinion_window_opened", f"application:{application_id}",
                        f"Du kan bede Ankestyrelsen om en udtalelse senest {due.isoformat()}",
                        f"Du har fået afslag på «{vacancy.title}».",
                    )
                )  # fmt: skip
            elif event == "opinion_received":
                kept = data.find('"duties_kept": true') >= 0
                notices.append(
                    (
                        "opinion_received", key, "Ankestyrelsens udtalelse er modtaget",
                        SUMMARIES_KEPT if kept else SUMMARIES_BREACH,
                    )
                )  # fmt: skip
                if not kept:
                    self._breach(chunk, vacancy, application_id, handling, at, caseworker)
            elif event == "decision":
                if outcome == "hired":
                    vacancy.hired = application_id
                elif outcome == "internal_candidate_hired":
                    vacancy.internal_claimed = True
            elif event == "negotiation_held" and to == S.HIRED:
                vacancy.hired = application_id
            if notices and notices[-1][1] in (key, f"application:{application_id}"):
                self._notify(chunk, application_id, applicant_id, at, *notices.pop())
            if to != state:
                since = at
            state = to

        self.summary.states[state] = self.summary.states.get(state, 0) + 1
        self.summary.events += seq
        assignee = caseworker if state not in pa.TERMINAL and random_() < 0.3 else None
        row: Row = (
            application_id, vacancy.id, applicant_id, route, state, handling, home, routed,
            contacted, ts(created), ts(moment), ts(since), ts(starts) if starts else None,
            location, sent_on.isoformat() if sent_on else None, channel,
            received_on.isoformat() if received_on else None, due.isoformat() if due else None,
            requested_on.isoformat() if requested_on else None, outcome, assignee, None, seq,
        )  # fmt: skip
        if self.schedule:
            row += self._schedule(state, since, due, sent_on, starts, vacancy.deadline)
        chunk["application"].append(row)
        return state, moment

    def _notify(
        self,
        chunk: Chunk,
        application_id: str,
        recipient: str,
        moment: int,
        kind: str,
        key: str,
        subject: str,
        body: str,
    ) -> None:
        """A notice in the app, already shown (``sent``) and, mostly, read."""
        link = f"{self.base_url}/applications/{application_id}"
        at = self.clock.utc_text(moment)
        read = None
        if self.random() < 0.6:
            read = self.clock.utc_text(self._later(moment, 0, 3))
            if read > self.now_text:
                read = None
        chunk["notification"].append(
            (
                key, application_id, kind, recipient, None, at, subject,
                f"{body}\n\nSe sagen: {link}", None, None, link, "in_app", "sent", 0, at, read,
            )
        )  # fmt: skip
        self.summary.notifications += 1

    def _breach(
        self,
        chunk: Chunk,
        vacancy: _Vacancy,
        application_id: str,
        handling: str,
        moment: int,
        caseworker: str,
    ) -> None:
        number = self.summary.breaches
        self.summary.breaches += 1
        chunk["breach"].append(
            (
                self.ids.of("breach", number), vacancy.organisation.id, application_id, handling,
                self.clock.day_text(moment // DAY), "ankestyrelsen", SUMMARIES_BREACH,
                self.clock.utc_text(moment), caseworker,
            )
        )  # fmt: skip

    def _schedule(
        self,
        state: str,
        since: int,
        due: date | None,
        sent_on: date | None,
        starts: int | None,
        application_deadline: date,
    ) -> tuple[str | None, str | None, str | None]:
        """``reminder_due_at`` and ``queue_due_on`` (issue 12, migration 0011) as the reminder pass
        leaves them: the next day a reminder falls due (none today: the pass has just run), and the
        queue's due date; and ``ends_on`` (migration 0012, ``tally.ends_on``): the day the case
        entered its final state, or its opinion window's last day. The only place that knows these
        columns and their rules.

        The rules are asked once per combination of what they read in the case's state
        (``SCHEDULE_READS``: a Copenhagen day), with that day's noon standing in for the instant;
        test_synth checks every case against the rules with all of its own inputs."""
        reads = SCHEDULE_READS.get(state)
        day = (
            since // DAY
            if reads == "since"
            else (starts // DAY if starts is not None else None)
            if reads == "starts"
            else application_deadline.toordinal()
            if reads == "deadline"
            else None
        )
        ends_on = (
            self.clock.day_text(since // DAY)
            if state in pa.TERMINAL
            else due.isoformat()
            if state == S.OPINION_WINDOW and due is not None
            else None
        )
        return (*self._schedule_days(state, reads, day, due, sent_on is not None), ends_on)

    @lru_cache(maxsize=65536)  # noqa: B019 (one generator per load; the cache goes with it)
    def _schedule_days(
        self, state: str, reads: str | None, day: int | None, due: date | None, refused: bool
    ) -> tuple[str | None, str | None]:
        noon = self.clock.aware((day if day is not None else self.today.toordinal()) * DAY + 43200)
        since = noon if reads == "since" else self.clock.aware(self.today.toordinal() * DAY)
        starts = noon if reads == "starts" and day is not None else None
        deadline = date.fromordinal(day) if reads == "deadline" and day is not None else self.today
        next_on = None
        if state in WATCHED:  # in any other state next_reminder_on has nothing to say
            next_on = reminders.next_reminder_on(
                state, since, due, starts, deadline, self.thresholds, self.today
            )
        sent_on = self.today if refused else None
        queue_on = reminders.queue_due_on(state, since, due, sent_on, self.thresholds)
        return (
            self.clock.utc_text(next_on.toordinal() * DAY) if next_on else None,
            queue_on.isoformat() if queue_on else None,
        )


# What the schedule rules read of a case, by its state (besides the opinion deadline and whether a
# refusal was sent): the day it entered the state, the interview's day, or the application deadline.
SCHEDULE_READS: dict[str, str] = {
    S.AWAITING_ASSESSMENT: "since",
    S.STATEMENT_REQUIRED: "since",
    S.NEGOTIATION_REQUIRED: "since",
    S.REFUSAL_PENDING: "since",
    S.INTERVIEW_SCHEDULED: "starts",
    S.INTERVIEW_REQUIRED: "deadline",
}
WATCHED = frozenset(getattr(reminders, "WATCHED_STATES", tuple(pa.State)))


def _thresholds() -> reminders.Thresholds:
    from fortrin.notifications import thresholds

    return thresholds()


@lru_cache(maxsize=4096)
def _add_working_days(day: date, count: int) -> date:
    return deadlines.add_working_days(day, count)


@lru_cache(maxsize=16384)
def _receipt(sent_on: date, channel: str, received_on: date | None) -> date:
    return deadlines.receipt(sent_on, channel, received_on).received_on


@lru_cache(maxsize=16384)
def _deadline(sent_on: date, channel: str, received_on: date | None) -> tuple[date, str, str]:
    """The opinion deadline, and its basis and the complaint guidance as JSON strings, as
    ``pa._refusal`` records them (cached: the same few thousand dates recur)."""
    deadline = deadlines.opinion_request_deadline(sent_on, channel, received_on)
    return deadline.due, _j(deadline.basis), _j(pa.complaint_guidance_da(deadline))


# --- loading -----------------------------------------------------------------------------------------


def refuse_unless_empty(connection: Connection) -> None:
    """An empty database is migrated, has its reference data, and holds no case."""
    if "application" not in set(inspect(connection).get_table_names()):
        raise SynthRefused(
            "Databasen er ikke migreret: kør først `flask --app fortrin db upgrade`."
        )
    if connection.execute(text("SELECT 1 FROM application LIMIT 1")).first() is not None:
        raise SynthRefused(
            "Databasen har allerede sager: syntetiske data indlæses kun i en tom database "
            "(migreret, med referencedata, uden sager)."
        )
    if connection.execute(text("SELECT 1 FROM jobcentre LIMIT 1")).first() is None:
        raise SynthRefused("Referencedata mangler: kør først `flask --app fortrin db upgrade`.")


def has_schedule_columns(connection: Connection) -> bool:
    """Whether ``application`` has the columns of migration 0011 (and the rules to fill them)."""
    columns = {c["name"] for c in inspect(connection).get_columns("application")}
    return set(SCHEDULE_COLUMNS) <= columns and hasattr(reminders, "next_reminder_on")


def _defer_postgres_checks(connection: Connection) -> list[str]:
    """PostgreSQL: drop the secondary indexes, the foreign keys and the unique constraints (not
    primary keys) no foreign key leans on, of the tables loaded (when this role owns them); returns
    the statements that put each back exactly as it was. Built in one pass after the load, an index
    is far cheaper than kept up to date row by row, and each foreign key is then checked in one
    query. All of it is inside the load's transaction: a failure leaves the schema as it was."""
    tables = [f'"{table}"' for table in COLUMNS]
    owned = connection.execute(
        text(
            "SELECT bool_and(pg_has_role(current_user, c.relowner, 'USAGE')) FROM pg_class c "
            "WHERE c.oid = ANY(CAST(:tables AS regclass[]))"
        ),
        {"tables": tables},
    ).scalar()
    if not owned:
        return []
    keys = connection.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[])) ORDER BY oid"
        ),
        {"tables": tables},
    ).all()
    uniques = connection.execute(
        text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'u' "
            "AND c.conrelid = ANY(CAST(:tables AS regclass[])) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' "
            "AND f.conindid = c.conindid) ORDER BY c.oid"
        ),
        {"tables": tables},
    ).all()
    indexes = connection.execute(
        text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(CAST(:tables AS regclass[])) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY i.indexrelid"
        ),
        {"tables": tables},
    ).all()
    for table, name, _definition in keys:
        connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for table, name, _definition in uniques:
        connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        connection.exec_driver_sql(f"DROP INDEX {name}")
    return (
        [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {d}' for table, name, d in uniques]
        + [definition for _name, definition in indexes]
        + [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {d}' for table, name, d in keys]
    )


def _forked(generator: _Generator, out: Any) -> None:
    """The child process: every chunk into ``out``, then the summary (or the error's traceback).
    It never uses the parent's database connection, and leaves with ``os._exit`` (multiprocessing),
    so nothing of the parent's is closed or sent from here."""
    try:
        for item in generator.chunks():
            out.put(marshal.dumps(item))  # far cheaper than pickling the rows
        out.put(marshal.dumps(("done", dataclasses.asdict(generator.summary))))
    except BaseException:
        out.put(marshal.dumps(("failed", traceback.format_exc())))
    finally:
        out.close()
        out.join_thread()


def _chunks(generator: _Generator, concurrent: bool) -> Iterator[tuple[Chunk, int]]:
    """The generator's chunks; with ``concurrent``, made in a forked process (where the platform
    forks) while this one writes, so that Python generates on one core while the database, and
    the formatting of the rows, use the other. The summary comes back from the child at the end."""
    if not concurrent or "fork" not in multiprocessing.get_all_start_methods():
        yield from generator.chunks()
        return
    context = multiprocessing.get_context("fork")
    out = context.Queue(maxsize=4)
    child = context.Process(target=_forked, args=(generator, out), daemon=True)
    child.start()
    try:
        while True:
            first, second = marshal.loads(out.get())
            if first == "done":
                generator.summary = Summary(**second)
                return
            if first == "failed":
                raise RuntimeError(f"the synthetic data generator failed:\n{second}")
            yield first, second
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def run(
    engine: Engine,
    cases: int,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Load ``cases`` synthetic cases (and everything around them) into an empty database, in one
    transaction. Needs an app context. Returns the counts and the speed."""
    if current_app.config.get("FORTRIN_ENV") == "production":
        raise SynthRefused("Syntetiske data er ikke tilladt i produktion (FORTRIN_ENV=production).")
    if cases < 1:
        raise SynthRefused("--cases skal være mindst 1.")
    report = progress or (lambda _n: None)
    started = time.perf_counter()
    with engine.begin() as connection:
        refuse_unless_empty(connection)
        schedule = has_schedule_columns(connection)
        columns = dict(COLUMNS)
        if schedule:
            columns["application"] = COLUMNS["application"] + SCHEDULE_COLUMNS
        restore: list[str] = []
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
            connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
            connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            restore = _defer_postgres_checks(connection)
            if restore and schedule:  # the tally is counted once at the end, not row by row
                connection.exec_driver_sql(
                    "ALTER TABLE application DISABLE TRIGGER application_tally"
                )
                restore.append("ALTER TABLE application ENABLE TRIGGER application_tally")
        sink = _Sink(connection, columns)
        generator = _Generator(connection, cases, seed, clock.now(), schedule)
        postgres = connection.dialect.name == "postgresql"
        for chunk, done in _chunks(generator, concurrent=postgres):
            for table in COLUMNS:  # in the order of the foreign keys
                sink.write(table, chunk[table])
            report(done)
        loaded = time.perf_counter()
        for statement in restore:
            connection.exec_driver_sql(statement)
        if schedule:
            tally.rebuild(connection)
    indexed = time.perf_counter()
    with engine.begin() as connection:  # fresh statistics for the planner
        connection.exec_driver_sql("ANALYZE")
    finished = time.perf_counter()
    summary = generator.summary
    return {
        **summary.as_dict(),
        "rows": sink.rows,
        "schedule_columns": schedule,
        "seconds": round(finished - started, 2),
        "load_seconds": round(loaded - started, 2),
        "index_seconds": round(indexed - loaded, 2),
        "analyze_seconds": round(finished - indexed, 2),
        "cases_per_second": round(summary.cases / max(finished - started, 1e-9)),
        "password": PASSWORD,
        "logins": {
            "admin": f"admin@{DOMAIN}",
            "caseworker_kobenhavn": f"sagsbehandler1.jc101@{DOMAIN}",
            "employer_kobenhavns_kommune": f"arbejdsgiver1.org1@{DOMAIN}",
            "applicant": f"borger1@{DOMAIN}",
        },
    }


def units(cases: int) -> int:
    """The progress bar's length: each applicant and each case is one step."""
    return max(1, round(cases * APPLICANTS_PER_CASE)) + cases


def fresh_cases(engine: Engine, jobcentre_code: str, count: int, seed: int) -> list[str]:
    """``count`` new applications via the jobcentre, waiting for its assessment, from new
    applicants who live in its area, on open vacancies: the cases a benchmark of the event POST
    sends ``assessment`` to, one each (a realistic request that changes a case). Appended to a
    loaded dataset in one transaction; returns their ids. Needs an app context; not in production."""
    if current_app.config.get("FORTRIN_ENV") == "production":
        raise SynthRefused("Syntetiske data er ikke tilladt i produktion (FORTRIN_ENV=production).")
    rng = random.Random(seed)
    now = clock.now()
    with engine.begin() as connection:
        schedule = has_schedule_columns(connection)
        columns = dict(COLUMNS)
        if schedule:
            columns["application"] = COLUMNS["application"] + SCHEDULE_COLUMNS
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
        generator = _Generator(connection, count, seed, now, schedule)
        homes = [m for m in generator.municipalities if m.jobcentre_code == jobcentre_code]
        if not homes:
            raise SynthRefused(f"Jobcenter {jobcentre_code} findes ikke.")
        vacancies = connection.execute(
            text(
                "SELECT id, application_deadline FROM vacancy WHERE state = 'open' "
                "AND application_deadline >= :today AND (workplace_jobcentre_code IS NULL "
                "OR workplace_jobcentre_code <> :code) ORDER BY id LIMIT 500"
            ),
            {"today": generator.today, "code": jobcentre_code},
        ).all()
        if not vacancies:
            raise SynthRefused("Ingen åbne stillinger at søge.")
        tag = f"{seed}-{rng.getrandbits(32):08x}"
        created = generator.now - 3600
        ts = generator.clock.utc_text
        users: list[Row] = []
        applications: list[Row] = []
        events: list[Row] = []
        ids: list[str] = []
        for number in range(count):
            applicant_id = f"{rng.getrandbits(128):032x}"
            application_id = f"{rng.getrandbits(128):032x}"
            home = rng.choice(homes)
            vacancy_id, deadline = rng.choice(vacancies)
            users.append(
                generator._user(
                    applicant_id, f"borger.{tag}.{number}@{DOMAIN}", "applicant", home=home.code
                )
            )
            state = S.AWAITING_ASSESSMENT
            row: Row = (
                application_id, vacancy_id, applicant_id, "via_jobcentre", state, jobcentre_code,
                jobcentre_code, False, False, ts(created), ts(created), ts(created), None, None,
                None, None, None, None, None, None, None, None, 1,
            )  # fmt: skip
            if schedule:
                deadline_day = (
                    deadline if isinstance(deadline, date) else date.fromisoformat(deadline)
                )
                row += generator._schedule(state, created, None, None, None, deadline_day)
            applications.append(row)
            events.append(
                (
                    application_id, 1, ts(created), "submitted", applicant_id, "applicant", None,
                    state,
                    f'{{"route": "via_jobcentre", "handling_jobcentre_code": "{jobcentre_code}", '
                    '"routed_to_neighbour": false}',
                )
            )  # fmt: skip
            ids.append(application_id)
        sink = _Sink(connection, columns)
        sink.write("user", users)
        sink.write("application", applications)
        sink.write("application_event", events)
    return ids
