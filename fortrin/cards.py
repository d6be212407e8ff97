"""Shared module: conversations, compensation cards, verification and the fast track (000, 001).

The card is given by the jobcentre to a citizen with a disability *before* any employment, so that the
citizen and possible employers know which schemes the citizen can expect; it is no legal claim (001).
The trial's lesson (001: 950 conversations, 165 cards, 16-30 minutes per card): a card must be cheap
to write, so it starts from a template and the conversations already held, and issuing is one call.

Who: the caseworkers of the applicant's home jobcentre write cards; they, the applicant, the handling
jobcentre of one of the applicant's cases and admins read them; an employer never sees the impairment
summary, only (when the applicant shares it) the schemes, through the case or the public verification.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, event, func
from sqlalchemy.orm import Session as SASession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from fortrin import audit, clock
from fortrin.applicants import get_applicant, is_home_caseworker
from fortrin.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fortrin.models import (
    CardConversation,
    CardScheme,
    CardTemplate,
    CompensationCard,
    Conversation,
    Employment,
    FastTrackTask,
    Jobcentre,
    Municipality,
    ReferenceChange,
    User,
)
from fortrin.registry import known_scheme_codes
from fortrin.validation import validate

# Crockford's base32 without look-alikes: a code people can read off paper and type.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
Text = Annotated[str, Field(max_length=20000)]


def verification_code() -> str:
    """80 random bits as four groups of four: unguessable, and typable from a printed card."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def home_jobcentre_of(db: Session, applicant: User) -> str:
    home = db.get(Municipality, applicant.home_municipality_code or "")
    if home is None:
        raise Conflict("Ansøgeren har ingen bopælskommune registreret.", "no_home_municipality")
    return home.jobcentre_code


def _require_home_caseworker(db: Session, user: User, applicant: User) -> None:
    if not is_home_caseworker(db, user, applicant):
        raise Forbidden("Kun jobcenteret i borgerens bopælskommune skriver samtaler og kort.")


# --- conversations -------------------------------------------------------------------------------


class ConversationIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    held_on: date
    topics: Annotated[
        list[Literal["qualifications", "impairment", "match", "schemes", "other"]],
        Field(min_length=1, max_length=5),
    ]
    notes: Text = ""


def add_conversation(
    db: Session, user: User, applicant_id: str, body: dict[str, Any]
) -> Conversation:
    applicant = get_applicant(db, user, applicant_id)
    _require_home_caseworker(db, user, applicant)
    spec = validate(ConversationIn, body)
    if spec.held_on > clock.today():
        raise ValidationFailed({"held_on": "må ikke ligge i fremtiden"})
    conversation = Conversation(
        applicant_id=applicant.id,
        jobcentre_code=home_jobcentre_of(db, applicant),
        caseworker_id=user.id,
        held_on=spec.held_on,
        topics=list(dict.fromkeys(spec.topics)),
        notes=spec.notes,
        created_at=clock.now(),
    )
    db.add(conversation)
    db.flush()
    audit.record(db, user, audit.CREATE, audit.CONVERSATION, conversation.id, applicant.id)
    return conversation


def conversations_of(db: Session, user: User, applicant_id: str) -> list[Conversation]:
    """The citizen's conversations with their notes, to be shown: each read is audited."""
    applicant = get_applicant(db, user, applicant_id)
    rows = list(
        db.exec(
            select(Conversation)
            .where(Conversation.applicant_id == applicant.id)
            .order_by(col(Conversation.held_on).desc())
        ).all()
    )
    audit.record_many(
        db, user, audit.READ, audit.CONVERSATION, [(c.id, applicant.id) for c in rows]
    )
    return rows


# --- templates -----------------------------------------------------------------------------------


