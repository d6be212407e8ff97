"""The breach register page (kompensationslov § 17 a stk. 4; domain.md section 12): the employers found
not to have kept the duties, for caseworkers (their area) and admins (all), and a form to record a
breach found outside the service. Both go through ``fortrin.breaches``, as the API does."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import login_required
from sqlalchemy import func
from sqlmodel import Session, col, select

from fortrin import breaches, cases, clock, db
from fortrin.blueprints.web import bp, listing
from fortrin.blueprints.web.pages import signed_in_user
from fortrin.errors import Forbidden, ValidationFailed
from fortrin.i18n import N_
from fortrin.models import Application, Breach, Organisation, User, Vacancy
from fortrin.presenters import breach_out

BREACHES_PER_PAGE = 25
CASE_CHOICES = 100
SOURCES = {"ankestyrelsen": N_("Ankestyrelsen"), "jobcentre": N_("Jobcenteret")}
FIELDS = {
    "organisation_id": ("breach-organisation", N_("Arbejdsgiver")),
    "found_on": ("breach-found-on", N_("Konstateret den")),
    "summary": ("breach-summary", N_("Hvad skete der?")),
    "application_id": ("breach-application", N_("Sag")),
}


@bp.route("/breaches", methods=["GET", "POST"])
@login_required
def breaches_page() -> ResponseReturnValue:
    user = signed_in_user()
    if user.role not in ("caseworker", "admin"):
        raise Forbidden("Kun jobcentre og administratorer kan se overtrædelser.")
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = {name: (request.form.get(name) or "").strip() for name in FIELDS}
        # An empty field is left out, so the service names it as missing ("skal udfyldes").
        body = {name: value for name, value in values.items() if value}
        try:
            with db.unit_of_work() as work:
                breaches.create(work, user, body)
        except ValidationFailed as error:
            errors = error.fields
        else:
            flash(gettext("Overtrædelsen er registreret."), "success")
            return redirect(url_for("web.breaches_page"))
    session = db.session()
    listed = _breach_list(session, user)
    # The public employers (reference data, some thousands at most) to choose the employer from.
    organisations = [
        (o.id, o.name)
        for o in session.exec(select(Organisation).order_by(col(Organisation.name))).all()
    ]
    # Naming who applied with preferential access is a read of the cases: audited, so committed.
    # The newest cases only: a breach is recorded soon after it is found, and the case is optional.
    with db.unit_of_work() as work:
        case_choices = [
            (a.id, _case_name(work, a))
            for a in cases.list_applications(work, user, limit=CASE_CHOICES)[0]
        ]
    labels = {name: (FIELDS[name][0], gettext(FIELDS[name][1])) for name in FIELDS}
    status = 422 if errors else 400 if listed["page_problem"] else 200
    return render_template(
        "breaches.html",
        **listed,
        organisations=organisations,
        case_choices=case_choices,
        sources=SOURCES,
        fields=FIELDS,
        errors=errors,
        labels=labels,
        values=values or {"found_on": clock.today().isoformat()},
    ), status


def _breach_list(session: Session, user: User) -> dict[str, Any]:
    """A page of the register, newest finding first, read by key from the query string's cursors:
    ``breaches`` (the rows), ``pages`` (the count and the ``pager``) and, for a bad cursor (a 400),
    ``page_problem`` with ``first_url``."""
    listed: dict[str, Any] = {
        "breaches": [],
        "pages": None,
        "page_problem": None,
        "first_url": url_for("web.breaches_page"),
    }
    try:
        page = listing.read_page(
            lambda cursor, limit, backward: breaches.list_for(
                session, user, limit, 0, cursor=cursor, backward=backward
            ),
            (date, datetime, str),
            lambda row: (row[0].found_on, row[0].created_at, row[0].id),
            BREACHES_PER_PAGE,
        )
    except ValidationFailed as error:
        listed["page_problem"] = listing.page_problem(error)
        return listed
    total = session.exec(select(func.count()).select_from(Breach).where(breaches.scope(user))).one()
    listed["breaches"] = [breach_out(breach, name) for breach, name in page.rows]
    listed["pages"] = listing.paged("web.breaches_page", {}, page, int(total))
    return listed


def _case_name(session: Session, application: Application) -> str:
    """ "Applicant: vacancy (employer)", for choosing the case a breach belongs to."""
    applicant = session.get(User, application.applicant_id)
    vacancy = session.get(Vacancy, application.vacancy_id)
    organisation = session.get(Organisation, vacancy.organisation_id) if vacancy else None
    return (
        f"{applicant.name if applicant else ''}: {vacancy.title if vacancy else ''}"
        f" ({organisation.name if organisation else ''})"
    )
