"""Conversations, compensation cards, templates, the fast track and the card report."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import segno
from flask import Response, current_app, request
from pydantic import BaseModel, Field
from sqlmodel import Session

from fortrin import cards, clock, db
from fortrin.applicants import get_applicant
from fortrin.blueprints.api import bp, caller, json_object, render
from fortrin.blueprints.api.spec import QueryParam, api_route
from fortrin.errors import Conflict, ValidationFailed
from fortrin.models import (
    CardTemplate,
    CompensationCard,
    Conversation,
    FastTrackTask,
    Jobcentre,
    Scheme,
    User,
)
from fortrin.presenters import Instant
from fortrin.validation import query_date


class ConversationOut(BaseModel):
    id: str
    applicant_id: str
    jobcentre_code: str
    caseworker_id: str
    held_on: date
    topics: list[str]
    notes: str
    created_at: Instant


class TemplateOut(BaseModel):
    code: str
    name: str
    description: str
    job_functions: str
    schemes: list[dict[str, Any]]


class CardSchemeOut(BaseModel):
    scheme_code: str
    scheme_name: str
    need: str
    pre_approved: bool
    amount_limit: float | None
    conditions: str | None


class TaskOut(BaseModel):
    id: int
    scheme_code: str
    employer_name: str
    starts_on: date
    due_on: date
    done_on: date | None
    on_time: bool | None


class FastTrackOut(BaseModel):
    responsible: str
    max_days: int


class CardOut(BaseModel):
    id: str
    applicant_id: str
    applicant_name: str
    jobcentre_code: str
    jobcentre_name: str
    state: str
    template_code: str | None
    impairment_summary: str
    job_functions: str
    valid_until: date
    fast_track: FastTrackOut
    schemes: list[CardSchemeOut]
    conversation_ids: list[str]
    verification_code: str | None
    verification_url: str | None
    issued_at: Instant | None
    revoked_at: Instant | None
    revoke_reason: str | None
    shared_with_employers: bool
    fast_track_tasks: list[TaskOut]
    created_at: Instant


class VerifiedSchemeOut(BaseModel):
    scheme_code: str
    scheme_name: str
    pre_approved: bool


class VerificationOut(BaseModel):
    """What an employer checks: nothing about the impairment, nothing about the person but the name."""

    valid: bool
    status: str
    name: str
    jobcentre_code: str
    jobcentre_name: str
    valid_until: date
    schemes: list[VerifiedSchemeOut]


class ReportOut(BaseModel):
    jobcentre: str
    from_: date = Field(alias="from")
    to: date
    conversations: int
    cards_issued: int
    cards_per_conversation: float | None
    pre_approvals: int
    employments: int
    fast_track_tasks: int
    fast_track_on_time: int


class GrantLimitOut(BaseModel):
    code: str
    name: str
    grant_limit: float | None


def verification_url(code: str) -> str:
    return f"{str(current_app.config['FORTRIN_BASE_URL']).rstrip('/')}/cards/verify/{code}"


def _scheme_name(session: Session, code: str) -> str:
    scheme = session.get(Scheme, code)
    return scheme.name if scheme else code


def card_out(session: Session, card: CompensationCard) -> CardOut:
    applicant = session.get(User, card.applicant_id)
    jobcentre = session.get(Jobcentre, card.jobcentre_code)
    employments = {e.id: e for e in cards.employments_of(session, card)}
    tasks: list[TaskOut] = []
    for task in cards.tasks_of(session, card):
        employment = employments[task.employment_id]
        tasks.append(
            TaskOut(
                id=task.id or 0,
                scheme_code=task.scheme_code,
                employer_name=employment.employer_name,
                starts_on=employment.starts_on,
                due_on=task.due_on,
                done_on=task.done_on,
                on_time=None if task.done_on is None else task.done_on <= task.due_on,
            )
        )
    return CardOut(
        id=card.id,
        applicant_id=card.applicant_id,
        applicant_name=applicant.name if applicant else "",
        jobcentre_code=card.jobcentre_code,
        jobcentre_name=jobcentre.name if jobcentre else "",
        state=cards.effective_state(card, clock.today()),
        template_code=card.template_code,
        impairment_summary=card.impairment_summary,
        job_functions=card.job_functions,
        valid_until=card.valid_until,
        fast_track=FastTrackOut(
            responsible=card.fast_track_responsible, max_days=card.fast_track_max_days
        ),
        schemes=[
            CardSchemeOut(
                scheme_code=s.scheme_code,
                scheme_name=_scheme_name(session, s.scheme_code),
                need=s.need,
                pre_approved=s.pre_approved,
                amount_limit=None if s.amount_limit is None else float(s.amount_limit),
                conditions=s.conditions,
            )
            for s in cards.card_schemes(session, card)
        ],
        conversation_ids=cards.card_conversation_ids(session, card),
        verification_code=card.verification_code,
        verification_url=verification_url(card.verification_code)
        if card.verification_code
        else None,
        issued_at=card.issued_at,
        revoked_at=card.revoked_at,
        revoke_reason=card.revoke_reason,
        shared_with_employers=card.shared_with_employers,
        fast_track_tasks=tasks,
        created_at=card.created_at,
    )


def verification_out(session: Session, card: CompensationCard) -> VerificationOut:
    applicant = session.get(User, card.applicant_id)
    jobcentre = session.get(Jobcentre, card.jobcentre_code)
    status = cards.effective_state(card, clock.today())
    return VerificationOut(
        valid=status == "issued",
        status=status,
        name=applicant.name if applicant else "",
        jobcentre_code=card.jobcentre_code,
        jobcentre_name=jobcentre.name if jobcentre else "",
        valid_until=card.valid_until,
        schemes=[
            VerifiedSchemeOut(
                scheme_code=s.scheme_code,
                scheme_name=_scheme_name(session, s.scheme_code),
                pre_approved=s.pre_approved,
            )
            for s in cards.card_schemes(session, card)
        ],
    )


def template_out(template: CardTemplate) -> TemplateOut:
    return TemplateOut.model_validate(template, from_attributes=True)


def conversation_out(conversation: Conversation) -> ConversationOut:
    return ConversationOut.model_validate(conversation, from_attributes=True)


@api_route(
    bp,
    "/applicants/<user_id>/conversations",
    "POST",
    "Record a conversation with the citizen (caseworker of the home jobcentre)",
    "cards",
    body=cards.ConversationIn,
    response=ConversationOut,
    status=201,
    errors=(403, 404),
)
def add_conversation(user_id: str) -> Response:
    with db.unit_of_work() as session:
        get_applicant(session, caller(), user_id)
        created = cards.add_conversation(session, caller(), user_id, json_object())
        return render(conversation_out(created), 201)


@api_route(
    bp,
    "/applicants/<user_id>/conversations",
    "GET",
    "The citizen's conversations, newest first",
    "cards",
    response=ConversationOut,
    many=True,
    errors=(404,),
)
def list_conversations(user_id: str) -> Response:
    with db.unit_of_work() as session:  # commits the audit rows of the reads
        rows = cards.conversations_of(session, caller(), user_id)
        return render([conversation_out(c) for c in rows])


@api_route(
    bp,
    "/card-templates",
    "GET",
    "Card templates per common need (caseworkers, admin)",
    "cards",
    response=TemplateOut,
    many=True,
    errors=(403,),
)
def list_templates() -> Response:
    return render([template_out(t) for t in cards.list_templates(db.session(), caller())])


@api_route(
    bp,
    "/card-templates/<code>",
    "PUT",
    "Create or replace a card template (admin)",
    "cards",
    body=cards.TemplateIn,
    response=TemplateOut,
    errors=(403,),
)
def put_template(code: str) -> Response:
    with db.unit_of_work() as session:
        return render(template_out(cards.put_template(session, caller(), code, json_object())))


@api_route(
    bp,
    "/jobcentres/<code>/grant-limit",
    "PUT",
    "Set the amount up to which the jobcentre may pre-approve (admin; logged)",
    "cards",
    body=cards.GrantLimitIn,
    response=GrantLimitOut,
    errors=(403, 404),
)
def set_grant_limit(code: str) -> Response:
    with db.unit_of_work() as session:
        jobcentre = cards.set_grant_limit(session, caller(), code, json_object())
        limit = jobcentre.grant_limit
        return render(
            GrantLimitOut(
                code=jobcentre.code,
                name=jobcentre.name,
                grant_limit=None if limit is None else float(limit),
            )
        )


@api_route(
    bp,
    "/compensation-cards",
    "POST",
    "Write a card (draft) from conversations and registry schemes, or from a template",
    "cards",
    body=cards.CardIn,
    response=CardOut,
    status=201,
    errors=(403,),
)
def create_card() -> Response:
    with db.unit_of_work() as session:
        card = cards.create_card(session, caller(), json_object())
        return render(card_out(session, card), 201)


@api_route(
    bp, "/compensation-cards/<card_id>", "GET", "One card", "cards", response=CardOut, errors=(404,)
)
def get_card(card_id: str) -> Response:
    with db.unit_of_work() as session:  # commits the audit row of the read
        return render(card_out(session, cards.get_card(session, caller(), card_id)))


@api_route(
    bp,
    "/compensation-cards/<card_id>/issue",
    "POST",
    "Issue the card: it gets its verification code",
    "cards",
    response=CardOut,
    errors=(403, 404, 409),
)
def issue_card(card_id: str) -> Response:
    with db.unit_of_work() as session:
        return render(card_out(session, cards.issue(session, caller(), card_id)))


@api_route(
    bp,
    "/compensation-cards/<card_id>/revoke",
    "POST",
    "Revoke the card",
    "cards",
    body=cards.RevokeIn,
    response=CardOut,
    errors=(403, 404, 409),
)
def revoke_card(card_id: str) -> Response:
    with db.unit_of_work() as session:
        cards.find_card(session, caller(), card_id)
        return render(card_out(session, cards.revoke(session, caller(), card_id, json_object())))


@api_route(
    bp,
    "/compensation-cards/<card_id>/share",
    "POST",
    "The citizen shares the card's schemes (never the impairment) with employers in their cases",
    "cards",
    body=cards.ShareIn,
    response=CardOut,
    errors=(403, 404),
)
def share_card(card_id: str) -> Response:
    with db.unit_of_work() as session:
        cards.find_card(session, caller(), card_id)
        return render(card_out(session, cards.share(session, caller(), card_id, json_object())))


@api_route(
    bp,
    "/compensation-cards/<card_id>/qr.svg",
    "GET",
    "The card's QR code (SVG): the public verification address",
    "cards",
    errors=(404, 409),
    content_type="image/svg+xml",
)
def card_qr(card_id: str) -> Response:
    with db.unit_of_work() as session:  # commits the audit row of the read
        card = cards.get_card(session, caller(), card_id)
    if not card.verification_code:
        raise Conflict("Kortet er ikke udstedt endnu.", "invalid_transition")
    buffer = io.BytesIO()
    segno.make(verification_url(card.verification_code), error="m").save(
        buffer, kind="svg", scale=4, title="Kontrollér kompensationskortet"
    )
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


@api_route(
    bp,
    "/compensation-cards/<card_id>/employment",
    "POST",
    "Record a concrete employment: one fast-track grant task per pre-approved scheme",
    "cards",
    body=cards.EmploymentIn,
    response=CardOut,
    errors=(403, 404, 409),
)
def record_employment(card_id: str) -> Response:
    with db.unit_of_work() as session:
        cards.find_card(session, caller(), card_id)
        cards.record_employment(session, caller(), card_id, json_object())
        return render(card_out(session, cards.find_card(session, caller(), card_id)))


@api_route(
    bp,
    "/fast-track-tasks/<int:task_id>/done",
    "POST",
    "Mark a fast-track grant task as done",
    "cards",
    body=cards.TaskDoneIn,
    response=CardOut,
    errors=(403, 404, 409),
)
def complete_task(task_id: int) -> Response:
    with db.unit_of_work() as session:
        task: FastTrackTask | None = session.get(FastTrackTask, task_id)
        if task is not None:
            cards.find_card(session, caller(), task.card_id)
        done = cards.complete_task(session, caller(), task_id, json_object())
        return render(card_out(session, cards.find_card(session, caller(), done.card_id)))


@api_route(
    bp,
    "/applicants/<user_id>/compensation-cards",
    "GET",
    "The citizen's cards, newest first",
    "cards",
    response=CardOut,
    many=True,
    errors=(404,),
)
def list_cards(user_id: str) -> Response:
    with db.unit_of_work() as session:  # commits the audit rows of the reads
        return render([card_out(session, c) for c in cards.cards_of(session, caller(), user_id)])


@api_route(
    bp,
    "/card-verification/<code>",
    "GET",
    "Public: is this card valid, and which schemes are pre-approved (nothing about the impairment)",
    "cards",
    response=VerificationOut,
    public=True,
    errors=(404,),
)
def verify_card(code: str) -> Response:
    session = db.session()
    return render(verification_out(session, cards.verify(session, code)))


def _date_arg(name: str) -> date:
    return query_date(request.args.get(name, ""), name)  # 422 unless YYYY-MM-DD in 1900-2100


@api_route(
    bp,
    "/reports/compensation-cards",
    "GET",
    "Card figures per jobcentre and period (001): conversations, cards, pre-approvals, fast track",
    "cards",
    response=ReportOut,
    errors=(403, 422),
    query=(
        QueryParam("jobcentre", {"type": "string"}, "jobcentre code", True),
        QueryParam("from", {"type": "string", "format": "date"}, "first day", True),
        QueryParam("to", {"type": "string", "format": "date"}, "last day", True),
    ),
)
def card_report() -> Response:
    problems: dict[str, str] = {}
    dates: dict[str, date] = {}
    for name in ("from", "to"):
        try:
            dates[name] = _date_arg(name)
        except ValidationFailed as error:
            problems.update(error.fields)
    jobcentre = request.args.get("jobcentre", "")
    if not jobcentre:
        problems["jobcentre"] = "skal udfyldes"
    if problems:
        raise ValidationFailed(problems)
    figures = cards.report(db.session(), caller(), jobcentre, dates["from"], dates["to"])
    return render(figures)
