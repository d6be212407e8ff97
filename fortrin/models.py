"""The tables. Plain data: the rules live in ``fortrin/workflows/``.

Ids of things users create are random strings (clients never build or guess them); reference data
keys are the official codes. Every datetime is aware and stored as UTC.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, Numeric, String, Text, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from fortrin.crypto import EncryptedText, cpr_index
from fortrin.db import UTCDateTime


def new_id() -> str:
    """An opaque, unguessable id (128 bits)."""
    return secrets.token_hex(16)


def _utc(nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_type=UTCDateTime, nullable=nullable, index=index)


# --- reference data ---------------------------------------------------------------------------


class Jobcentre(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=3)
    name: str = Field(max_length=200)
    # The amount up to which this jobcentre's caseworkers may pre-approve a scheme on a card (000).
    grant_limit: Decimal | None = Field(default=None, sa_type=Numeric(12, 2))


class Municipality(SQLModel, table=True):
    """A municipality, the jobcentre that serves it and its designated neighbour (bek. §7)."""

    code: str = Field(primary_key=True, max_length=3)
    name: str = Field(max_length=200)
    region_code: str = Field(max_length=4)
    region_name: str = Field(max_length=200)
    jobcentre_code: str = Field(foreign_key="jobcentre.code", index=True, max_length=3)
    neighbour_jobcentre_code: str | None = Field(
        default=None, foreign_key="jobcentre.code", max_length=3
    )
    neighbour_basis: str = Field(default="", sa_type=Text)


class ReferenceChange(SQLModel, table=True):
    """One change an administrator made to the reference data: who, when, old, new."""

    __tablename__ = "reference_change"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc(index=True)
    actor_id: str | None = Field(default=None, foreign_key="user.id", max_length=32)
    entity: str = Field(max_length=40)
    entity_key: str = Field(max_length=40)
    field: str = Field(max_length=60)
    old_value: str | None = Field(default=None, max_length=200)
    new_value: str | None = Field(default=None, max_length=200)
    reason: str = Field(default="", sa_type=Text)


class Scheme(SQLModel, table=True):
    """A compensation scheme of the registry (domain.md section 9)."""

    code: str = Field(primary_key=True, max_length=60)
    name: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    legal_basis: str = Field(max_length=300)
    target_group: str = Field(sa_type=Text)
    conditions: str = Field(sa_type=Text)
    state_refund_share: Decimal | None = Field(default=None, sa_type=Numeric(5, 4))


# --- people and organisations -------------------------------------------------------------------


class Organisation(SQLModel, table=True):
    """A public employer or licensing authority (bek. §4)."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    municipality_code: str | None = Field(
        default=None, foreign_key="municipality.code", max_length=3
    )
    cvr: str | None = Field(default=None, max_length=8)
    public_funding_share: Decimal | None = Field(default=None, sa_type=Numeric(5, 4))
    # The øverste ledelse (municipal council, regional council, ministry) that gets a copy when
    # Ankestyrelsen finds the duties were not kept (kompensationslov § 17 a stk. 4).
    top_official_name: str | None = Field(default=None, max_length=200)
    top_official_email: str | None = Field(default=None, max_length=254)
    created_at: datetime = _utc()