class TemplateScheme(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    scheme_code: Annotated[str, Field(min_length=1, max_length=60)]
    need: Annotated[str, Field(min_length=1, max_length=2000)]
    pre_approved: bool = False


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Text = ""
    job_functions: Text = ""
    schemes: Annotated[list[TemplateScheme], Field(min_length=1, max_length=20)]


TEMPLATES: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "hearing",
        {
            "name": "Hørehandicap",
            "description": "Døve og hørehæmmede: tolkning og tekniske hjælpemidler.",
            "job_functions": "Møder, telefon- og videomøder, undervisning og samarbejde med kolleger.",
            "schemes": [
                {
                    "scheme_code": "interpretation",
                    "need": "Tegnsprogs- eller skrivetolkning ved møder og samtaler.",
                    "pre_approved": True,
                },
                {
                    "scheme_code": "assistive_devices",
                    "need": "Teleslynge, lydforstærkning og visuelle alarmer.",
                    "pre_approved": False,
                },
            ],
        },
    ),
    (
        "vision",
        {
            "name": "Synshandicap",
            "description": "Blinde og svagsynede: hjælpemidler og personlig assistance.",
            "job_functions": "Læsning af dokumenter og skærmarbejde.",
            "schemes": [
                {
                    "scheme_code": "assistive_devices",
                    "need": "Skærmlæser, forstørrelse, CCTV og lupper.",
                    "pre_approved": True,
                },
                {
                    "scheme_code": "personal_assistance",
                    "need": "Hjælp til læsning og orientering.",
                    "pre_approved": False,
                },
            ],
        },
    ),
    (
        "mobility",
        {
            "name": "Bevægelseshandicap",
            "description": "Nedsat bevægelighed: indretning af arbejdspladsen og praktisk hjælp.",
            "job_functions": "Kontorarbejde og praktiske opgaver.",
            "schemes": [
                {
                    "scheme_code": "assistive_devices",
                    "need": "Hæve-sænkebord, særlig stol og tilpasset værktøj.",
                    "pre_approved": True,
                },
                {
                    "scheme_code": "personal_assistance",
                    "need": "Praktisk hjælp til løft og transport af materialer.",
                    "pre_approved": False,
                },
            ],
        },
    ),
    (
        "chronic_illness",
        {
            "name": "Kronisk sygdom",
            "description": "Langvarig eller kronisk sygdom med risiko for fravær.",
            "job_functions": "",
            "schemes": [
                {
                    "scheme_code": "sickness_agreement_56",
                    "need": "Refusion af sygedagpenge fra første fraværsdag (§ 56-aftale).",
                    "pre_approved": True,
                },
            ],
        },
    ),
    (
        "new_graduate",
        {
            "name": "Nyuddannet med handicap",
            "description": "Første job efter uddannelsen.",
            "job_functions": "",
            "schemes": [
                {
                    "scheme_code": "icebreaker",
                    "need": "Løntilskud det første år (isbryderordning).",
                    "pre_approved": False,
                },
                {"scheme_code": "mentor", "need": "Mentor i opstarten.", "pre_approved": False},
            ],
        },
    ),
)


def load_templates(db: Session) -> int:
    """Insert the default templates that are missing; never overwrite an admin's version."""
    existing = set(db.exec(select(CardTemplate.code)).all())
    added = 0
    for code, data in TEMPLATES:
        if code not in existing:
            db.add(CardTemplate(code=code, updated_at=clock.now(), **data))
            added += 1
    db.flush()
    return added


def list_templates(db: Session, user: User) -> list[CardTemplate]:
    if user.role not in ("caseworker", "admin"):
        raise Forbidden("Skabeloner er for jobcentre og administratorer.")
    return list(db.exec(select(CardTemplate).order_by(col(CardTemplate.name))).all())


