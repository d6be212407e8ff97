"""Retention (GDPR art. 5 stk. 1 litra c and e, art. 9 and 25; issue 9, point 5).

``FORTRIN_RETENTION_DAYS`` (default 1095 days, three years; README, "Retention") after a case, a
compensation card or a conversation has ended, its health data and free texts are erased and the
citizen is unlinked; what remains is anonymous figures (states, dates, codes, yes/no answers) for
the statistics. An applicant profile is erased once it has not been changed for the same period and
nothing of the applicant's that is still kept remains.

When each thing has ended:

- a **case**: when it entered a final state (hired, closed, withdrawn, ...), or on the last day of
  Ankestyrelsen's opinion window that passed unused (``cases.ended_before``);
- a **card**: when it was revoked, when its validity ran out, or, for a draft never issued, when it
  was created; never while a fast-track grant of it is still open;
- a **conversation**: the day it was held; never before every card it was written for is erased.

What erasing does (each object in its own transaction, so one failure stops nothing else and is
retried at the next run):

- case: ``applicant_id`` and the interview location cleared; each timeline entry keeps only its
  structured keys (``KEPT_KEYS``) and loses the applicant as actor; the case's notifications are
  deleted and the summary of a breach found in it is replaced; the letters kept as sent (issue 11,
  ``CaseDocument``) are deleted; the audit rows about it lose their data subject. The database
  allows exactly this on the append-only tables (migration 0008).
- card: the citizen, the impairment summary, the job functions, each scheme's need and conditions,
  the revocation reason and the verification code;
- conversation: the citizen and the notes (the topics are codes and stay);
- profile: deleted.

Each erasure is itself one ``erase`` row in the audit trail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, delete, exists, or_, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from fortrin import audit, clock
from fortrin.cases import ended_before
from fortrin.models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    AuditEvent,
    Breach,
    CardConversation,
    CardScheme,
    CaseDocument,
    CompensationCard,
    Conversation,
    FastTrackTask,
    Notification,
)

log = logging.getLogger("fortrin.retention")

# Timeline keys that hold codes, dates, numbers and yes/no answers: kept as figures. Every other key
# (the reasoning, notes, statements, minutes, summaries and reasons people wrote, the interview's
# location, the card a negotiation used) is erased. A unit test keeps every event field classified.
KEPT_KEYS = frozenset(
    {
        # submitted and transferred (bek. § 7 routing)
        "route",
        "handling_jobcentre_code",
        "home_jobcentre_code",
        "home_municipality_code",
        "routed_to_neighbour",
        "from_handling_jobcentre_code",
        "from_home_municipality_code",
        # assessment and eligibility check
        "can_perform",
        "has_difficulty_getting_work",
        "eligible",
        # interview, decision, negotiation
        "starts_at",
        "outcome",
        "ground",
        "held_on",
        "competences_considered",
        "disability_not_decisive",
        "schemes_presented",
        "schemes_from_card",
        "card_schemes_added",
        # added by the workflow: the interview moved, the wait for the negotiation, the deadline
        # and its basis and complaint guidance (computed from dates, no one's words)
        "rescheduled",
        "statement_on",
        "wait_days",
        "opinion_due",
        "previous_due",
        "opinion_basis",
        "complaint_guidance",
        # refusal and Ankestyrelsen
        "sent_on",
        "channel",
        "received_on",
        "requested_on",
        "duties_kept",
        # the vacancy
        "filled_by",
    }
)
ERASED_KEY = "erased"
# The free texts of the timeline, named so that a new field must be classified (unit test).
FREE_TEXT_KEYS = frozenset(
    {
        "reasoning",
        "location",
        "notes",
        "reason",
        "text",
        "minutes",
        "attempts",
        "summary",
        "card_id",
    }
)
ERASED_TEXT = "[Slettet efter opbevaringsperioden]"
ERASE = "erase"


def erased_data(data: dict[str, Any]) -> dict[str, Any]:
    """A timeline entry's data as retention leaves it: the kept keys, and which keys went."""
    kept = {key: value for key, value in data.items() if key in KEPT_KEYS}
    gone = sorted(
        key
        for key, value in data.items()
        if key not in KEPT_KEYS and key != ERASED_KEY and value not in (None, "")
    )
    if gone or ERASED_KEY in data:
        kept[ERASED_KEY] = sorted(set(gone) | set(data.get(ERASED_KEY) or []))
    return kept


# --- what is due -------------------------------------------------------------------------------------