class User(SQLModel, table=True):
    # Issue 12: the admin's list of users, newest first, read by key in index order.
    __table_args__ = (Index("ix_user_created", "created_at", "id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    email: str = Field(sa_column=Column(String(254), unique=True, nullable=False))
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=300)
    role: str = Field(max_length=20, index=True)
    jobcentre_code: str | None = Field(default=None, foreign_key="jobcentre.code", max_length=3)
    organisation_id: str | None = Field(
        default=None, foreign_key="organisation.id", max_length=32, index=True
    )
    home_municipality_code: str | None = Field(
        default=None, foreign_key="municipality.code", max_length=3, index=True
    )
    # Encrypted at rest (fortrin/crypto.py); ``cpr_index`` finds it by an exact match.
    cpr: str | None = Field(default=None, sa_type=EncryptedText)
    cpr_index: str | None = Field(default=None, max_length=64, index=True)
    active: bool = True
    # The language the person chose (issue 10): pages, and the notices and e-mails the service
    # writes to them, are in it. None is Danish, the service's first language.
    language: str | None = Field(default=None, max_length=2)
    created_at: datetime = _utc()


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _index_cpr(_mapper: Any, _connection: Any, user: User) -> None:
    """Keep the exact-match index in step with the (encrypted) CPR number."""
    user.cpr_index = cpr_index(user.cpr) if user.cpr else None


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(foreign_key="user.id", max_length=32, index=True)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = _utc()
    expires_at: datetime = _utc()
    revoked_at: datetime | None = _utc(nullable=True)


class UserSession(SQLModel, table=True):
    """A web sign-in, kept on the server so that signing out (or deactivation) ends it for good: the
    cookie carries a random id, the table only its SHA-256."""

    __tablename__ = "user_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="user.id", max_length=32, index=True)
    created_at: datetime = _utc()
    last_seen_at: datetime = _utc()
    ended_at: datetime | None = _utc(nullable=True)


class LoginAttempt(SQLModel, table=True):
    """A sign-in attempt, for throttling across every worker (5 per e-mail, 20 per address in 15
    minutes). The e-mail is kept only as a keyed hash."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc(index=True)
    email_key: str = Field(max_length=64, index=True)
    address: str = Field(max_length=64, index=True)
    succeeded: bool = False


class AuditEvent(SQLModel, table=True):
    """Who read or changed which case, profile, card or conversation, and when (GDPR art. 30, 32).
    Append-only, like the timeline: the database refuses UPDATE, DELETE and TRUNCATE."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc(index=True)
    actor_id: str | None = Field(default=None, max_length=32, index=True)
    actor_role: str = Field(max_length=20)
    action: str = Field(max_length=20)  # read, create, update, export, erase, ...
    entity: str = Field(max_length=30)  # application, profile, card, conversation, user
    entity_id: str = Field(max_length=64)
    # The person the data is about (the data subject), when there is one.
    subject_id: str | None = Field(default=None, max_length=32, index=True)
    detail: str = Field(default="", max_length=200)


class ApplicantProfile(SQLModel, table=True):
    """The jobcentre's registration of an applicant (bek. §5): health data, jobcentre only."""

    __tablename__ = "applicant_profile"

    user_id: str = Field(primary_key=True, foreign_key="user.id", max_length=32)
    education: str = Field(default="", sa_type=Text)
    qualifications: str = Field(default="", sa_type=Text)
    disability_nature: str = Field(default="", sa_type=Text)
    disability_extent: str = Field(default="", sa_type=Text)
    updated_at: datetime = _utc()
    updated_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)


# --- the case -------------------------------------------------------------------------------------