def put_template(db: Session, user: User, code: str, body: dict[str, Any]) -> CardTemplate:
    if user.role != "admin":
        raise Forbidden("Kun administratorer vedligeholder skabeloner.")
    if not code or len(code) > 60 or not code.replace("_", "").isalnum():
        raise ValidationFailed({"code": "kun bogstaver, tal og _"})
    spec = validate(TemplateIn, body)
    _check_scheme_codes(db, [s.scheme_code for s in spec.schemes])
    template = db.get(CardTemplate, code) or CardTemplate(code=code, name=spec.name)
    template.name = spec.name
    template.description = spec.description
    template.job_functions = spec.job_functions
    template.schemes = [s.model_dump() for s in spec.schemes]
    template.updated_at = clock.now()
    template.updated_by = user.id
    db.add(template)
    db.flush()
    return template


def _check_scheme_codes(db: Session, codes: list[str], field: str = "schemes") -> None:
    known = known_scheme_codes(db)
    problems = {
        f"{field}.{i}.scheme_code": "ukendt ordning"
        for i, code in enumerate(codes)
        if code not in known
    }
    if problems:
        raise ValidationFailed(problems)


# --- the grant limit ------------------------------------------------------------------------------


class GrantLimitIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    grant_limit: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None


def set_grant_limit(db: Session, user: User, code: str, body: dict[str, Any]) -> Jobcentre:
    """The amount up to which the jobcentre's caseworkers may pre-approve (admin; logged)."""
    jobcentre = db.get(Jobcentre, code)
    if jobcentre is None:
        raise NotFound("Jobcenteret findes ikke.")
    if user.role != "admin":
        raise Forbidden("Kun administratorer sætter bevillingsrammen.")
    limit = validate(GrantLimitIn, body).grant_limit
    if limit is not None:
        limit = limit.quantize(Decimal("0.01"))
    old = jobcentre.grant_limit
    if old != limit:
        jobcentre.grant_limit = limit
        db.add(jobcentre)
        db.add(
            ReferenceChange(
                at=clock.now(),
                actor_id=user.id,
                entity="jobcentre",
                entity_key=code,
                field="grant_limit",
                old_value=None if old is None else str(old),
                new_value=None if limit is None else str(limit),
                reason="",
            )
        )
        db.flush()
    return jobcentre


# --- cards ---------------------------------------------------------------------------------------


class CardSchemeIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    scheme_code: Annotated[str, Field(min_length=1, max_length=60)]
    need: Annotated[str, Field(min_length=1, max_length=2000)]
    pre_approved: bool = False
    amount_limit: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None = None
    conditions: Annotated[str, Field(max_length=2000)] | None = None


class FastTrackIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    responsible: Annotated[str, Field(min_length=1, max_length=200)]
    max_days: Annotated[int, Field(ge=1, le=90)]


class CardIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    applicant_id: Annotated[str, Field(min_length=1, max_length=64)]
    conversation_ids: Annotated[
        list[Annotated[str, Field(max_length=64)]], Field(min_length=1, max_length=50)
    ]
    template_code: Annotated[str, Field(max_length=60)] | None = None
    impairment_summary: Text = ""
    job_functions: Text | None = None
    schemes: Annotated[list[CardSchemeIn], Field(max_length=20)] | None = None
    valid_until: date
    fast_track: FastTrackIn