def cutoff_for(today: date, days: int) -> date:
    """Things that ended before this day are past retention."""
    return today - timedelta(days=days)


def case_erasable(cutoff: date) -> ColumnElement[bool]:
    return and_(col(Application.erased_at).is_(None), ended_before(cutoff))


def _card_erasable(card: Any, cutoff: date) -> ColumnElement[bool]:
    """For ``card``, the CompensationCard entity or an alias of it."""
    start = clock.local_start(cutoff)
    ended = or_(
        and_(card.state == "revoked", card.revoked_at < start),
        and_(card.state == "issued", card.valid_until < cutoff),
        and_(card.state == "draft", card.created_at < start),
    )
    open_task = exists().where(
        FastTrackTask.card_id == card.id, col(FastTrackTask.done_on).is_(None)
    )
    return and_(card.erased_at.is_(None), ended, ~open_task)


def card_erasable(cutoff: date) -> ColumnElement[bool]:
    return _card_erasable(CompensationCard, cutoff)


def _conversation_erasable(conversation: Any, cutoff: date) -> ColumnElement[bool]:
    card: Any = aliased(CompensationCard)
    kept_card = (
        select(CardConversation.card_id)
        .join(card, card.id == CardConversation.card_id)
        .where(
            CardConversation.conversation_id == conversation.id,
            card.erased_at.is_(None),
            ~_card_erasable(card, cutoff),
        )
    )
    return and_(
        conversation.erased_at.is_(None), conversation.held_on < cutoff, ~kept_card.exists()
    )


def conversation_erasable(cutoff: date) -> ColumnElement[bool]:
    return _conversation_erasable(Conversation, cutoff)


def profile_erasable(cutoff: date) -> ColumnElement[bool]:
    """Unchanged for the period, and nothing of the applicant's is kept any longer."""
    user_id = ApplicantProfile.user_id
    case: Any = aliased(Application)
    card: Any = aliased(CompensationCard)
    conversation: Any = aliased(Conversation)
    kept_case = select(case.id).where(
        case.applicant_id == user_id,
        case.erased_at.is_(None),
        ~ended_before(cutoff, case),
    )
    kept_card = select(card.id).where(
        card.applicant_id == user_id, card.erased_at.is_(None), ~_card_erasable(card, cutoff)
    )
    kept_conversation = select(conversation.id).where(
        conversation.applicant_id == user_id,
        conversation.erased_at.is_(None),
        ~_conversation_erasable(conversation, cutoff),
    )
    return and_(
        col(ApplicantProfile.updated_at) < clock.local_start(cutoff),
        ~kept_case.exists(),
        ~kept_card.exists(),
        ~kept_conversation.exists(),
    )


@dataclass
class Plan:
    """What a run erases (or, dry, would erase): ids only, never the data."""

    cutoff: date
    days: int
    cases: list[str] = field(default_factory=list)
    cards: list[str] = field(default_factory=list)
    conversations: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    failed: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "retention_days": self.days,
            "ended_before": self.cutoff.isoformat(),
            "cases": len(self.cases),
            "cards": len(self.cards),
            "conversations": len(self.conversations),
            "profiles": len(self.profiles),
            "failed": self.failed,
        }


def plan(db: Session, today: date, days: int) -> Plan:
    """What is past retention on ``today``. Changes nothing."""
    cutoff = cutoff_for(today, days)

    def ids(column: Any, condition: ColumnElement[bool]) -> list[str]:
        return [str(value) for value in db.exec(select(column).where(condition).order_by(column))]

    return Plan(
        cutoff=cutoff,
        days=days,
        cases=ids(Application.id, case_erasable(cutoff)),
        cards=ids(CompensationCard.id, card_erasable(cutoff)),
        conversations=ids(Conversation.id, conversation_erasable(cutoff)),
        profiles=ids(ApplicantProfile.user_id, profile_erasable(cutoff)),
    )


# --- erasing -----------------------------------------------------------------------------------------


