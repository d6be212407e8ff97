"""The breach register: employers found not to have kept the interview or negotiation duties.

A breach comes from Ankestyrelsen's opinion with ``duties_kept: false`` (kompensationslov § 17 a
stk. 4: a copy goes to the employer's top official) or is recorded by a jobcentre for one found
outside the service. The employer's contact and its top official are told (domain.md section 12).

Visibility: caseworkers see the breaches of employers in their area (the organisation's municipality
is served by their jobcentre) and those their jobcentre handled or recorded; admins see all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from fortrin import clock, notifications, paging
from fortrin.errors import Forbidden, NotFound, ValidationFailed
from fortrin.models import Application, Breach, Municipality, Organisation, User, Vacancy
from fortrin.validation import validate
from fortrin.workflows.preferential_access import LegalText


class BreachCreate(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    organisation_id: Annotated[str, Field(min_length=1, max_length=32)]
    found_on: date
    summary: LegalText
    application_id: Annotated[str, Field(min_length=1, max_length=32)] | None = None


def scope(user: User) -> ColumnElement[bool]:
    if user.role == "admin":
        return col(Breach.id).is_not(None)
    if user.role != "caseworker":
        return col(Breach.id).is_(None)
    in_area = select(Organisation.id).join(
        Municipality, col(Municipality.code) == col(Organisation.municipality_code)
    )
    return or_(
        col(Breach.jobcentre_code) == user.jobcentre_code,
        col(Breach.organisation_id).in_(
            in_area.where(Municipality.jobcentre_code == user.jobcentre_code)
        ),
    )


def record(
    db: Session,
    user: User | None,
    *,
    organisation_id: str,
    application: Application | None,
    found_on: date,
    source: str,
    summary: str,
    jobcentre_code: str | None = None,
) -> Breach:
    organisation = db.get(Organisation, organisation_id)
    assert organisation is not None
    breach = Breach(
        organisation_id=organisation_id,
        application_id=application.id if application else None,
        jobcentre_code=(
            application.handling_jobcentre_code if application is not None else jobcentre_code
        ),
        found_on=found_on,
        source=source,
        summary=summary,
        created_at=clock.now(),
        created_by=user.id if user else None,
    )
    db.add(breach)
    db.flush()
    notifications.breach_recorded(db, breach, organisation)
    return breach


def create(db: Session, user: User, body: dict[str, Any]) -> Breach:
    """A jobcentre (or admin) records a breach found outside the service."""
    if user.role not in ("caseworker", "admin"):
        raise Forbidden("Kun jobcentre og administratorer kan registrere en overtrædelse.")
    spec = validate(BreachCreate, body)
    problems: dict[str, str] = {}
    if spec.found_on > clock.today():
        problems["found_on"] = f"må ikke ligge i fremtiden (senest {clock.today().isoformat()})"
    organisation = db.get(Organisation, spec.organisation_id)
    if organisation is None:
        problems["organisation_id"] = "organisationen findes ikke"
    application = None
    if spec.application_id is not None:
        # Only a case the caller may see; one it may not is answered as if it did not exist.
        # (Imported here: the case service records breaches, so it imports this module.)
        from fortrin.cases import application_scope

        application = db.exec(
            select(Application).where(
                Application.id == spec.application_id, application_scope(user)
            )
        ).first()
        vacancy = db.get(Vacancy, application.vacancy_id) if application else None
        if application is None or vacancy is None:
            problems["application_id"] = "sagen findes ikke"
        elif organisation is not None and vacancy.organisation_id != organisation.id:
            problems["application_id"] = "sagen hører ikke til den organisation"
    if problems:
        raise ValidationFailed(problems)
    return record(
        db,
        user,
        organisation_id=spec.organisation_id,
        application=application,
        found_on=spec.found_on,
        source="jobcentre",
        summary=spec.summary,
        jobcentre_code=user.jobcentre_code,
    )


def list_for(
    db: Session,
    user: User,
    limit: int,
    offset: int,
    cursor: str | None = None,
    backward: bool = False,
) -> list[tuple[Breach, str]]:
    """Newest finding first (by key: ``cursor``, the value of ``next_cursor``); ``backward``: the
    rows before ``cursor`` instead, oldest first (a web page's "Forrige", ``paging.page_of``)."""
    if user.role not in ("caseworker", "admin"):
        raise Forbidden("Kun jobcentre og administratorer kan se overtrædelser.")
    query = (
        select(Breach, Organisation.name)
        .join(Organisation, col(Organisation.id) == col(Breach.organisation_id))
        .where(scope(user))
    )
    order = (col(Breach.found_on), col(Breach.created_at), col(Breach.id))
    kinds = (date, datetime, str)
    rows = db.exec(
        paging.apply(query, order, kinds, cursor, limit, offset, descending=not backward)
    )
    return [(breach, name) for breach, name in rows]


def next_cursor(rows: list[tuple[Breach, str]], limit: int) -> str | None:
    return paging.next_cursor([(b.found_on, b.created_at, b.id) for b, _ in rows], limit)


def get(db: Session, user: User, breach_id: str) -> Breach:
    breach = db.exec(select(Breach).where(Breach.id == breach_id, scope(user))).first()
    if breach is None:
        raise NotFound("Overtrædelsen findes ikke.")
    return breach


def organisation_name(db: Session, breach: Breach) -> str:
    organisation = db.get(Organisation, breach.organisation_id)
    return organisation.name if organisation else ""