def create_card(db: Session, user: User, body: dict[str, Any]) -> CompensationCard:
    if user.role != "caseworker":
        raise Forbidden("Kun jobcentre skriver kompensationskort.")
    spec = validate(CardIn, body)
    try:
        applicant = get_applicant(db, user, spec.applicant_id)
    except NotFound as error:
        raise ValidationFailed({"applicant_id": "borgeren findes ikke"}) from error
    _require_home_caseworker(db, user, applicant)
    template = db.get(CardTemplate, spec.template_code) if spec.template_code else None
    if spec.template_code and template is None:
        raise ValidationFailed({"template_code": "skabelonen findes ikke"})
    schemes = spec.schemes
    if schemes is None:
        schemes = [CardSchemeIn.model_validate(s) for s in (template.schemes if template else [])]
    problems: dict[str, str] = {}
    if not schemes:
        problems["schemes"] = "kortet skal have mindst én ordning (eller en skabelon)"
    if spec.valid_until <= clock.today():
        problems["valid_until"] = "skal ligge efter i dag"
    conversations = db.exec(
        select(Conversation).where(col(Conversation.id).in_(spec.conversation_ids))
    ).all()
    if len({c.id for c in conversations if c.applicant_id == applicant.id}) != len(
        set(spec.conversation_ids)
    ):
        problems["conversation_ids"] = "skal være samtaler med denne borger"
    if problems:
        raise ValidationFailed(problems)
    _check_scheme_codes(db, [s.scheme_code for s in schemes])
    jobcentre_code = home_jobcentre_of(db, applicant)
    limit = db.get(Jobcentre, jobcentre_code).grant_limit  # type: ignore[union-attr]
    for i, scheme in enumerate(schemes):
        if scheme.pre_approved and scheme.amount_limit is not None:
            if limit is None:
                problems[f"schemes.{i}.amount_limit"] = (
                    "jobcenteret har ingen bevillingsramme; en administrator skal sætte den"
                )
            elif scheme.amount_limit > limit:
                problems[f"schemes.{i}.amount_limit"] = (
                    f"overstiger jobcenterets bevillingsramme på {limit} kr."
                )
    if problems:
        raise ValidationFailed(problems)
    card = CompensationCard(
        applicant_id=applicant.id,
        jobcentre_code=jobcentre_code,
        created_by=user.id,
        created_at=clock.now(),
        template_code=template.code if template else None,
        impairment_summary=spec.impairment_summary,
        job_functions=spec.job_functions
        if spec.job_functions is not None
        else (template.job_functions if template else ""),
        valid_until=spec.valid_until,
        fast_track_responsible=spec.fast_track.responsible,
        fast_track_max_days=spec.fast_track.max_days,
    )
    db.add(card)
    db.flush()
    for position, scheme in enumerate(schemes):
        db.add(CardScheme(card_id=card.id, position=position, **scheme.model_dump()))
    for conversation_id in dict.fromkeys(spec.conversation_ids):
        db.add(CardConversation(card_id=card.id, conversation_id=conversation_id))
    audit.record(db, user, audit.CREATE, audit.CARD, card.id, applicant.id)
    db.flush()
    return card


def card_schemes(db: Session, card: CompensationCard) -> list[CardScheme]:
    known: dict[str, list[CardScheme]] = db.info.get("card_schemes", {})
    if card.id in known:
        return list(known[card.id])
    return list(
        db.exec(
            select(CardScheme)
            .where(CardScheme.card_id == card.id)
            .order_by(col(CardScheme.position))
        ).all()
    )


def card_conversation_ids(db: Session, card: CompensationCard) -> list[str]:
    return list(
        db.exec(select(CardConversation.conversation_id).where(CardConversation.card_id == card.id))
    )


def find_card(db: Session, user: User, card_id: str) -> CompensationCard:
    """The card, if the caller may see it; else 404. Not audited: for writes, which record their
    own audit row."""
    card = db.get(CompensationCard, card_id)
    # An erased card (retention) belongs to nobody and is shown to nobody.
    if card is None or card.applicant_id is None or user.role == "employer":
        raise NotFound("Kortet findes ikke.")
    try:
        get_applicant(db, user, card.applicant_id)
    except NotFound:
        raise NotFound("Kortet findes ikke.") from None
    return card


def get_card(db: Session, user: User, card_id: str) -> CompensationCard:
    """The card, to be shown to the caller: the read is audited."""
    card = find_card(db, user, card_id)
    audit.record(db, user, audit.READ, audit.CARD, card.id, card.applicant_id)
    return card


