"""Vacancies: their lists, and their course from posting to filled or withdrawn, always scoped to
the caller (``cases.vacancy_scope``).

A vacancy may not be filled while a preferential applicant's case has an open duty (bek. § 6 stk.
2-3: ``blockers``); filling its last position or withdrawing it ends the cases that wait on it,
through the cases' own timeline (``cases.append_event``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from fortrin import cases, clock, notifications, paging
from fortrin.errors import Conflict, ValidationFailed
from fortrin.models import Application, Municipality, Organisation, User, Vacancy, VacancyFill
from fortrin.validation import validate
from fortrin.workflows import preferential_access as pa


def list_vacancies(
    db: Session,
    user: User,
    state: str | None = None,
    limit: int = 100,
    offset: int = 0,
    accepting: bool = False,
    cursor: str | None = None,
) -> tuple[list[Vacancy], int]:
    """With ``accepting``, only open vacancies whose application deadline has not passed: those an
    applicant can still apply to (004 § 3.5)."""
    conditions = _vacancy_conditions(user, state, accepting)
    total = db.exec(select(func.count()).select_from(Vacancy).where(*conditions)).one()
    order = (col(Vacancy.created_at), col(Vacancy.id))
    query = select(Vacancy).where(*conditions)
    rows = db.exec(paging.apply(query, order, (datetime, str), cursor, limit, offset)).all()
    return list(rows), int(total)


def _vacancy_conditions(
    user: User, state: str | None, accepting: bool
) -> list[ColumnElement[bool]]:
    conditions = [cases.vacancy_scope(user)]
    if state is not None:
        if state not in ("open", "filled", "withdrawn"):
            raise ValidationFailed({"state": "skal være open, filled eller withdrawn"})
        conditions.append(col(Vacancy.state) == state)
    if accepting:  # the SQL form of pa.check_application_in_time
        conditions.append(col(Vacancy.state) == "open")
        conditions.append(col(Vacancy.application_deadline) >= clock.today())
    return conditions


VACANCY_PAGE_SIZE = 25


def vacancy_page(
    db: Session,
    user: User,
    *,
    accepting: bool = False,
    after: str | None = None,
    before: str | None = None,
    per_page: int = VACANCY_PAGE_SIZE,
) -> tuple[paging.Page[Vacancy], int]:
    """The vacancies of ``list_vacancies``, newest first, and their total: the web pages' page read
    by key from ``after`` (a page's ``next_cursor``) or ``before`` (its ``previous_cursor``)."""
    start = paging.bound(after, before, (datetime, str))
    conditions = _vacancy_conditions(user, None, accepting)
    total = db.exec(select(func.count()).select_from(Vacancy).where(*conditions)).one()
    order = (col(Vacancy.created_at), col(Vacancy.id))
    rows = db.exec(paging.read(select(Vacancy).where(*conditions), order, start, per_page)).all()
    return paging.page_of(rows, start, per_page, lambda v: (v.created_at, v.id)), int(total)


class VacancyCreate(cases.Input):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    kind: Literal["job", "stall", "kiosk", "taxi", "other_licence"]
    formal_education_requirement: Annotated[str, Field(max_length=2000)] | None = None
    application_deadline: date
    workplace_municipality_code: Annotated[str, Field(pattern=r"^\d{3}$")]
    workplace_jobcentre_code: Annotated[str, Field(pattern=r"^\d{3}$")] | None = None
    positions: Annotated[int, Field(ge=1, le=10000)] = 1


class VacancyUpdate(cases.Input):
    application_deadline: date


class VacancyFillIn(cases.Input):
    filled_by: Literal["preferential_applicant", "internal", "external"]
    application_id: Annotated[str, Field(max_length=64)] | None = None


class VacancyWithdraw(cases.Input):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


# --- the vacancy's course -------------------------------------------------------------------------


def create_vacancy(db: Session, user: User, body: dict[str, Any]) -> Vacancy:
    cases.require_role(user, "employer")
    spec = validate(VacancyCreate, body)
    organisation = db.get(Organisation, user.organisation_id)
    if organisation is None:
        raise Conflict("Din bruger er ikke knyttet til en organisation.", "no_organisation")
    problems: dict[str, str] = {}
    if spec.application_deadline < clock.today():
        problems["application_deadline"] = "må ikke ligge i fortiden"
    if db.get(Municipality, spec.workplace_municipality_code) is None:
        problems["workplace_municipality_code"] = "kommunen findes ikke"
    if spec.workplace_jobcentre_code is not None:
        home = (
            db.get(Municipality, organisation.municipality_code)
            if organisation.municipality_code
            else None
        )
        if home is None or home.jobcentre_code != spec.workplace_jobcentre_code:
            problems["workplace_jobcentre_code"] = (
                "skal være jobcenteret i arbejdsgiverens egen kommune"
            )
    if problems:
        raise ValidationFailed(problems)
    now = clock.now()
    vacancy = Vacancy(
        organisation_id=organisation.id,
        title=spec.title,
        kind=spec.kind,
        formal_education_requirement=spec.formal_education_requirement or None,
        application_deadline=spec.application_deadline,
        workplace_municipality_code=spec.workplace_municipality_code,
        workplace_jobcentre_code=spec.workplace_jobcentre_code,
        positions=spec.positions,
        created_at=now,
        created_by=user.id,
    )
    db.add(vacancy)
    db.flush()
    if vacancy.kind in pa.LICENCE_KINDS:
        # 004 § 3.7: the authority tells the jobcentre of its area that a licence is vacant.
        notifications.licence_vacant(db, vacancy, organisation)
    return vacancy


def update_vacancy(db: Session, user: User, vacancy_id: str, body: dict[str, Any]) -> Vacancy:
    """The employer may move the application deadline later, to accept applications after it
    (004 § 3.5: the preferential right covers applications made in time)."""
    vacancy = cases.get_vacancy(db, user, vacancy_id)
    cases.require_role(user, "employer")
    if vacancy.state != "open":
        raise Conflict(f"Stillingen er ikke åben (status '{vacancy.state}').", "invalid_transition")
    spec = validate(VacancyUpdate, body)
    if spec.application_deadline < vacancy.application_deadline:
        raise ValidationFailed(
            {
                "application_deadline": "kan kun flyttes senere; tidligst "
                + vacancy.application_deadline.isoformat()
            }
        )
    vacancy.application_deadline = spec.application_deadline
    db.add(vacancy)
    db.flush()
    cases.touch_reminders(db, vacancy.id)
    return vacancy


@dataclass(frozen=True)
class Blocker:
    application_id: str
    duty: str
    owner: str
    label_da: str


def blockers(db: Session, vacancy: Vacancy, user: User | None = None) -> list[Blocker]:
    """The open duties of the vacancy's applications that forbid filling it (bek. §6 stk. 2-3).

    With ``user``, only the applications that user may see are listed (the vacancy is blocked all the
    same); without, all of them (the rule itself).
    """
    return blockers_of(db, [vacancy.id], user).get(vacancy.id, [])


def blockers_of(
    db: Session, vacancy_ids: Sequence[str], user: User | None = None
) -> dict[str, list[Blocker]]:
    """``blockers`` of several vacancies in one query (a page of them, issue 12), by vacancy; a
    vacancy without any is left out."""
    if not vacancy_ids:
        return {}
    conditions: list[ColumnElement[bool]] = [
        col(Application.vacancy_id).in_(vacancy_ids),
        col(Application.state).in_(list(pa.BLOCKING)),
    ]
    if user is not None:
        conditions.append(cases.application_scope(user))
    rows = db.exec(
        select(Application).where(*conditions).order_by(col(Application.created_at))
    ).all()
    found: dict[str, list[Blocker]] = {}
    for application in rows:
        found.setdefault(application.vacancy_id, []).extend(
            Blocker(application.id, duty.duty, duty.owner, duty.label_da)
            for duty in pa.outstanding_duties(application.state)
        )
    return found


def fill_vacancy(db: Session, user: User, vacancy_id: str, body: dict[str, Any]) -> Vacancy:
    vacancy = cases.get_vacancy(db, user, vacancy_id)
    cases.require_role(user, "employer")
    if vacancy.state != "open":
        raise Conflict(f"Stillingen er ikke åben (status '{vacancy.state}').", "invalid_transition")
    outstanding = blockers(db, vacancy)
    if outstanding:
        raise Conflict(
            "Stillingen må ikke besættes, før pligterne over for ansøgere med fortrinsadgang er "
            "opfyldt (bek. § 6 stk. 2-3).",
            "duties_outstanding",
            [
                {"application_id": b.application_id, "duty": b.duty, "owner": b.owner}
                for b in outstanding
            ],
        )
    spec = validate(VacancyFillIn, body)
    if spec.filled_by == "preferential_applicant":
        hired = (
            db.get(Application, spec.application_id) if spec.application_id is not None else None
        )
        if hired is None or hired.vacancy_id != vacancy.id:
            raise ValidationFailed({"application_id": "skal være en ansøgning til stillingen"})
        if hired.state != pa.State.HIRED:
            raise ValidationFailed({"application_id": "ansøgeren er ikke registreret som ansat"})
    fills = list(db.exec(select(VacancyFill).where(VacancyFill.vacancy_id == vacancy.id)).all())
    decided = db.exec(
        select(Application.id, Application.state, Application.decision_outcome).where(
            Application.vacancy_id == vacancy.id
        )
    ).all()
    contradiction = pa.fill_contradiction(
        pa.FillPlan(
            positions=vacancy.positions,
            filled=tuple((f.filled_by, f.application_id) for f in fills),
            hired=frozenset(a_id for a_id, state, _ in decided if state == pa.State.HIRED),
            internal_claimed=any(o == "internal_candidate_hired" for _, _, o in decided),
        ),
        spec.filled_by,
        spec.application_id if spec.filled_by == "preferential_applicant" else None,
    )
    if contradiction is not None:
        raise Conflict(contradiction, "fill_contradicts_decision")
    now = clock.now()
    db.add(
        VacancyFill(
            vacancy_id=vacancy.id,
            filled_by=spec.filled_by,
            application_id=spec.application_id
            if spec.filled_by == "preferential_applicant"
            else None,
            at=now,
            actor_id=user.id,
        )
    )
    vacancy.filled_by = spec.filled_by
    vacancy.filled_application_id = (
        spec.application_id if spec.filled_by == "preferential_applicant" else None
    )
    vacancy.filled_at = now
    if len(fills) + 1 >= vacancy.positions:  # filled when every position is (section 12)
        vacancy.state = "filled"
        _close_pending(db, vacancy, user, "vacancy_filled", {"filled_by": spec.filled_by})
    db.add(vacancy)
    db.flush()
    return vacancy


def positions_filled(db: Session, vacancy_id: str) -> int:
    return int(
        db.exec(
            select(func.count())
            .select_from(VacancyFill)
            .where(VacancyFill.vacancy_id == vacancy_id)
        ).one()
    )


def withdraw_vacancy(db: Session, user: User, vacancy_id: str, body: dict[str, Any]) -> Vacancy:
    """The employer drops the vacancy unfilled. A case whose employer was contacted is a "no" the
    applicant may have reviewed (domain.md section 12): it goes to ``refusal_pending``, so a written,
    reasoned refusal with complaint guidance is owed. A case the employer never saw just closes.
    Each applicant is told."""
    vacancy = cases.get_vacancy(db, user, vacancy_id)
    cases.require_role(user, "employer")
    if vacancy.state != "open":
        raise Conflict(f"Stillingen er ikke åben (status '{vacancy.state}').", "invalid_transition")
    spec = validate(VacancyWithdraw, body)
    vacancy.state = "withdrawn"
    db.add(vacancy)
    rows = ended_with_vacancy(db, vacancy.id)
    data = {"reason": spec.reason}
    for application in rows:
        to = pa.withdrawn_vacancy_leads_to(application.employer_contacted)
        seq = cases.append_event(db, application, user, "vacancy_withdrawn", to, data)
        notifications.vacancy_withdrawn(db, application, seq, spec.reason)
    db.flush()
    return vacancy


# Cases still before the employer's decision; a refusal already given keeps its course, since the
# applicant's right to Ankestyrelsen's opinion does not depend on the vacancy.
_ENDED_WITH_VACANCY = pa.BLOCKING | {pa.State.AWAITING_ASSESSMENT}


def ended_with_vacancy(db: Session, vacancy_id: str) -> Sequence[Application]:
    """The cases a withdrawal of the vacancy ends (each to refusal_pending once the employer was
    contacted, else closed)."""
    return db.exec(
        select(Application).where(
            col(Application.vacancy_id) == vacancy_id,
            col(Application.state).in_(list(_ENDED_WITH_VACANCY)),
        )
    ).all()


def _close_pending(
    db: Session, vacancy: Vacancy, user: User, event_type: str, data: dict[str, Any]
) -> None:
    """Once every position is filled, a case the jobcentre has not yet assessed ends (the others
    cannot be open: they block the fill)."""
    rows = db.exec(
        select(Application).where(
            col(Application.vacancy_id) == vacancy.id,
            col(Application.state).in_(list(_ENDED_WITH_VACANCY)),
        )
    ).all()
    for application in rows:
        cases.append_event(db, application, user, event_type, pa.State.CLOSED, data)
