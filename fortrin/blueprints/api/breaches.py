"""The breach register (kompensationslov § 17 a stk. 4; domain.md section 12)."""

from __future__ import annotations

from flask import Response
from pydantic import BaseModel

from fortrin import breaches, db
from fortrin.blueprints.api import bp, caller, cursor_arg, json_object, page_args, paged, render
from fortrin.blueprints.api.spec import CURSOR_QUERY, QueryParam, api_route
from fortrin.presenters import BreachOut, breach_out


@api_route(
    bp,
    "/breaches",
    "GET",
    "Employers found not to have kept the duties (caseworkers: their area; admin: all)",
    "cases",
    response=BreachOut,
    many=True,
    errors=(403,),
    query=(
        QueryParam("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "page size (100)"),
        QueryParam("offset", {"type": "integer", "minimum": 0}, "items to skip"),
        CURSOR_QUERY,
    ),
)
def list_breaches() -> Response:
    limit, offset = page_args()
    rows = breaches.list_for(db.session(), caller(), limit, offset, cursor_arg())
    shown: list[BaseModel] = [breach_out(breach, name) for breach, name in rows]
    return paged(shown, None, breaches.next_cursor(rows, limit))


@api_route(
    bp,
    "/breaches",
    "POST",
    "Record a breach found outside the service (caseworker, admin); the employer and its top "
    "official are told",
    "cases",
    body=breaches.BreachCreate,
    response=BreachOut,
    status=201,
    errors=(403,),
)
def create_breach() -> Response:
    with db.unit_of_work() as session:
        body = json_object()
        breach = breaches.create(session, caller(), body)
        return render(breach_out(breach, breaches.organisation_name(session, breach)), 201)