def cards_of(db: Session, user: User, applicant_id: str) -> list[CompensationCard]:
    """The citizen's cards, to be shown: each read is audited."""
    applicant = get_applicant(db, user, applicant_id)
    rows = list(
        db.exec(
            select(CompensationCard)
            .where(CompensationCard.applicant_id == applicant.id)
            .order_by(col(CompensationCard.created_at).desc())
        ).all()
    )
    audit.record_many(db, user, audit.READ, audit.CARD, [(c.id, applicant.id) for c in rows])
    return rows


def _changed(db: Session, user: User, card: CompensationCard, what: str) -> None:
    audit.record(db, user, audit.UPDATE, audit.CARD, card.id, card.applicant_id, what)


def _require_card_jobcentre(user: User, card: CompensationCard) -> None:
    if user.role != "caseworker" or user.jobcentre_code != card.jobcentre_code:
        raise Forbidden("Kun jobcenteret, der har skrevet kortet, kan gøre dette.")


def effective_state(card: CompensationCard, today: date) -> str:
    if card.state == "issued" and card.valid_until < today:
        return "expired"
    return card.state


def issue(db: Session, user: User, card_id: str) -> CompensationCard:
    card = find_card(db, user, card_id)
    _require_card_jobcentre(user, card)
    if card.state != "draft":
        raise Conflict(f"Kortet er ikke en kladde (status '{card.state}').", "invalid_transition")
    if card.valid_until <= clock.today():
        raise Conflict("Kortets gyldighed er udløbet; ret datoen i et nyt kort.", "card_expired")
    card.state = "issued"
    card.issued_at = clock.now()
    card.verification_code = verification_code()
    db.add(card)
    _changed(db, user, card, "issue")
    db.flush()
    return card


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    reason: Annotated[str, Field(min_length=1, max_length=2000)]


def revoke(db: Session, user: User, card_id: str, body: dict[str, Any]) -> CompensationCard:
    card = find_card(db, user, card_id)
    _require_card_jobcentre(user, card)
    if card.state == "revoked":
        raise Conflict("Kortet er allerede tilbagekaldt.", "invalid_transition")
    spec = validate(RevokeIn, body)
    card.state = "revoked"
    card.revoked_at = clock.now()
    card.revoke_reason = spec.reason
    db.add(card)
    _changed(db, user, card, "revoke")
    db.flush()
    return card


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    shared: bool


def share(db: Session, user: User, card_id: str, body: dict[str, Any]) -> CompensationCard:
    """The citizen decides whether employers in their cases may see the card's schemes."""
    card = find_card(db, user, card_id)
    if user.id != card.applicant_id:
        raise Forbidden("Kun borgeren selv bestemmer, om kortet deles.")
    card.shared_with_employers = validate(ShareIn, body).shared
    db.add(card)
    _changed(db, user, card, "share" if card.shared_with_employers else "unshare")
    db.flush()
    return card


def verify(db: Session, code: str) -> CompensationCard:
    card = db.exec(
        select(CompensationCard).where(CompensationCard.verification_code == code.strip().upper())
    ).first()
    if card is None:
        raise NotFound("Ingen kort har den kode.")
    return card


@event.listens_for(SASession, "after_commit")
@event.listens_for(SASession, "after_rollback")
def _forget_prefetched(session: SASession) -> None:
    """What a page prefetched (``remember_valid_cards``, ``cases.prefetch``, ``cases.case_refs``)
    lives until the transaction ends, never longer: a card issued later is seen."""
    for key in (
        "valid_cards",
        "card_schemes",
        "prefetched",
        "timelines",
        "kept",
        "case_refs",
        "last_caseworker",
    ):
        session.info.pop(key, None)


def valid_for(applicant_id: Any, today: date | Any) -> ColumnElement[bool]:
    """The SQL condition for the issued, unexpired cards of ``applicant_id`` (a value or a column,
    to join the cards of a page of cases) on ``today`` (a date, or a parameter)."""
    return and_(
        col(CompensationCard.applicant_id) == applicant_id,
        col(CompensationCard.state) == "issued",
        col(CompensationCard.valid_until) >= today,
    )


