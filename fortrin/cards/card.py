"""The compensation card: the jobcentre's grant limit, writing, issuing, revoking and sharing a card,
its public verification, and the valid cards read with a page of cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, event
from sqlalchemy.orm import Session as SASession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from fortrin import audit, clock
from fortrin.applicants import get_applicant
from fortrin.cards.common import (
    Text,
    check_scheme_codes,
    home_jobcentre_of,
    require_home_caseworker,
    verification_code,
)
from fortrin.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fortrin.models import (
    CardConversation,
    CardScheme,
    CardTemplate,
    CompensationCard,
    Conversation,
    Jobcentre,
    ReferenceChange,
    User,
)
from fortrin.validation import validate

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
    require_home_caseworker(db, user, applicant)
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
    check_scheme_codes(db, [s.scheme_code for s in schemes])
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


def record_change(db: Session, user: User, card: CompensationCard, what: str) -> None:
    audit.record(db, user, audit.UPDATE, audit.CARD, card.id, card.applicant_id, what)


def require_card_jobcentre(user: User, card: CompensationCard) -> None:
    if user.role != "caseworker" or user.jobcentre_code != card.jobcentre_code:
        raise Forbidden("Kun jobcenteret, der har skrevet kortet, kan gøre dette.")


def effective_state(card: CompensationCard, today: date) -> str:
    if card.state == "issued" and card.valid_until < today:
        return "expired"
    return card.state


def issue(db: Session, user: User, card_id: str) -> CompensationCard:
    card = find_card(db, user, card_id)
    require_card_jobcentre(user, card)
    if card.state != "draft":
        raise Conflict(f"Kortet er ikke en kladde (status '{card.state}').", "invalid_transition")
    if card.valid_until <= clock.today():
        raise Conflict("Kortets gyldighed er udløbet; ret datoen i et nyt kort.", "card_expired")
    card.state = "issued"
    card.issued_at = clock.now()
    card.verification_code = verification_code()
    db.add(card)
    record_change(db, user, card, "issue")
    db.flush()
    return card


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    reason: Annotated[str, Field(min_length=1, max_length=2000)]


def revoke(db: Session, user: User, card_id: str, body: dict[str, Any]) -> CompensationCard:
    card = find_card(db, user, card_id)
    require_card_jobcentre(user, card)
    if card.state == "revoked":
        raise Conflict("Kortet er allerede tilbagekaldt.", "invalid_transition")
    spec = validate(RevokeIn, body)
    card.state = "revoked"
    card.revoked_at = clock.now()
    card.revoke_reason = spec.reason
    db.add(card)
    record_change(db, user, card, "revoke")
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
    record_change(db, user, card, "share" if card.shared_with_employers else "unshare")
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
