"""What a caller receives: output models (which the OpenAPI description is built from) and the
functions that fill them. Data minimisation happens here, once: an employer never receives the
applicant's disability details, CPR number or the jobcentre's notes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, PlainSerializer
from sqlmodel import Session, col, select

from fortrin import cards, clock, deadlines
from fortrin.cases import CaseRefs, case_refs, timeline
from fortrin.db import kept
from fortrin.models import (
    ApiToken,
    ApplicantProfile,
    Application,
    ApplicationEvent,
    AuditEvent,
    Breach,
    CalendarFeed,
    CompensationCard,
    Jobcentre,
    Municipality,
    Notification,
    Organisation,
    ReferenceChange,
    Scheme,
    User,
    UserSession,
    Vacancy,
)
from fortrin.vacancies import blockers, positions_filled
from fortrin.workflows import preferential_access as pa

# Stored in UTC, shown in Europe/Copenhagen with its offset (api-contract.md "Conventions").
Instant = Annotated[
    datetime,
    PlainSerializer(lambda value: clock.local(value).isoformat(), return_type=str),
]


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = None
    outstanding: list[dict[str, str]] | None = None


class ErrorOut(BaseModel):
    error: ErrorBody


class TokenOut(BaseModel):
    token: str
    role: str
    expires_at: Instant


class MeOut(BaseModel):
    id: str
    email: str
    name: str
    role: str
    jobcentre_code: str | None
    organisation_id: str | None
    home_municipality_code: str | None
    # The person's language (issue 10): Danish unless they chose English.
    language: Annotated[Literal["da", "en"], BeforeValidator(lambda v: v or "da")] = "da"


class MunicipalityOut(BaseModel):
    code: str
    name: str
    region_code: str
    region_name: str
    jobcentre_code: str
    neighbour_jobcentre_code: str | None
    neighbour_basis: str


class JobcentreOut(BaseModel):
    code: str
    name: str
    municipality_codes: list[str]


class SchemeOut(BaseModel):
    code: str
    name: str
    name_en: str
    legal_basis: str
    target_group: str
    conditions: str
    state_refund_share: float | None


class ReferenceChangeOut(BaseModel):
    id: int
    at: Instant
    actor_id: str | None
    entity: str
    entity_key: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str


class OrganisationOut(BaseModel):
    id: str
    name: str
    kind: str
    municipality_code: str | None
    cvr: str | None
    public_funding_share: float | None
    top_official_name: str | None = None
    top_official_email: str | None = None


class DeadlineOut(BaseModel):
    sent_on: date
    channel: str
    received_on: date
    due: date
    basis: str
    basis_da: str
    receipt_basis: str
    receipt_basis_da: str


class ProfileOut(BaseModel):
    applicant_id: str
    name: str
    email: str
    cpr: str | None
    home_municipality_code: str | None
    education: str
    qualifications: str
    disability_nature: str
    disability_extent: str
    updated_at: Instant | None


class DutyOut(BaseModel):
    duty: str
    owner: str
    label: str


class BlockerOut(BaseModel):
    application_id: str
    duty: str
    owner: str
    label: str


class VacancyOut(BaseModel):
    id: str
    organisation_id: str
    organisation_name: str
    title: str
    kind: str
    formal_education_requirement: str | None
    application_deadline: date
    workplace_municipality_code: str
    workplace_jobcentre_code: str | None
    state: str
    positions: int
    positions_filled: int
    filled_by: str | None
    filled_application_id: str | None
    filled_at: Instant | None
    created_at: Instant
    # Only for the employer and admins: for anyone else it would reveal other applicants' cases.
    may_be_filled: bool | None
    outstanding_duties: list[BlockerOut]


class BreachOut(BaseModel):
    id: str
    organisation_id: str
    organisation_name: str
    application_id: str | None
    found_on: date
    source: str
    summary: str
    jobcentre_code: str | None
    created_at: Instant


def breach_out(breach: Breach, organisation_name: str) -> BreachOut:
    return BreachOut(
        id=breach.id,
        organisation_id=breach.organisation_id,
        organisation_name=organisation_name,
        application_id=breach.application_id,
        found_on=breach.found_on,
        source=breach.source,
        summary=breach.summary,
        jobcentre_code=breach.jobcentre_code,
        created_at=breach.created_at,
    )


class CaseDeadlineOut(BaseModel):
    kind: str
    due: date
    basis: str
    received_on: date | None = None
    passed: bool
    guidance: str | None = None


class GuidanceOut(BaseModel):
    received_on: date
    due: date
    basis: str
    text: str


class TimelineEntryOut(BaseModel):
    seq: int
    at: Instant
    type: str
    actor_role: str
    from_state: str | None
    to_state: str
    data: dict[str, Any]
    derived: bool = False


class PersonOut(BaseModel):
    id: str
    name: str
    email: str


class VacancyRefOut(BaseModel):
    id: str
    title: str
    kind: str
    organisation_id: str
    organisation_name: str


class InterviewOut(BaseModel):
    starts_at: Instant
    location: str | None


class SharedSchemeOut(BaseModel):
    scheme_code: str
    scheme_name: str
    pre_approved: bool
    amount_limit: float | None


class SharedCardOut(BaseModel):
    """The applicant's compensation card as a case shows it: schemes, never the impairment."""

    verification_code: str
    valid_until: date
    schemes: list[SharedSchemeOut]


