"""Reference data, the routing table, organisations and the deadline calculator."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import Response
from pydantic import BaseModel, ConfigDict, Field

from fortrin import accounts, db, reference
from fortrin.blueprints.api import bp, caller, deadline_from_query, json_object, render
from fortrin.blueprints.api.spec import DEADLINE_QUERY, api_route
from fortrin.errors import Forbidden
from fortrin.presenters import (
    DeadlineOut,
    JobcentreOut,
    MunicipalityOut,
    OrganisationOut,
    ReferenceChangeOut,
    SchemeOut,
    change_out,
    deadline_out,
    jobcentre_out,
    municipality_out,
    organisation_out,
    organisations_for,
    scheme_out,
)
from fortrin.registry import list_schemes
from fortrin.validation import validate

Code3 = Annotated[str, Field(pattern=r"^\d{3}$")]


class RoutingUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    neighbour_jobcentre_code: Code3
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class JobcentreUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    jobcentre_code: Code3
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class OrganisationIn(BaseModel):
    name: str
    kind: Literal[
        "municipality", "region", "municipal_partnership", "state_institution", "publicly_funded"
    ]
    municipality_code: str | None = None
    cvr: str | None = None
    public_funding_share: float | None = None
    top_official_name: str | None = None
    top_official_email: str | None = None


class TopOfficialIn(BaseModel):
    top_official_name: str | None = None
    top_official_email: str | None = None


def _admin_only() -> None:
    if caller().role != "admin":
        raise Forbidden("Kun administratorer kan gøre dette.")


@api_route(
    bp,
    "/municipalities",
    "GET",
    "The 98 municipalities with their jobcentre and §7 neighbour",
    "reference",
    response=MunicipalityOut,
    many=True,
)
def municipalities() -> Response:
    return render([municipality_out(m) for m in reference.list_municipalities(db.session())])


@api_route(
    bp,
    "/municipalities/<code>",
    "GET",
    "One municipality",
    "reference",
    response=MunicipalityOut,
    errors=(404,),
)
def municipality(code: str) -> Response:
    return render(municipality_out(reference.get_municipality(db.session(), code)))


@api_route(
    bp,
    "/municipalities/<code>/routing",
    "PUT",
    "Set the designated neighbour jobcentre (bek. §7) of a municipality (admin; logged)",
    "reference",
    body=RoutingUpdate,
    response=MunicipalityOut,
    errors=(403, 404),
)
def set_routing(code: str) -> Response:
    with db.unit_of_work() as session:
        reference.get_municipality(session, code)
        _admin_only()
        spec = validate(RoutingUpdate, json_object())
        updated = reference.set_neighbour(
            session, caller(), code, spec.neighbour_jobcentre_code, spec.reason
        )
        return render(municipality_out(updated))


@api_route(
    bp,
    "/municipalities/<code>/jobcentre",
    "PUT",
    "Set which jobcentre serves a municipality (admin; logged)",
    "reference",
    body=JobcentreUpdate,
    response=MunicipalityOut,
    errors=(403, 404),
)
def set_jobcentre(code: str) -> Response:
    with db.unit_of_work() as session:
        reference.get_municipality(session, code)
        _admin_only()
        spec = validate(JobcentreUpdate, json_object())
        updated = reference.set_jobcentre(session, caller(), code, spec.jobcentre_code, spec.reason)
        return render(municipality_out(updated))


@api_route(
    bp,
    "/reference-changes",
    "GET",
    "Every change made to the reference data (admin)",
    "reference",
    response=ReferenceChangeOut,
    many=True,
    errors=(403,),
)
def reference_changes() -> Response:
    _admin_only()
    return render([change_out(c) for c in reference.list_changes(db.session())])


@api_route(
    bp,
    "/jobcentres",
    "GET",
    "The jobcentres and the municipalities each serves",
    "reference",
    response=JobcentreOut,
    many=True,
)
def jobcentres() -> Response:
    return render([jobcentre_out(j, codes) for j, codes in reference.list_jobcentres(db.session())])


@api_route(
    bp,
    "/schemes",
    "GET",
    "The compensation schemes of the registry",
    "schemes",
    response=SchemeOut,
    many=True,
)
def schemes() -> Response:
    return render([scheme_out(s) for s in list_schemes(db.session())])


@api_route(
    bp,
    "/organisations",
    "GET",
    "Organisations (admin: all; employer: its own)",
    "reference",
    response=OrganisationOut,
    many=True,
)
def organisations() -> Response:
    return render([organisation_out(o) for o in organisations_for(db.session(), caller())])


@api_route(
    bp,
    "/organisations",
    "POST",
    "Create a public employer or authority (admin)",
    "reference",
    body=OrganisationIn,
    response=OrganisationOut,
    status=201,
    errors=(403,),
)
def create_organisation() -> Response:
    _admin_only()
    body = json_object()
    with db.unit_of_work() as session:
        allowed = set(OrganisationIn.model_fields)
        created = accounts.create_organisation(
            session, **{k: v for k, v in body.items() if k in allowed}
        )
        return render(organisation_out(created), 201)


@api_route(
    bp,
    "/organisations/<organisation_id>",
    "PATCH",
    "Set the organisation's top official (øverste ledelse, kompensationslov § 17 a stk. 4) (admin)",
    "reference",
    body=TopOfficialIn,
    response=OrganisationOut,
    errors=(403, 404),
)
def update_organisation(organisation_id: str) -> Response:
    _admin_only()
    body = json_object()
    with db.unit_of_work() as session:
        return render(organisation_out(accounts.set_top_official(session, organisation_id, body)))


@api_route(
    bp,
    "/deadlines/opinion-request",
    "GET",
    "The last day to ask Ankestyrelsen for an opinion (kompensationslov §17 a stk. 3)",
    "deadlines",
    response=DeadlineOut,
    errors=(422,),
    query=DEADLINE_QUERY,
)
def opinion_deadline() -> Response:
    return render(deadline_out(deadline_from_query()))
