"""The jobcentre's registration of applicants (bek. §5)."""

from __future__ import annotations

from flask import Response, request
from pydantic import BaseModel

from fortrin import applicants, db, paging
from fortrin.applicants import ProfileUpdate
from fortrin.blueprints.api import bp, caller, cursor_arg, json_object, page_args, paged, render
from fortrin.blueprints.api.spec import CURSOR_QUERY, QueryParam, api_route
from fortrin.presenters import ProfileOut, profile_out


@api_route(
    bp,
    "/applicants/<user_id>/profile",
    "PUT",
    "Register education, qualifications and disability (caseworker of the home jobcentre)",
    "applicants",
    body=ProfileUpdate,
    response=ProfileOut,
    errors=(403, 404),
)
def put_profile(user_id: str) -> Response:
    with db.unit_of_work() as session:
        applicants.get_applicant(session, caller(), user_id)
        body = json_object()
        applicant, profile = applicants.put_profile(session, caller(), user_id, body)
        return render(profile_out(applicant, profile))


@api_route(
    bp,
    "/applicants/<user_id>/profile",
    "GET",
    "The registration (home or handling jobcentre, the applicant, admin; never an employer)",
    "applicants",
    response=ProfileOut,
    errors=(404,),
)
def get_profile(user_id: str) -> Response:
    with db.unit_of_work() as session:  # commits the audit row of the read
        applicant, profile = applicants.get_profile(session, caller(), user_id)
        return render(profile_out(applicant, profile))


class ApplicantOut(BaseModel):
    id: str
    name: str
    email: str
    home_municipality_code: str | None


@api_route(
    bp,
    "/applicants",
    "GET",
    "Find applicants by name or e-mail (caseworkers: their jobcentre's area; admin: all)",
    "applicants",
    response=ApplicantOut,
    many=True,
    errors=(403,),
    query=(
        QueryParam("q", {"type": "string"}, "part of the name or e-mail"),
        QueryParam("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "page size"),
        QueryParam("offset", {"type": "integer", "minimum": 0}, "items to skip"),
        CURSOR_QUERY,
    ),
)
def find_applicants() -> Response:
    limit, offset = page_args()
    rows = applicants.search(
        db.session(), caller(), request.args.get("q", ""), limit, offset, cursor_arg()
    )
    shown: list[BaseModel] = [ApplicantOut.model_validate(u, from_attributes=True) for u in rows]
    return paged(shown, None, paging.next_cursor([(u.name, u.id) for u in rows], limit))