class ApplicationOut(BaseModel):
    id: str
    vacancy_id: str
    applicant_id: str
    route: str
    state: str
    state_label: str
    terminal: bool
    handling_jobcentre_code: str
    routed_to_neighbour: bool
    # The caseworker who has taken the case (jobcentre and admin only; None for the others).
    assignee_id: str | None = None
    outstanding_duties: list[DutyOut]
    deadlines: list[CaseDeadlineOut]
    allowed_events: list[str]
    applicant: PersonOut
    vacancy: VacancyRefOut
    interview: InterviewOut | None
    compensation_card: SharedCardOut | None = None
    created_at: Instant
    updated_at: Instant
    state_since: Instant
    timeline: list[TimelineEntryOut] | None = None


class FeedOut(BaseModel):
    url: str


class NotificationOut(BaseModel):
    id: int
    kind: str
    application_id: str | None
    created_at: Instant
    subject: str
    body: str
    link: str
    channel: str
    status: str
    attempts: int
    sent_at: Instant | None
    read_at: Instant | None


def notification_out(notification: Notification, language: str | None) -> NotificationOut:
    """In the reader's language (issue 10): English for one who chose it, else Danish."""
    subject, body = notification.in_language(language)
    shown = NotificationOut.model_validate(notification, from_attributes=True)
    return shown.model_copy(update={"subject": subject, "body": body})


def token_out(token: str, user: User, record: ApiToken) -> TokenOut:
    return TokenOut(token=token, role=user.role, expires_at=record.expires_at)


def me_out(user: User) -> MeOut:
    return MeOut.model_validate(user, from_attributes=True)


def municipality_out(municipality: Municipality) -> MunicipalityOut:
    return MunicipalityOut.model_validate(municipality, from_attributes=True)


def jobcentre_out(jobcentre: Jobcentre, codes: list[str]) -> JobcentreOut:
    return JobcentreOut(code=jobcentre.code, name=jobcentre.name, municipality_codes=codes)


def scheme_out(scheme: Scheme) -> SchemeOut:
    share = scheme.state_refund_share
    return SchemeOut(
        code=scheme.code,
        name=scheme.name,
        name_en=scheme.name_en,
        legal_basis=scheme.legal_basis,
        target_group=scheme.target_group,
        conditions=scheme.conditions,
        state_refund_share=None if share is None else float(share),
    )


def change_out(change: ReferenceChange) -> ReferenceChangeOut:
    return ReferenceChangeOut.model_validate(change, from_attributes=True)


def organisation_out(organisation: Organisation) -> OrganisationOut:
    share = organisation.public_funding_share
    return OrganisationOut(
        id=organisation.id,
        name=organisation.name,
        kind=organisation.kind,
        municipality_code=organisation.municipality_code,
        cvr=organisation.cvr,
        public_funding_share=None if share is None else float(share),
        top_official_name=organisation.top_official_name,
        top_official_email=organisation.top_official_email,
    )