def remember_valid_cards(
    db: Session, today: date, found: dict[str, list[CompensationCard]]
) -> None:
    """Keep the valid cards read with a page of cases (issue 12: ``found``, by applicant, maybe
    none) and read their schemes in one query; ``valid_card_for`` and ``card_schemes`` then answer
    from ``db.info`` until the transaction ends."""
    newest = {
        applicant_id: max(own, key=_issued_at) if own else None
        for applicant_id, own in found.items()
    }
    schemes: dict[str, list[CardScheme]] = {c.id: [] for c in newest.values() if c is not None}
    if schemes:
        for scheme in db.exec(
            select(CardScheme)
            .where(col(CardScheme.card_id).in_(schemes))
            .order_by(col(CardScheme.position))
        ):
            schemes[scheme.card_id].append(scheme)
    db.info.setdefault("valid_cards", {}).setdefault(today, {}).update(newest)
    db.info.setdefault("card_schemes", {}).update(schemes)
    db.info.setdefault("prefetched", []).extend(c for c in newest.values() if c is not None)


def _issued_at(card: CompensationCard) -> Any:
    return (card.issued_at or card.created_at, card.id)


def valid_card_for(db: Session, applicant_id: str | None, today: date) -> CompensationCard | None:
    """The applicant's newest issued, unexpired card (none for an erased case's None)."""
    if applicant_id is None:
        return None
    known: dict[str, CompensationCard | None] = db.info.get("valid_cards", {}).get(today, {})
    if applicant_id in known:
        return known[applicant_id]
    return db.exec(
        select(CompensationCard)
        .where(valid_for(applicant_id, today))
        .order_by(col(CompensationCard.issued_at).desc())
    ).first()


# --- employment and the fast track ----------------------------------------------------------------


class EmploymentIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    employer_name: Annotated[str, Field(min_length=1, max_length=200)]
    starts_on: date


def record_employment(db: Session, user: User, card_id: str, body: dict[str, Any]) -> Employment:
    """A concrete employment opens the fast track: one grant task per pre-approved scheme, each due
    ``starts_on + max_days`` (000, core element 4)."""
    card = find_card(db, user, card_id)
    _require_card_jobcentre(user, card)
    state = effective_state(card, clock.today())
    if state != "issued":
        raise Conflict(f"Kortet er ikke gyldigt (status '{state}').", "card_not_valid")
    spec = validate(EmploymentIn, body)
    employment = Employment(
        card_id=card.id,
        employer_name=spec.employer_name,
        starts_on=spec.starts_on,
        created_at=clock.now(),
        created_by=user.id,
    )
    db.add(employment)
    db.flush()
    due = spec.starts_on + timedelta(days=card.fast_track_max_days)
    for scheme in card_schemes(db, card):
        if scheme.pre_approved:
            assert employment.id is not None
            db.add(
                FastTrackTask(
                    employment_id=employment.id,
                    card_id=card.id,
                    scheme_code=scheme.scheme_code,
                    due_on=due,
                )
            )
    _changed(db, user, card, "employment")
    db.flush()
    return employment


def tasks_of(db: Session, card: CompensationCard) -> list[FastTrackTask]:
    return list(
        db.exec(
            select(FastTrackTask)
            .where(FastTrackTask.card_id == card.id)
            .order_by(col(FastTrackTask.id))
        ).all()
    )


def employments_of(db: Session, card: CompensationCard) -> list[Employment]:
    return list(db.exec(select(Employment).where(Employment.card_id == card.id)).all())


class TaskDoneIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    done_on: date | None = None