class Vacancy(SQLModel, table=True):
    """A vacancy or a licence (stall, kiosk, taxi) a public employer or authority will fill."""

    # Issue 12: the lists of vacancies (all, and an employer's own), newest first, by key.
    __table_args__ = (
        Index("ix_vacancy_created", "created_at", "id"),
        Index("ix_vacancy_organisation_created", "organisation_id", "created_at", "id"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    # Indexed by ix_vacancy_organisation_created, whose first column it is (migration 0015).
    organisation_id: str = Field(foreign_key="organisation.id", max_length=32)
    title: str = Field(max_length=300)
    kind: str = Field(max_length=20)
    formal_education_requirement: str | None = Field(default=None, sa_type=Text)
    application_deadline: date
    workplace_municipality_code: str = Field(foreign_key="municipality.code", max_length=3)
    workplace_jobcentre_code: str | None = Field(
        default=None, foreign_key="jobcentre.code", max_length=3
    )
    state: str = Field(default="open", max_length=20, index=True)
    # How many people the posting hires; it is filled when every position is (domain.md section 12).
    positions: int = 1
    filled_by: str | None = Field(default=None, max_length=30)
    filled_application_id: str | None = Field(default=None, max_length=32)
    filled_at: datetime | None = _utc(nullable=True)
    created_at: datetime = _utc()
    created_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)


class VacancyFill(SQLModel, table=True):
    """One position of a vacancy filled: by whom, and with which application if preferential."""

    __tablename__ = "vacancy_fill"

    id: int | None = Field(default=None, primary_key=True)
    vacancy_id: str = Field(foreign_key="vacancy.id", max_length=32, index=True)
    filled_by: str = Field(max_length=30)
    application_id: str | None = Field(default=None, foreign_key="application.id", max_length=32)
    at: datetime = _utc()
    actor_id: str | None = Field(default=None, foreign_key="user.id", max_length=32)


_application_version = Column("version", Integer, nullable=False, default=1)


class Application(SQLModel, table=True):
    """One application using preferential access: the case."""

    # Issue 12: a jobcentre's cases newest first (the API's list), and its queue by due date then
    # age, read by key in index order.
    __table_args__ = (
        Index("ix_application_jobcentre_created", "handling_jobcentre_code", "created_at", "id"),
        # Migration 0011, for the caseworker's scope as it was then. The scope now reads ends_on and
        # the totals come from case_tally (migration 0012): kept until a release shows it unused.
        Index(
            "ix_application_jobcentre_scope",
            "handling_jobcentre_code",
            "state",
            "state_since",
            "opinion_due",
            "erased_at",
        ),
        Index(
            "ix_application_jobcentre_queue",
            "handling_jobcentre_code",
            "queue_due_on",
            "state_since",
            "id",
        ),
        # The queue's counts (open, overdue, § 7, "Mine") of a jobcentre's open cases, from the
        # index alone (work_queue.caseworker_queue).
        Index(
            "ix_application_jobcentre_open",
            "handling_jobcentre_code",
            "state",
            "erased_at",
            "ends_on",
            "opinion_due",
            "queue_due_on",
            "routed_to_neighbour",
            "assignee_id",
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    vacancy_id: str = Field(foreign_key="vacancy.id", max_length=32, index=True)
    applicant_id: str | None = Field(default=None, foreign_key="user.id", max_length=32, index=True)
    route: str = Field(max_length=20)
    state: str = Field(max_length=40, index=True)
    # Indexed by the composite indexes above, each of which it leads (migration 0015).
    handling_jobcentre_code: str = Field(foreign_key="jobcentre.code", max_length=3)
    home_jobcentre_code: str = Field(foreign_key="jobcentre.code", max_length=3)
    routed_to_neighbour: bool = False
    # bek. §6 stk. 1: the employer is part of the case from the jobcentre's contact (or, directly,
    # from the application); before that the case is none of its business.
    employer_contacted: bool = False
    created_at: datetime = _utc(index=True)
    updated_at: datetime = _utc()
    state_since: datetime = _utc()  # when the case entered its state: escalations count from it
    interview_starts_at: datetime | None = _utc(nullable=True)
    interview_location: str | None = Field(default=None, max_length=300)
    refusal_sent_on: date | None = None
    refusal_channel: str | None = Field(default=None, max_length=20)
    refusal_received_on: date | None = None  # an actual receipt date, when one was recorded
    opinion_due: date | None = Field(default=None, index=True)
    opinion_requested_on: date | None = None
    # The employer's decision after the interview (hired, not_hired, internal_candidate_hired): the
    # fill of the vacancy must follow it (bek. § 2 stk. 3).
    decision_outcome: str | None = Field(default=None, max_length=40)
    # The caseworker of the handling jobcentre who has taken the case (the queue's "Mine"), if any.
    assignee_id: str | None = Field(default=None, foreign_key="user.id", max_length=32, index=True)
    # Issue 12: when the reminder pass next looks at the case (None: nothing ahead), and the day the
    # caseworker queue sorts it by. Kept by ``cases._schedule`` whenever the case changes, and by the
    # pass; ``flask --app fortrin reminders reschedule`` recomputes them after the thresholds change.
    reminder_due_at: datetime | None = _utc(nullable=True, index=True)
    queue_due_on: date | None = None
    # Retention (fortrin/retention.py): when the ended case's free texts were erased and the
    # applicant unlinked; from then on it is anonymous figures, shown to nobody.
    erased_at: datetime | None = _utc(nullable=True)
    # Issue 12: the Copenhagen day the case ended (its final state, or its opinion window's last day),
    # None while open: what the caseworker's scope and the counted cases (fortrin/tally.py) read.
    ends_on: date | None = None
    # Optimistic lock: two people acting on one case at once cannot both win.
    version: int = Field(default=1, sa_column=_application_version)

    __mapper_args__ = {"version_id_col": _application_version}


class CaseTally(SQLModel, table=True):
    """The number of live cases a jobcentre handles in a state that ended on a day (``ends_on``;
    ``tally.OPEN`` while open), kept by triggers on ``application`` (migration 0012): a list's total
    is a sum over these rows (fortrin/tally.py)."""

    __tablename__ = "case_tally"
    # A jobcentre's rows from a day on (the caseworker's total), read from the index alone.
    __table_args__ = (
        Index(
            "ix_case_tally_jobcentre_ends",
            "handling_jobcentre_code",
            "ends_on",
            postgresql_include=["cases"],
        ),
    )

    handling_jobcentre_code: str = Field(primary_key=True, max_length=3)
    state: str = Field(primary_key=True, max_length=40)
    ends_on: date = Field(primary_key=True)
    cases: int = 0


class ApplicationEvent(SQLModel, table=True):
    """One entry of a case's timeline: the legal record. Append-only."""

    __tablename__ = "application_event"
    __table_args__ = (
        UniqueConstraint("application_id", "seq"),
        # The figures (fortrin/statistics.py) read a period's entries of some types.
        Index("ix_application_event_type_at", "type", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Indexed by the unique (application_id, seq), which it leads (migration 0015).
    application_id: str = Field(foreign_key="application.id", max_length=32)
    seq: int
    at: datetime = _utc()
    type: str = Field(max_length=40)
    actor_id: str | None = Field(default=None, foreign_key="user.id", max_length=32)
    actor_role: str = Field(max_length=20)
    from_state: str | None = Field(default=None, max_length=40)
    to_state: str = Field(max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


# --- notifications and calendar ------------------------------------------------------------------


class Notification(SQLModel, table=True):
    """One message to one person about one case. Its natural key (application, kind, recipient) is
    unique, so it exists once however often or concurrently the reminder pass runs. Delivery by
    e-mail is a separate step with its own status, attempts and backoff."""

    __table_args__ = (
        UniqueConstraint(
            "subject_key", "kind", "recipient_id", name="uq_notification_subject_kind_recipient"
        ),
        # Issue 12: a person's messages, newest first, read by key in index order.
        Index("ix_notification_recipient_created", "recipient_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # What it is about: "application:<id>" or "fast_track_task:<id>". Part of the natural key.
    subject_key: str = Field(max_length=60)
    application_id: str | None = Field(
        default=None, foreign_key="application.id", max_length=32, index=True
    )
    kind: str = Field(max_length=40)
    # A user of the service, or else an outside address (an employer's top official, § 17 a stk. 4).
    # Indexed by ix_notification_recipient_created, which it leads (migration 0015).
    recipient_id: str | None = Field(default=None, foreign_key="user.id", max_length=32)
    recipient_email: str | None = Field(default=None, max_length=254)
    created_at: datetime = _utc()
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=Text)
    # The same in English (issue 10): shown and sent instead when the recipient chose English.
    subject_en: str | None = Field(default=None, max_length=300)
    body_en: str | None = Field(default=None, sa_type=Text)
    link: str = Field(max_length=500)
    channel: str = Field(max_length=20)  # email, in_app
    status: str = Field(max_length=20, index=True)  # pending, sent, failed
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    next_attempt_at: datetime | None = _utc(nullable=True, index=True)
    claimed_until: datetime | None = _utc(nullable=True)
    sent_at: datetime | None = _utc(nullable=True)
    read_at: datetime | None = _utc(nullable=True)

    def in_language(self, language: str | None) -> tuple[str, str]:
        """The subject and the body for a reader of ``language`` (Danish unless English)."""
        if language == "en" and self.subject_en and self.body_en:
            return self.subject_en, self.body_en
        return self.subject, self.body


class Breach(SQLModel, table=True):
    """A finding that a public employer did not keep the interview or negotiation duties: from
    Ankestyrelsen's opinion (kompensationslov § 17 a stk. 4) or recorded by a jobcentre."""

    # Issue 12: the register, newest finding first, read by key in index order.
    __table_args__ = (Index("ix_breach_found_created", "found_on", "created_at", "id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    organisation_id: str = Field(foreign_key="organisation.id", max_length=32, index=True)
    application_id: str | None = Field(
        default=None, foreign_key="application.id", max_length=32, index=True
    )
    # The jobcentre that handled the case or recorded the finding: its caseworkers see it.
    jobcentre_code: str | None = Field(default=None, foreign_key="jobcentre.code", max_length=3)
    found_on: date
    source: str = Field(max_length=20)  # ankestyrelsen, jobcentre
    summary: str = Field(sa_type=Text)
    created_at: datetime = _utc()
    created_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)


class CalendarFeed(SQLModel, table=True):
    """A user's secret calendar feed. The token in the URL is derived from ``feed_key`` with the
    service's secret (so it can be shown again); only its SHA-256 is stored for the lookup."""

    __tablename__ = "calendar_feed"

    user_id: str = Field(primary_key=True, foreign_key="user.id", max_length=32)
    feed_key: str = Field(max_length=64)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = _utc()


class SchemeRate(SQLModel, table=True):
    """One version of one rate of a scheme. A new version closes the previous one the day before it
    applies; old versions stay, so every calculation can name the version it used."""

    __tablename__ = "scheme_rate"
    __table_args__ = (UniqueConstraint("scheme_code", "name", "valid_from"),)

    id: int | None = Field(default=None, primary_key=True)
    scheme_code: str = Field(foreign_key="scheme.code", max_length=60, index=True)
    name: str = Field(max_length=60)
    amount: Decimal = Field(sa_type=Numeric(12, 2))
    unit: str = Field(max_length=60)
    valid_from: date
    valid_to: date | None = None
    source: str = Field(sa_type=Text)
    created_at: datetime = _utc()
    created_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)


# --- conversations and compensation cards (seeds 000 and 001) -------------------------------------


class Conversation(SQLModel, table=True):
    """A conversation between the jobcentre and a citizen about qualifications, impairment and match
    (core element 1-2 of the card, 000)."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    applicant_id: str | None = Field(default=None, foreign_key="user.id", max_length=32, index=True)
    jobcentre_code: str = Field(foreign_key="jobcentre.code", max_length=3, index=True)
    caseworker_id: str = Field(foreign_key="user.id", max_length=32)
    held_on: date = Field(index=True)
    topics: list[str] = Field(default_factory=list, sa_type=JSON)
    notes: str = Field(default="", sa_type=Text)
    created_at: datetime = _utc()
    erased_at: datetime | None = _utc(nullable=True)  # retention: notes erased, citizen unlinked


class CardTemplate(SQLModel, table=True):
    """A starting point per common need, maintained by admins (e.g. hearing: interpretation and
    assistive devices)."""

    __tablename__ = "card_template"

    code: str = Field(primary_key=True, max_length=60)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    job_functions: str = Field(default="", sa_type=Text)
    schemes: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    updated_at: datetime = _utc()
    updated_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)


class CompensationCard(SQLModel, table=True):
    """The card a jobcentre gives a citizen before employment (000, 001)."""

    __tablename__ = "compensation_card"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    applicant_id: str | None = Field(default=None, foreign_key="user.id", max_length=32, index=True)
    jobcentre_code: str = Field(foreign_key="jobcentre.code", max_length=3, index=True)
    created_by: str = Field(foreign_key="user.id", max_length=32)
    created_at: datetime = _utc()
    template_code: str | None = Field(default=None, max_length=60)
    state: str = Field(default="draft", max_length=20)  # draft, issued, revoked
    impairment_summary: str = Field(default="", sa_type=Text)
    job_functions: str = Field(default="", sa_type=Text)
    valid_until: date
    fast_track_responsible: str = Field(max_length=200)
    fast_track_max_days: int
    verification_code: str | None = Field(
        default=None, sa_column=Column(String(32), unique=True, nullable=True)
    )
    issued_at: datetime | None = _utc(nullable=True, index=True)
    revoked_at: datetime | None = _utc(nullable=True)
    revoke_reason: str | None = Field(default=None, sa_type=Text)
    shared_with_employers: bool = False
    erased_at: datetime | None = _utc(nullable=True)  # retention: texts erased, citizen unlinked


class CardScheme(SQLModel, table=True):
    __tablename__ = "card_scheme"

    id: int | None = Field(default=None, primary_key=True)
    card_id: str = Field(foreign_key="compensation_card.id", max_length=32, index=True)
    position: int
    scheme_code: str = Field(foreign_key="scheme.code", max_length=60)
    need: str = Field(sa_type=Text)
    pre_approved: bool = False
    amount_limit: Decimal | None = Field(default=None, sa_type=Numeric(12, 2))
    conditions: str | None = Field(default=None, sa_type=Text)


class CardConversation(SQLModel, table=True):
    __tablename__ = "card_conversation"

    card_id: str = Field(foreign_key="compensation_card.id", primary_key=True, max_length=32)
    conversation_id: str = Field(foreign_key="conversation.id", primary_key=True, max_length=32)


class Employment(SQLModel, table=True):
    """A concrete employment of a card holder: it opens the fast track (000, core element 4)."""

    id: int | None = Field(default=None, primary_key=True)
    card_id: str = Field(foreign_key="compensation_card.id", max_length=32, index=True)
    employer_name: str = Field(max_length=200)
    starts_on: date
    created_at: datetime = _utc(index=True)
    created_by: str = Field(foreign_key="user.id", max_length=32)


class FastTrackTask(SQLModel, table=True):
    """One grant to process quickly after an employment: one per pre-approved scheme."""

    __tablename__ = "fast_track_task"

    id: int | None = Field(default=None, primary_key=True)
    employment_id: int = Field(foreign_key="employment.id", index=True)
    card_id: str = Field(foreign_key="compensation_card.id", max_length=32, index=True)
    scheme_code: str = Field(foreign_key="scheme.code", max_length=60)
    due_on: date = Field(index=True)
    done_on: date | None = None
    done_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)


# --- the letters of a case (issue 11) ---------------------------------------------------------------


class CaseDocument(SQLModel, table=True):
    """A letter kept as it was sent: the refusal the employer recorded (``refusal_notified``), so a
    later download gives exactly that letter, not a new rendering with changed names or templates
    (fortrin/documents.py). It holds free text (the reasoning): retention deletes it with the case's
    other texts."""

    __tablename__ = "case_document"
    __table_args__ = (UniqueConstraint("application_id", "kind", "event_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="application.id", max_length=32, index=True)
    kind: str = Field(max_length=20)  # refusal
    event_seq: int  # the timeline entry the letter was sent with
    created_at: datetime = _utc()
    created_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)
    title: str = Field(max_length=500)
    author: str = Field(max_length=200)
    dated: date
    html: str = Field(sa_type=Text)  # the letter's HTML, for the print view
    pdf: bytes  # the PDF as sent
    sha256: str = Field(max_length=64)  # of ``pdf``