def deadline_out(deadline: deadlines.OpinionDeadline) -> DeadlineOut:
    return DeadlineOut.model_validate(deadline, from_attributes=True)


def guidance_out(deadline: deadlines.OpinionDeadline) -> GuidanceOut:
    return GuidanceOut(
        received_on=deadline.received_on,
        due=deadline.due,
        basis=deadline.basis,
        text=pa.complaint_guidance_da(deadline),
    )


def profile_out(applicant: User, profile: ApplicantProfile | None) -> ProfileOut:
    return ProfileOut(
        applicant_id=applicant.id,
        name=applicant.name,
        email=applicant.email,
        cpr=applicant.cpr,
        home_municipality_code=applicant.home_municipality_code,
        education=profile.education if profile else "",
        qualifications=profile.qualifications if profile else "",
        disability_nature=profile.disability_nature if profile else "",
        disability_extent=profile.disability_extent if profile else "",
        updated_at=profile.updated_at if profile else None,
    )


def vacancy_out(db: Session, user: User, vacancy: Vacancy) -> VacancyOut:
    organisation = db.get(Organisation, vacancy.organisation_id)
    visible_blockers = blockers(db, vacancy, user)
    may_be_filled = (
        vacancy.state == "open" and not visible_blockers
        if user.role in ("admin", "employer")
        else None
    )
    return VacancyOut(
        id=vacancy.id,
        organisation_id=vacancy.organisation_id,
        organisation_name=organisation.name if organisation else "",
        title=vacancy.title,
        kind=vacancy.kind,
        formal_education_requirement=vacancy.formal_education_requirement,
        application_deadline=vacancy.application_deadline,
        workplace_municipality_code=vacancy.workplace_municipality_code,
        workplace_jobcentre_code=vacancy.workplace_jobcentre_code,
        state=vacancy.state,
        positions=vacancy.positions,
        positions_filled=positions_filled(db, vacancy.id),
        filled_by=vacancy.filled_by,
        filled_application_id=vacancy.filled_application_id,
        filled_at=vacancy.filled_at,
        created_at=vacancy.created_at,
        may_be_filled=may_be_filled,
        outstanding_duties=[
            BlockerOut(
                application_id=b.application_id, duty=b.duty, owner=b.owner, label=b.label_da
            )
            for b in visible_blockers
        ],
    )


# Timeline fields an employer does not receive: the jobcentre's assessment and its minutes.
_HIDDEN_FROM_EMPLOYER: dict[str, frozenset[str]] = {
    "assessment": frozenset({"reasoning"}),
    "negotiation_held": frozenset({"minutes"}),
}


# Fields recording that the minutes took schemes from the applicant's card (issue 8).
_CARD_FIELDS = frozenset({"card_id", "schemes_from_card", "card_schemes_added"})


def _entry_data(
    role: str, event_type: str, data: dict[str, Any], card_shared: bool
) -> dict[str, Any]:
    if role != "employer":
        return data
    hidden = _HIDDEN_FROM_EMPLOYER.get(event_type, frozenset())
    shown = {key: value for key, value in data.items() if key not in hidden}
    if event_type == "negotiation_held" and data.get("card_id") and not card_shared:
        # Schemes copied from the card reach the employer only if the citizen shared the card.
        from_card = set(data.get("card_schemes_added") or ())
        shown = {key: value for key, value in shown.items() if key not in _CARD_FIELDS}
        shown["schemes_presented"] = [
            code for code in data.get("schemes_presented") or () if code not in from_card
        ]
    return shown


def _card_shared(db: Session, events: list[ApplicationEvent]) -> bool:
    """Whether the card the minutes took schemes from is (still) shared with employers."""
    card_ids = {e.data.get("card_id") for e in events if e.type == "negotiation_held"} - {None}
    return all(
        (card := db.get(CompensationCard, card_id)) is not None and card.shared_with_employers
        for card_id in card_ids
    )


