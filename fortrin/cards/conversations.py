"""The conversations a jobcentre holds with a citizen before it writes a card (000, 001)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from fortrin import audit, clock
from fortrin.applicants import get_applicant
from fortrin.cards.common import Text, home_jobcentre_of, require_home_caseworker
from fortrin.errors import ValidationFailed
from fortrin.models import Conversation, User
from fortrin.validation import validate


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
    require_home_caseworker(db, user, applicant)
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
