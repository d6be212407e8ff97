"""Admin pages: users, organisations, rates, card templates and grant limits. Each form goes through
the same service function as the API and the CLI; a refusal is shown in an alert and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import login_required
from sqlmodel import col, select

from fortrin import accounts, cards, db, reference, registry
from fortrin.blueprints.web import bp
from fortrin.blueprints.web.admin_and_cards import admin_user
from fortrin.errors import DomainError, NotFound
from fortrin.i18n import N_
from fortrin.models import Organisation, User

ROLES = (
    ("applicant", N_("Ansøger")),
    ("caseworker", N_("Sagsbehandler")),
    ("employer", N_("Arbejdsgiver")),
    ("admin", N_("Administrator")),
)
KINDS = (
    ("municipality", N_("Kommune")),
    ("region", N_("Region")),
    ("municipal_partnership", N_("Kommunalt fællesskab")),
    ("state_institution", N_("Statslig institution")),
    ("publicly_funded", N_("Mindst halvdelen offentligt finansieret")),
)

# The user forms' fields by their labels on the page (other forms name the field).
FIELD_LABELS = {
    "email": N_("E-mail"),
    "name": N_("Navn"),
    "password": N_("Adgangskode"),
    "role": N_("Rolle"),
    "jobcentre_code": N_("Jobcenter (sagsbehandlere)"),
    "organisation_id": N_("Organisation (arbejdsgivere)"),
    "home_municipality_code": N_("Bopælskommune (ansøgere)"),
}


def _attempt(action: Callable[[], Any], success: str) -> bool:
    """Run one change in a unit of work and say how it went."""
    try:
        with db.unit_of_work():
            action()
    except DomainError as error:
        fields = getattr(error, "fields", {})
        detail = "; ".join(
            f"{gettext(FIELD_LABELS.get(name, name))}: {gettext(problem)}"
            for name, problem in fields.items()
        )
        flash(gettext("Ikke gemt.") + f" {gettext(error.message)} {detail}".rstrip(), "error")
        return False
    flash(gettext(success), "success")
    return True


def _form(*names: str) -> dict[str, Any]:
    return {name: (request.form.get(name) or "").strip() or None for name in names}


def _decimal(raw: str | None) -> Decimal | None:
    try:
        return Decimal((raw or "").replace(",", ".")) if raw else None
    except InvalidOperation:
        return Decimal(-1)  # refused by the service with the field named


def _choices() -> dict[str, Any]:
    session = db.session()
    return {
        "roles": ROLES,
        "organisations": session.exec(select(Organisation).order_by(col(Organisation.name))).all(),
        "jobcentres": [(j.code, j.name) for j, _ in reference.list_jobcentres(session)],
        "municipalities": [(m.code, m.name) for m in reference.list_municipalities(session)],
    }


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def admin_users() -> ResponseReturnValue:
    admin_user()
    session = db.session()
    if request.method == "POST":
        data = _form(
            "email",
            "password",
            "role",
            "name",
            "jobcentre_code",
            "organisation_id",
            "home_municipality_code",
        )
        _attempt(lambda: accounts.create_user(session, **data), N_("Brugeren er oprettet."))
        return redirect(url_for("web.admin_users"))
    users = session.exec(select(User).order_by(col(User.created_at).desc()).limit(200)).all()
    return render_template("admin_users.html", users=users, **_choices())


def _target(user_id: str) -> User:
    try:
        return accounts.get_user(db.session(), user_id)
    except NotFound:
        abort(404)


@bp.get("/admin/users/<user_id>")
@login_required
def admin_user_page(user_id: str) -> ResponseReturnValue:
    """One user: deactivate or reactivate, change role, set a new password."""
    admin_user()
    return render_template("admin_user.html", target=_target(user_id), **_choices())


@bp.post("/admin/users/<user_id>/active")
@login_required
def admin_user_active(user_id: str) -> ResponseReturnValue:
    admin = admin_user()
    target = _target(user_id)
    active = request.form.get("active") == "yes"
    _attempt(
        lambda: accounts.set_active(db.session(), admin, target.id, active),
        N_("Brugeren er genaktiveret og skal logge ind igen.")
        if active
        else N_("Brugeren er deaktiveret og logget ud overalt."),
    )
    return redirect(url_for("web.admin_user_page", user_id=target.id))


@bp.post("/admin/users/<user_id>/role")
@login_required
def admin_user_role(user_id: str) -> ResponseReturnValue:
    admin = admin_user()
    target = _target(user_id)
    data = _form("role", "jobcentre_code", "organisation_id")
    _attempt(
        lambda: accounts.update_user(db.session(), admin, target.id, data),
        N_("Rollen er ændret. Brugeren er logget ud overalt."),
    )
    return redirect(url_for("web.admin_user_page", user_id=target.id))


@bp.post("/admin/users/<user_id>/password")
@login_required
def admin_user_password(user_id: str) -> ResponseReturnValue:
    admin = admin_user()
    target = _target(user_id)
    password = request.form.get("password") or ""
    _attempt(
        lambda: accounts.reset_password(db.session(), admin, target.id, {"password": password}),
        N_("Den nye adgangskode er gemt. Brugeren er logget ud overalt."),
    )
    return redirect(url_for("web.admin_user_page", user_id=target.id))


@bp.route("/admin/organisations", methods=["GET", "POST"])
@login_required
def admin_organisations() -> ResponseReturnValue:
    admin_user()
    session = db.session()
    if request.method == "POST":
        data = _form(
            "name", "kind", "municipality_code", "cvr", "top_official_name", "top_official_email"
        )
        data["public_funding_share"] = _decimal(request.form.get("public_funding_share"))
        _attempt(
            lambda: accounts.create_organisation(session, **data), N_("Organisationen er oprettet.")
        )
        return redirect(url_for("web.admin_organisations"))
    organisations = session.exec(select(Organisation).order_by(col(Organisation.name))).all()
    municipalities = [(m.code, m.name) for m in reference.list_municipalities(session)]
    return render_template(
        "admin_organisations.html",
        organisations=organisations,
        kinds=KINDS,
        municipalities=municipalities,
    )


@bp.post("/admin/organisations/<organisation_id>/top-official")
@login_required
def admin_top_official(organisation_id: str) -> ResponseReturnValue:
    """The organisation's øverste ledelse, who gets a copy of a breach (kompensationslov § 17 a
    stk. 4). An empty field clears it."""
    admin_user()
    session = db.session()
    data = _form("top_official_name", "top_official_email")
    _attempt(
        lambda: accounts.set_top_official(session, organisation_id, data),
        N_("Den øverste ledelse er gemt."),
    )
    return redirect(url_for("web.admin_organisations") + f"#org-{organisation_id}")


@bp.route("/admin/rates", methods=["GET", "POST"])
@login_required
def admin_rates() -> ResponseReturnValue:
    user = admin_user()
    session = db.session()
    if request.method == "POST":
        code = request.form.get("scheme_code", "")
        amount = _decimal(request.form.get("amount"))
        body = {
            **_form("name", "unit", "valid_from", "source"),
            "amount": float(amount) if amount is not None else None,
        }
        _attempt(lambda: registry.add_rate(session, user, code, body), N_("Satsen er tilføjet."))
        return redirect(url_for("web.admin_rates"))
    schemes = [(s, registry.rate_versions(session, s.code)) for s in registry.list_schemes(session)]
    return render_template("admin_rates.html", schemes=schemes)


@bp.route("/admin/templates", methods=["GET", "POST"])
@login_required
def admin_templates() -> ResponseReturnValue:
    user = admin_user()
    session = db.session()
    if request.method == "POST":
        code = (request.form.get("code") or "").strip()
        rows = []
        for i in range(4):
            scheme = request.form.get(f"scheme_{i}")
            if scheme:
                rows.append(
                    {
                        "scheme_code": scheme,
                        "need": request.form.get(f"need_{i}", ""),
                        "pre_approved": request.form.get(f"pre_approved_{i}") == "yes",
                    }
                )
        body = {**_form("name", "description", "job_functions"), "schemes": rows}
        body = {
            k: ("" if v is None and k in ("description", "job_functions") else v)
            for k, v in body.items()
        }
        _attempt(lambda: cards.put_template(session, user, code, body), N_("Skabelonen er gemt."))
        return redirect(url_for("web.admin_templates"))
    return render_template(
        "admin_templates.html",
        templates=cards.list_templates(session, user),
        schemes=registry.list_schemes(session),
    )


@bp.route("/admin/jobcentres", methods=["GET", "POST"])
@login_required
def admin_jobcentres() -> ResponseReturnValue:
    user = admin_user()
    session = db.session()
    if request.method == "POST":
        code = request.form.get("code", "")
        limit = _decimal(request.form.get("grant_limit"))
        body = {"grant_limit": float(limit) if limit is not None else None}
        _attempt(
            lambda: cards.set_grant_limit(session, user, code, body), "Bevillingsrammen er gemt."
        )
        return redirect(url_for("web.admin_jobcentres"))
    jobcentres = [j for j, _ in reference.list_jobcentres(session)]
    return render_template("admin_jobcentres.html", jobcentres=jobcentres)