def _case_refs_out(db: Session, application: Application) -> tuple[PersonOut, VacancyRefOut]:
    """The case's applicant and vacancy as its answer shows them: from the columns the API's page
    read with it (``cases.case_refs``), else from the objects read with it (``kept``)."""
    refs = case_refs(db, application.id)
    if refs is None:
        vacancy = kept(db, Vacancy, application.vacancy_id)
        applicant = kept(db, User, application.applicant_id)
        assert vacancy is not None and applicant is not None
        organisation = kept(db, Organisation, vacancy.organisation_id)
        refs = CaseRefs(
            vacancy.id,
            vacancy.title,
            vacancy.kind,
            vacancy.organisation_id,
            organisation.name if organisation else None,
            applicant.id,
            applicant.name,
            applicant.email,
        )
    assert refs.applicant_id is not None
    return (
        PersonOut(id=refs.applicant_id, name=refs.applicant_name, email=refs.applicant_email),
        VacancyRefOut(
            id=refs.vacancy_id,
            title=refs.vacancy_title,
            kind=refs.vacancy_kind,
            organisation_id=refs.organisation_id,
            organisation_name=refs.organisation_name or "",
        ),
    )


def application_out(
    db: Session, user: User, application: Application, with_timeline: bool = True
) -> ApplicationOut:
    today = clock.today()
    state = pa.effective_state(application.state, application.opinion_due, today)
    applicant_out, vacancy_out = _case_refs_out(db, application)
    case_deadlines: list[CaseDeadlineOut] = []
    if application.opinion_due is not None and application.refusal_sent_on is not None:
        computed = deadlines.opinion_request_deadline(
            application.refusal_sent_on,
            application.refusal_channel or "digital_post",
            application.refusal_received_on,
        )
        case_deadlines.append(
            CaseDeadlineOut(
                kind="opinion_request",
                due=application.opinion_due,
                basis=computed.basis,
                received_on=computed.received_on,
                passed=deadlines.has_passed(application.opinion_due, today),
                guidance=pa.complaint_guidance_da(computed),
            )
        )
    entries: list[TimelineEntryOut] | None = None
    if with_timeline:
        events = timeline(db, application.id)
        card_shared = user.role != "employer" or _card_shared(db, events)
        entries = [
            TimelineEntryOut(
                seq=event.seq,
                at=event.at,
                type=event.type,
                actor_role=event.actor_role,
                from_state=event.from_state,
                to_state=event.to_state,
                data=_entry_data(user.role, event.type, event.data, card_shared),
            )
            for event in events
        ]
        if state != application.state and application.opinion_due is not None:
            # The window closed by the passing of time; shown, not stored (no job needs to run).
            end = datetime.combine(
                application.opinion_due, datetime.max.time(), tzinfo=clock.COPENHAGEN
            )
            entries.append(
                TimelineEntryOut(
                    seq=len(entries) + 1,
                    at=end,
                    type="opinion_window_expired",
                    actor_role="system",
                    from_state=application.state,
                    to_state=state,
                    data={"opinion_due": application.opinion_due.isoformat()},
                    derived=True,
                )
            )
    return ApplicationOut(
        id=application.id,
        vacancy_id=application.vacancy_id,
        applicant_id=application.applicant_id,
        route=application.route,
        state=state,
        state_label=pa.STATE_LABELS_DA.get(state, state),
        terminal=state in pa.TERMINAL,
        handling_jobcentre_code=application.handling_jobcentre_code,
        routed_to_neighbour=application.routed_to_neighbour,
        assignee_id=application.assignee_id if user.role in ("caseworker", "admin") else None,
        outstanding_duties=[
            DutyOut(duty=d.duty, owner=d.owner, label=d.label_da)
            for d in pa.outstanding_duties(state)
        ],
        deadlines=case_deadlines,
        allowed_events=pa.allowed_events(user.role, application.state, state),
        applicant=applicant_out,
        vacancy=vacancy_out,
        interview=(
            InterviewOut(
                starts_at=application.interview_starts_at,
                location=application.interview_location,
            )
            if application.interview_starts_at is not None
            else None
        ),
        compensation_card=shared_card(db, user, application.applicant_id, today),
        created_at=application.created_at,
        updated_at=application.updated_at,
        state_since=application.state_since,
        timeline=entries,
    )