def complete_task(db: Session, user: User, task_id: int, body: dict[str, Any]) -> FastTrackTask:
    task = db.get(FastTrackTask, task_id)
    if task is None:
        raise NotFound("Opgaven findes ikke.")
    card = find_card(db, user, task.card_id)
    _require_card_jobcentre(user, card)
    if task.done_on is not None:
        raise Conflict("Opgaven er allerede færdig.", "invalid_transition")
    spec = validate(TaskDoneIn, body)
    done_on = spec.done_on or clock.today()
    if done_on > clock.today():
        raise ValidationFailed({"done_on": "må ikke ligge i fremtiden"})
    task.done_on = done_on
    task.done_by = user.id
    db.add(task)
    _changed(db, user, card, "fast_track_task_done")
    db.flush()
    return task


# --- the report (001, domain.md section 11) -----------------------------------------------------------


def report(db: Session, user: User, jobcentre: str, start: date, end: date) -> dict[str, Any]:
    if user.role not in ("caseworker", "admin") or (
        user.role == "caseworker" and user.jobcentre_code != jobcentre
    ):
        raise Forbidden("Rapporten er for jobcenterets egne sagsbehandlere og administratorer.")
    if db.get(Jobcentre, jobcentre) is None:
        raise ValidationFailed({"jobcentre": "jobcenteret findes ikke"})
    if end < start:
        raise ValidationFailed({"to": "skal ligge efter from"})
    first = clock.local_start(start)
    after = clock.local_start(end + timedelta(days=1))
    conversations = db.exec(
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.jobcentre_code == jobcentre,
            col(Conversation.held_on) >= start,
            col(Conversation.held_on) <= end,
        )
    ).one()
    issued = list(
        db.exec(
            select(CompensationCard.id).where(
                CompensationCard.jobcentre_code == jobcentre,
                col(CompensationCard.issued_at) >= first,
                col(CompensationCard.issued_at) < after,
            )
        ).all()
    )
    pre_approvals = (
        db.exec(
            select(func.count())
            .select_from(CardScheme)
            .where(col(CardScheme.card_id).in_(issued), col(CardScheme.pre_approved).is_(True))
        ).one()
        if issued
        else 0
    )
    own_cards = select(CompensationCard.id).where(CompensationCard.jobcentre_code == jobcentre)
    employments = db.exec(
        select(func.count())
        .select_from(Employment)
        .where(
            col(Employment.card_id).in_(own_cards),
            col(Employment.starts_on) >= start,
            col(Employment.starts_on) <= end,
        )
    ).one()
    tasks = list(
        db.exec(
            select(FastTrackTask)
            .join(Employment, col(Employment.id) == col(FastTrackTask.employment_id))
            .where(
                col(FastTrackTask.card_id).in_(own_cards),
                col(Employment.starts_on) >= start,
                col(Employment.starts_on) <= end,
            )
        ).all()
    )
    return {
        "jobcentre": jobcentre,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "conversations": int(conversations),
        "cards_issued": len(issued),
        "cards_per_conversation": round(len(issued) / conversations, 3) if conversations else None,
        "pre_approvals": int(pre_approvals),
        "employments": int(employments),
        "fast_track_tasks": len(tasks),
        "fast_track_on_time": sum(
            1 for t in tasks if t.done_on is not None and t.done_on <= t.due_on
        ),
    }


def open_work(db: Session, user: User) -> tuple[list[CompensationCard], list[FastTrackTask]]:
    """A caseworker's card work: its jobcentre's draft cards and open fast-track grants by due date."""
    if user.role != "caseworker":
        return [], []
    drafts = list(
        db.exec(
            select(CompensationCard)
            .where(
                CompensationCard.jobcentre_code == user.jobcentre_code,
                CompensationCard.state == "draft",
                col(CompensationCard.erased_at).is_(None),
            )
            .order_by(col(CompensationCard.created_at))
        ).all()
    )
    own = select(CompensationCard.id).where(CompensationCard.jobcentre_code == user.jobcentre_code)
    tasks = list(
        db.exec(
            select(FastTrackTask)
            .where(col(FastTrackTask.card_id).in_(own), col(FastTrackTask.done_on).is_(None))
            .order_by(col(FastTrackTask.due_on))
        ).all()
    )
    return drafts, tasks
