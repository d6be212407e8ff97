"""Vacancies and applications (the case)."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Response, request
from pydantic import BaseModel, ConfigDict, Field

from fortrin import cases, clock, db, documents, feeds, vacancies
from fortrin.blueprints.api import (
    bp,
    caller,
    cursor_arg,
    deadline_from_query,
    json_object,
    page_args,
    paged,
    render,
)
from fortrin.blueprints.api.spec import CURSOR_QUERY, DEADLINE_QUERY, QueryParam, api_route
from fortrin.blueprints.feeds import calendar_response
from fortrin.errors import NotFound, ValidationFailed
from fortrin.presenters import (
    ApplicationOut,
    GuidanceOut,
    VacancyOut,
    application_out,
    guidance_out,
    vacancy_out,
)
from fortrin.validation import validate
from fortrin.workflows import preferential_access as pa

_PAGING = (
    QueryParam("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "page size (100)"),
    QueryParam("offset", {"type": "integer", "minimum": 0}, "items to skip"),
)


def _event_schema() -> dict[str, Any]:
    variants = []
    for transition in pa.TRANSITIONS.values():
        schema = transition.fields.model_json_schema()
        schema.pop("$defs", None)
        schema["title"] = transition.event
        schema.setdefault("properties", {})["type"] = {"const": transition.event}
        schema["required"] = ["type", *schema.get("required", [])]
        schema["description"] = (
            f"{transition.doc} Sent by: {', '.join(sorted(transition.senders))}. Accepted in: "
            f"{', '.join(sorted(transition.accepted_in))}. Source: {transition.source}."
        )
        variants.append(schema)
    return {"oneOf": variants, "discriminator": {"propertyName": "type"}}


@api_route(
    bp,
    "/vacancies",
    "POST",
    "Post a vacancy or licence (employer)",
    "cases",
    body=vacancies.VacancyCreate,
    response=VacancyOut,
    status=201,
    errors=(403, 409),
)
def create_vacancy() -> Response:
    with db.unit_of_work() as session:
        body = json_object()
        vacancy = vacancies.create_vacancy(session, caller(), body)
        return render(vacancy_out(session, caller(), vacancy), 201)


@api_route(
    bp,
    "/vacancies",
    "GET",
    "The caller's visible vacancies, newest first",
    "cases",
    response=VacancyOut,
    many=True,
    query=(
        QueryParam("state", {"type": "string", "enum": ["open", "filled", "withdrawn"]}, ""),
        QueryParam(
            "accepting",
            {"type": "string", "enum": ["true", "false"]},
            "only open vacancies whose application deadline has not passed",
        ),
        *_PAGING,
        CURSOR_QUERY,
    ),
)
def list_vacancies() -> Response:
    limit, offset = page_args()
    session = db.session()
    accepting = request.args.get("accepting")
    if accepting not in (None, "true", "false"):
        raise ValidationFailed({"accepting": "skal være true eller false"})
    rows, total = vacancies.list_vacancies(
        session,
        caller(),
        request.args.get("state"),
        limit,
        offset,
        accepting == "true",
        cursor_arg(),
    )
    shown: list[BaseModel] = [vacancy_out(session, caller(), v) for v in rows]
    return paged(shown, total, cases.next_cursor(rows, limit))


@api_route(
    bp,
    "/vacancies/<vacancy_id>",
    "GET",
    "A vacancy with the duties that block filling it",
    "cases",
    response=VacancyOut,
    errors=(404,),
)
def get_vacancy(vacancy_id: str) -> Response:
    session = db.session()
    return render(vacancy_out(session, caller(), cases.get_vacancy(session, caller(), vacancy_id)))


@api_route(
    bp,
    "/vacancies/<vacancy_id>",
    "PATCH",
    "Move the application deadline later, to accept later applications (its employer)",
    "cases",
    body=vacancies.VacancyUpdate,
    response=VacancyOut,
    errors=(403, 404, 409),
)
def update_vacancy(vacancy_id: str) -> Response:
    with db.unit_of_work() as session:
        cases.get_vacancy(session, caller(), vacancy_id)
        body = json_object()
        vacancy = vacancies.update_vacancy(session, caller(), vacancy_id, body)
        return render(vacancy_out(session, caller(), vacancy))


@api_route(
    bp,
    "/vacancies/<vacancy_id>/fill",
    "POST",
    "Fill one position; 409 duties_outstanding while an application blocks it (bek. §6 stk. 2-3), "
    "409 fill_contradicts_decision when the fill contradicts a decision (bek. § 2 stk. 3)",
    "cases",
    body=vacancies.VacancyFillIn,
    response=VacancyOut,
    errors=(403, 404, 409),
)
def fill_vacancy(vacancy_id: str) -> Response:
    with db.unit_of_work() as session:
        cases.get_vacancy(session, caller(), vacancy_id)
        body = json_object()
        vacancy = vacancies.fill_vacancy(session, caller(), vacancy_id, body)
        return render(vacancy_out(session, caller(), vacancy))


@api_route(
    bp,
    "/vacancies/<vacancy_id>/withdraw",
    "POST",
    "Withdraw the vacancy unfilled; contacted cases owe a refusal, the others close",
    "cases",
    body=vacancies.VacancyWithdraw,
    response=VacancyOut,
    errors=(403, 404, 409),
)
def withdraw_vacancy(vacancy_id: str) -> Response:
    with db.unit_of_work() as session:
        cases.get_vacancy(session, caller(), vacancy_id)
        body = json_object()
        vacancy = vacancies.withdraw_vacancy(session, caller(), vacancy_id, body)
        return render(vacancy_out(session, caller(), vacancy))


@api_route(
    bp,
    "/applications",
    "POST",
    "Apply with preferential access (applicant for themself, or caseworker with applicant_id)",
    "cases",
    body=cases.ApplicationCreate,
    response=ApplicationOut,
    status=201,
    errors=(403, 409),
)
def create_application() -> Response:
    with db.unit_of_work() as session:
        body = json_object()
        application = cases.create_application(session, caller(), body)
        return render(application_out(session, caller(), application), 201)


@api_route(
    bp,
    "/applications",
    "GET",
    "The caller's visible applications, newest first (without timeline)",
    "cases",
    response=ApplicationOut,
    many=True,
    query=(
        QueryParam("state", {"type": "string", "enum": [s.value for s in pa.State]}, ""),
        QueryParam("vacancy_id", {"type": "string"}, "only applications to this vacancy"),
        *_PAGING,
        CURSOR_QUERY,
    ),
)
def list_applications() -> Response:
    limit, offset = page_args()
    with db.unit_of_work() as session:  # commits the audit rows of the cases listed
        rows, total = cases.list_applications(
            session,
            caller(),
            state=request.args.get("state"),
            vacancy_id=request.args.get("vacancy_id"),
            limit=limit,
            offset=offset,
            cursor=cursor_arg(),
            api_page=True,
        )
        shown: list[BaseModel] = [
            application_out(session, caller(), a, with_timeline=False) for a in rows
        ]
    return paged(shown, total, cases.next_cursor(rows, limit))


class AssigneeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    assignee_id: Annotated[str, Field(min_length=1, max_length=32)] | None


@api_route(
    bp,
    "/applications/<application_id>/assignee",
    "PUT",
    "Take a case, give it to a colleague of the handling jobcentre, or let it go (null); caseworkers",
    "cases",
    body=AssigneeIn,
    response=ApplicationOut,
    errors=(403, 404, 409),
)
def assign_application(application_id: str) -> Response:
    body = validate(AssigneeIn, json_object())
    with db.unit_of_work() as session:
        application = cases.assign(session, caller(), application_id, body.assignee_id)
        return render(application_out(session, caller(), application))


@api_route(
    bp,
    "/applications/<application_id>",
    "GET",
    "One case: state, open duties, deadlines and the timeline",
    "cases",
    response=ApplicationOut,
    errors=(404,),
)
def get_application(application_id: str) -> Response:
    # On PostgreSQL the read writes its own audit row (cases.get_application): no transaction.
    with db.unit_of_work() as session:  # commits the audit row of the read (SQLite)
        application = cases.get_application(session, caller(), application_id)
        return render(application_out(session, caller(), application))


get_application.statement_at_a_time = True  # type: ignore[attr-defined]


@api_route(
    bp,
    "/applications/<application_id>/events",
    "POST",
    "Record an event of the case (see the transition table)",
    "cases",
    body=_event_schema(),
    response=ApplicationOut,
    errors=(403, 404, 409),
)
def record_event(application_id: str) -> Response:
    with db.unit_of_work() as session:
        found = cases.find_application(session, caller(), application_id, with_context=True)
        body = json_object()
        application = cases.record_event(session, caller(), application_id, body, found)
        if body.get("type") == documents.REFUSAL.step:  # keep the letter as sent (issue 11)
            documents.keep_sent_refusal(session, caller(), application)
        return render(application_out(session, caller(), application))


@api_route(
    bp,
    "/applications/<application_id>/complaint-guidance",
    "GET",
    "The complaint guidance (with the exact last day) to put in a refusal before it is sent",
    "cases",
    response=GuidanceOut,
    errors=(404, 422),
    query=DEADLINE_QUERY,
)
def complaint_guidance(application_id: str) -> Response:
    # Shows nothing of the case (the guidance is computed from the query): not an audited read.
    cases.find_application(db.session(), caller(), application_id)
    return render(guidance_out(deadline_from_query()))


@api_route(
    bp,
    "/applications/<application_id>/interview.ics",
    "GET",
    "The interview as an iCalendar invitation (METHOD:REQUEST)",
    "cases",
    errors=(404,),
    content_type="text/calendar",
)
def interview_invitation(application_id: str) -> Response:
    with db.unit_of_work() as session:  # commits the audit row of the read
        application = cases.get_application(session, caller(), application_id)
        body = feeds.invitation(session, caller(), application, clock.now())
    if body is None:
        raise NotFound("Der er ikke aftalt en samtale i sagen.")
    return calendar_response(body, "samtale.ics")