def shared_card(
    db: Session, user: User, applicant_id: str | None, today: date
) -> SharedCardOut | None:
    """The applicant's valid card; for an employer only when the applicant chose to share it."""
    card = cards.valid_card_for(db, applicant_id, today)
    if card is None or card.verification_code is None:
        return None
    if user.role == "employer" and not card.shared_with_employers:
        return None
    schemes = []
    for scheme in cards.card_schemes(db, card):
        registered = db.get(Scheme, scheme.scheme_code)
        schemes.append(
            SharedSchemeOut(
                scheme_code=scheme.scheme_code,
                scheme_name=registered.name if registered else scheme.scheme_code,
                pre_approved=scheme.pre_approved,
                amount_limit=None if scheme.amount_limit is None else float(scheme.amount_limit),
            )
        )
    return SharedCardOut(
        verification_code=card.verification_code, valid_until=card.valid_until, schemes=schemes
    )


def organisations_for(db: Session, user: User) -> list[Organisation]:
    query = select(Organisation).order_by(col(Organisation.name))
    if user.role != "admin":
        query = query.where(Organisation.id == user.organisation_id)
    return list(db.exec(query).all())


# --- the audit trail and the data subject's export (issue 9, point 3; GDPR art. 15) ---------------


class AuditEventOut(BaseModel):
    """One row of the audit trail: who (id, name, role) did what (``read``, ``list``, ``create``,
    ``update``, ``export``) to which object (``application``, ``profile``, ``card``,
    ``conversation``, ``user``), about whom (the data subject), when."""

    id: int
    at: Instant
    actor_id: str | None
    actor_name: str | None
    actor_role: str
    action: str
    entity: str
    entity_id: str
    subject_id: str | None
    detail: str


def audit_event_out(event: AuditEvent, actor_name: str | None) -> AuditEventOut:
    return AuditEventOut(
        id=event.id or 0,
        at=event.at,
        actor_id=event.actor_id,
        actor_name=actor_name,
        actor_role=event.actor_role,
        action=event.action,
        entity=event.entity,
        entity_id=event.entity_id,
        subject_id=event.subject_id,
        detail=event.detail,
    )


class UserRecordOut(BaseModel):
    """The caller's own user record as stored (without the password hash)."""

    id: str
    email: str
    name: str
    role: str
    active: bool
    cpr: str | None
    jobcentre_code: str | None
    organisation_id: str | None
    home_municipality_code: str | None
    created_at: Instant


class TokenMetaOut(BaseModel):
    """An API token as the service keeps it, without its hash."""

    id: int
    created_at: Instant
    expires_at: Instant
    revoked_at: Instant | None


class SessionMetaOut(BaseModel):
    """A web sign-in as the service keeps it, without its id."""

    created_at: Instant
    last_seen_at: Instant
    ended_at: Instant | None


class CalendarFeedMetaOut(BaseModel):
    """Whether the caller has a calendar feed (its secret address is not part of the export)."""

    exists: bool
    created_at: Instant | None


def user_record_out(user: User) -> UserRecordOut:
    return UserRecordOut(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        active=user.active,
        cpr=user.cpr,
        jobcentre_code=user.jobcentre_code,
        organisation_id=user.organisation_id,
        home_municipality_code=user.home_municipality_code,
        created_at=user.created_at,
    )


def token_meta_out(token: ApiToken) -> TokenMetaOut:
    return TokenMetaOut(
        id=token.id or 0,
        created_at=token.created_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
    )


def session_meta_out(web_session: UserSession) -> SessionMetaOut:
    return SessionMetaOut(
        created_at=web_session.created_at,
        last_seen_at=web_session.last_seen_at,
        ended_at=web_session.ended_at,
    )


def calendar_feed_meta_out(feed: CalendarFeed | None) -> CalendarFeedMetaOut:
    return CalendarFeedMetaOut(
        exists=feed is not None, created_at=feed.created_at if feed is not None else None
    )