def run(engine: Engine, today: date, days: int, dry_run: bool = False) -> Plan:
    """Erase what is past retention, each object in its own transaction; returns what was erased
    (with ``dry_run``: what would be, changing nothing). Cases first, then cards, conversations
    and profiles, each step planned after the one before it is done."""
    with Session(engine) as db:
        due = plan(db, today, days)
    if dry_run:
        return due
    done = Plan(cutoff=due.cutoff, days=days)
    steps: tuple[tuple[Any, Any, Any, list[str]], ...] = (
        (Application.id, case_erasable, _erase_case, done.cases),
        (CompensationCard.id, card_erasable, _erase_card, done.cards),
        (Conversation.id, conversation_erasable, _erase_conversation, done.conversations),
        (ApplicantProfile.user_id, profile_erasable, _erase_profile, done.profiles),
    )
    for key, condition, erase, erased in steps:
        with Session(engine) as db:
            ids = [str(v) for v in db.exec(select(key).where(condition(done.cutoff)).order_by(key))]
        for object_id in ids:
            with Session(engine) as db:
                try:
                    if erase(db, object_id, done.cutoff, clock.now()):
                        db.commit()
                        erased.append(object_id)
                    else:
                        db.rollback()
                except Exception as error:  # one object never stops the others
                    db.rollback()
                    done.failed += 1
                    log.error(
                        "retention: %s %s not erased (%s)",
                        erase.__name__,
                        object_id,
                        type(error).__name__,
                    )
    return done


def _unlink_audit(db: Session, entity: str, entity_id: str) -> None:
    db.exec(
        update(AuditEvent)
        .where(
            col(AuditEvent.entity) == entity,
            col(AuditEvent.entity_id) == entity_id,
            col(AuditEvent.subject_id).is_not(None),
        )
        .values(subject_id=None)
    )


def _erase_case(db: Session, application_id: str, cutoff: date, now: datetime) -> bool:
    application = db.exec(
        select(Application).where(Application.id == application_id, case_erasable(cutoff))
    ).first()
    if application is None:  # erased meanwhile, or no longer due
        return False
    applicant_id = application.applicant_id
    application.applicant_id = None
    application.interview_location = None
    application.erased_at = now
    db.add(application)
    db.flush()  # the database lets the timeline change only once the case is marked erased
    events = db.exec(
        select(ApplicationEvent).where(ApplicationEvent.application_id == application_id)
    ).all()
    for event in events:
        data = erased_data(dict(event.data or {}))
        if data != event.data:
            event.data = data
        if applicant_id is not None and event.actor_id == applicant_id:
            event.actor_id = None
        db.add(event)
    db.flush()
    _unlink_audit(db, audit.APPLICATION, application_id)
    db.exec(delete(Notification).where(col(Notification.application_id) == application_id))
    db.exec(delete(CaseDocument).where(col(CaseDocument.application_id) == application_id))
    db.exec(
        update(Breach)
        .where(col(Breach.application_id) == application_id)
        .values(summary=ERASED_TEXT)
    )
    audit.record(db, None, ERASE, audit.APPLICATION, application_id, None, "retention")
    return True


def _erase_card(db: Session, card_id: str, cutoff: date, now: datetime) -> bool:
    card = db.exec(
        select(CompensationCard).where(CompensationCard.id == card_id, card_erasable(cutoff))
    ).first()
    if card is None:
        return False
    card.applicant_id = None
    card.impairment_summary = ""
    card.job_functions = ""
    card.revoke_reason = None
    card.verification_code = None
    card.erased_at = now
    db.add(card)
    db.exec(
        update(CardScheme)
        .where(col(CardScheme.card_id) == card_id)
        .values(need="", conditions=None)
    )
    db.flush()
    _unlink_audit(db, audit.CARD, card_id)
    audit.record(db, None, ERASE, audit.CARD, card_id, None, "retention")
    return True


def _erase_conversation(db: Session, conversation_id: str, cutoff: date, now: datetime) -> bool:
    conversation = db.exec(
        select(Conversation).where(
            Conversation.id == conversation_id, conversation_erasable(cutoff)
        )
    ).first()
    if conversation is None:
        return False
    conversation.applicant_id = None
    conversation.notes = ""
    conversation.erased_at = now
    db.add(conversation)
    db.flush()
    _unlink_audit(db, audit.CONVERSATION, conversation_id)
    audit.record(db, None, ERASE, audit.CONVERSATION, conversation_id, None, "retention")
    return True


def _erase_profile(db: Session, user_id: str, cutoff: date, now: datetime) -> bool:
    profile = db.exec(
        select(ApplicantProfile).where(
            ApplicantProfile.user_id == user_id, profile_erasable(cutoff)
        )
    ).first()
    if profile is None:
        return False
    db.delete(profile)
    db.flush()
    audit.record(db, None, ERASE, audit.PROFILE, user_id, user_id, "retention")
    return True
