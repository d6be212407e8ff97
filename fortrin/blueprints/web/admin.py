"""Admin pages: the bek. § 7 routing table, users, organisations, rates, card templates and grant
limits. Each form goes through the same service function as the API and the CLI; a refusal is shown in
an alert and changes nothing. The two long lists (98 municipalities, every user) are searched and
filtered by GET parameters in Danish, as the caseworker's queue is, and work without JavaScript; a bad
parameter is named on the page (400), never a server error. Deactivating a user and changing a role
are checked first (``confirm``): they end the user's sessions and tokens at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import login_required
from sqlalchemy import func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from fortrin import accounts, cards, db, paging, reference, registry
from fortrin.blueprints.web import bp, confirm, listing
from fortrin.blueprints.web.admin_and_cards import admin_user
from fortrin.errors import DomainError, NotFound, ValidationFailed
from fortrin.i18n import N_
from fortrin.models import Jobcentre, Municipality, Organisation, ReferenceChange, User
from fortrin.work_queue import text_matches

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


# The service names a role by its code in two of its problems ("skal udfyldes for rollen
# caseworker"); the page says it in words.
ROLE_SCOPE_PROBLEM = re.compile(r"^(skal udfyldes|bruges ikke) for rollen \w+$")
ROLE_SCOPE_TEXTS = {
    "skal udfyldes": N_("skal udfyldes for den valgte rolle"),
    "bruges ikke": N_("bruges ikke for den valgte rolle"),
}


def _problem(problem: str) -> str:
    matched = ROLE_SCOPE_PROBLEM.match(problem)
    return str(gettext(ROLE_SCOPE_TEXTS[matched.group(1)] if matched else problem))


def _say_refused(error: DomainError) -> None:
    """The refusal in an alert: "Ikke gemt.", the service's message and each field by its label."""
    fields = getattr(error, "fields", {})
    detail = "; ".join(
        f"{gettext(FIELD_LABELS.get(name, name))}: {_problem(problem)}"
        for name, problem in fields.items()
    )
    flash(gettext("Ikke gemt.") + f" {gettext(error.message)} {detail}".rstrip(), "error")


def _attempt(action: Callable[[], Any], success: str) -> bool:
    """Run one change in a unit of work and say how it went."""
    try:
        with db.unit_of_work():
            action()
    except DomainError as error:
        _say_refused(error)
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
    """The choices of the user forms: reference data (the public employers, some thousands at most;
    the jobcentres and the 98 municipalities), not lists that grow with the cases."""
    session = db.session()
    return {
        "roles": ROLES,
        "organisations": session.exec(select(Organisation).order_by(col(Organisation.name))).all(),
        "jobcentres": [(j.code, j.name) for j, _ in reference.list_jobcentres(session)],
        "municipalities": [(m.code, m.name) for m in reference.list_municipalities(session)],
    }


def _query_text(name: str) -> str:
    """A query parameter as text; control characters (a NUL byte, which PostgreSQL refuses in
    text) are dropped, not searched."""
    return "".join(ch for ch in request.args.get(name) or "" if ch.isprintable()).strip()


SEARCH_MAX = 100


# --- the bek. § 7 routing table ------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """A municipality or jobcentre: its name first, the code second."""

    code: str
    name: str


@dataclass(frozen=True)
class RoutingRow:
    municipality: Named
    jobcentre: Named
    neighbour: Named | None


@dataclass(frozen=True)
class RoutingChange:
    at: datetime
    municipality: Named | None
    what: str
    before: Named | str | None
    after: Named | str | None
    reason: str
    actor: str


# The fields of a municipality an administrator changes (reference.set_neighbour, set_jobcentre).
ROUTING_FIELDS = {
    "neighbour_jobcentre_code": N_("Nabojobcenter"),
    "jobcentre_code": N_("Jobcenter"),
}
ROUTING_PROBLEMS = {
    "search": (
        "routing-search",
        N_("Søg på kommunens navn eller kode"),
        N_("Skriv højst 100 tegn."),
    ),
    "region": ("routing-region", N_("Region"), N_("Vælg en region på listen.")),
}
ROUTING_CHANGES_SHOWN = 100
# Danish alphabetical order: Æ, Ø and Å after Z.
_DANISH_ORDER = str.maketrans({"æ": "z\x01", "ø": "z\x02", "å": "z\x03"})


def danish_sort_key(name: str) -> str:
    return name.casefold().translate(_DANISH_ORDER)


# The default table's basis is stored as loaded from designated_neighbour_default.csv, in English
# after a Danish prefix ("Standard (ikke ministeriets oversigt): Skanderborg — longest shared land
# border with ..."). The page says it in Danish; a phrase not known here is shown as stored.
_BASIS_IN_DANISH = (
    (
        re.compile(r"longest shared land border with (.+?) \((\d+)\.(\d+) km, DAGI 1:500k\)"),
        r"længste fælles landgrænse med \1 (\2,\3 km, DAGI 1:500k)",
    ),
    (
        re.compile(r"(\S+) skipped \(same jobcentre\) -> (.+?), longest land neighbour of (\S+)"),
        r"\1 springes over (samme jobcenter) → \2, som har den længste landgrænse med \3",
    ),
    (re.compile(r"\bisland: main ferry "), "ø: hovedfærgen "),
    (re.compile(r"\bisland: ferry "), "ø: færgen "),
    (re.compile(r"\bisland: "), "ø: "),
    (re.compile(r"\(only domestic car ferry\)"), "(eneste indenlandske bilfærge)"),
    (re.compile(r"\balternative (\d{3}) ([^;()]+?)(?= \(|;|$)"), r"alternativ: \2 (\1)"),
    (
        re.compile(r"\bformer jobcentre partner until (\d+)"),
        r"tidligere jobcenterpartner indtil \1",
    ),
    (re.compile(r"\bsame region\b"), "samme region"),
    (re.compile(r"Langelandsbroen to "), "Langelandsbroen til "),
    (re.compile(r"\(Hou is in Odder\)"), "(Hou ligger i Odder)"),
)


def basis_in_danish(basis: str) -> str:
    for pattern, danish in _BASIS_IN_DANISH:
        basis = pattern.sub(danish, basis)
    return basis


def _municipality_matches(municipality: Municipality, term: str) -> bool:
    """The name anywhere (ignoring case and a trailing "Kommune"), or the code from its start."""
    term = term.casefold().removesuffix(" kommune").strip()
    return term in municipality.name.casefold() or municipality.code.startswith(term)


def _jobcentre(code: str | None, names: dict[str, str]) -> Named | None:
    return Named(code, names.get(code, code)) if code else None


def _routing_changes(
    changes: list[ReferenceChange], jobcentres: dict[str, str], municipalities: dict[str, str]
) -> list[RoutingChange]:
    """The change history in words: the municipality and jobcentres by name, the field's label and
    who changed it (a change by the command line has no actor)."""
    session = db.session()
    actor_ids = {c.actor_id for c in changes if c.actor_id}
    actors = (
        {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(actor_ids)))}
        if actor_ids
        else {}
    )
    rows = []
    for change in changes:
        is_municipality = change.entity == "municipality"
        is_jobcentre = is_municipality and change.field in ROUTING_FIELDS
        rows.append(
            RoutingChange(
                at=change.at,
                municipality=(
                    Named(change.entity_key, municipalities.get(change.entity_key, ""))
                    if is_municipality
                    else None
                ),
                what=(
                    gettext(ROUTING_FIELDS[change.field])
                    if is_jobcentre
                    else f"{change.entity} {change.entity_key}: {change.field}"
                ),
                before=(
                    _jobcentre(change.old_value, jobcentres) if is_jobcentre else change.old_value
                ),
                after=(
                    _jobcentre(change.new_value, jobcentres) if is_jobcentre else change.new_value
                ),
                reason=change.reason,
                actor=actors.get(change.actor_id or "", "") or gettext("Kommandolinjen"),
            )
        )
    return rows


@bp.get("/admin/routing")
@login_required
def admin_routing() -> ResponseReturnValue:
    """All 98 municipalities under their region, each by name with its code second; searched by a
    municipality's name or code (``soeg``) and filtered by region (``region``)."""
    admin_user()
    session = db.session()
    municipalities = reference.list_municipalities(session)
    names = {j.code: j.name for j in session.exec(select(Jobcentre)).all()}
    regions = sorted({(m.region_code, m.region_name) for m in municipalities})
    filters = {"soeg": _query_text("soeg"), "region": _query_text("region")}
    errors: dict[str, str] = {}
    if len(filters["soeg"]) > SEARCH_MAX:
        errors["search"] = ROUTING_PROBLEMS["search"][2]
    if filters["region"] and filters["region"] not in dict(regions):
        errors["region"] = ROUTING_PROBLEMS["region"][2]
    shown = [
        m
        for m in municipalities
        if not errors
        and (not filters["soeg"] or _municipality_matches(m, filters["soeg"]))
        and (not filters["region"] or m.region_code == filters["region"])
    ]
    groups = []
    for region_code, region_name in regions:
        rows = [
            RoutingRow(
                municipality=Named(m.code, m.name),
                jobcentre=Named(m.jobcentre_code, names.get(m.jobcentre_code, m.jobcentre_code)),
                neighbour=_jobcentre(m.neighbour_jobcentre_code, names),
            )
            for m in sorted(shown, key=lambda m: danish_sort_key(m.name))
            if m.region_code == region_code
        ]
        if rows:
            groups.append((region_code, region_name, rows))
    # The newest changes only, read as such (the whole history is in the reference_change table).
    newest = session.exec(
        select(ReferenceChange)
        .order_by(col(ReferenceChange.at).desc(), col(ReferenceChange.id).desc())
        .limit(ROUTING_CHANGES_SHOWN)
    ).all()
    changes = _routing_changes(list(newest), names, {m.code: m.name for m in municipalities})
    return render_template(
        "admin_routing.html",
        groups=groups,
        regions=regions,
        filters=filters,
        filtered=any(filters.values()),
        shown=len(shown),
        shown_text=listing.number(len(shown)),
        total_text=listing.number(len(municipalities)),
        regions_text=listing.number(len(regions)),
        errors={name: gettext(text) for name, text in errors.items()},
        labels={
            name: (ROUTING_PROBLEMS[name][0], gettext(ROUTING_PROBLEMS[name][1])) for name in errors
        },
        changes=changes,
    ), (400 if errors else 200)


@bp.route("/admin/routing/<code>", methods=["GET", "POST"])
@login_required
def admin_routing_edit(code: str) -> ResponseReturnValue:
    user = admin_user()
    session = db.session()
    try:
        municipality = reference.get_municipality(session, code)
    except NotFound:
        abort(404)
    errors: dict[str, str] = {}
    chosen = municipality.neighbour_jobcentre_code
    if request.method == "POST":
        chosen = request.form.get("neighbour", "")
        try:
            with db.unit_of_work() as work:
                reason = (request.form.get("reason") or "").strip()
                if not reason:
                    raise ValidationFailed({"reason": "skriv hvorfor (fx ministeriets oversigt)"})
                reference.set_neighbour(work, user, code, chosen, reason)
        except ValidationFailed as error:
            errors = error.fields
        else:
            flash(
                gettext("Nabojobcenteret for %(name)s er gemt.", name=municipality.name), "success"
            )
            return redirect(url_for("web.admin_routing"))
    names = {j.code: j.name for j in session.exec(select(Jobcentre)).all()}
    # Its own jobcentre is never a municipality's neighbour (bek. § 7): not offered.
    jobcentres = sorted(
        ((c, n) for c, n in names.items() if c != municipality.jobcentre_code),
        key=lambda item: danish_sort_key(item[1]),
    )
    return render_template(
        "admin_routing_edit.html",
        municipality=municipality,
        jobcentre=Named(municipality.jobcentre_code, names.get(municipality.jobcentre_code, "")),
        neighbour=_jobcentre(municipality.neighbour_jobcentre_code, names),
        basis=basis_in_danish(municipality.neighbour_basis),
        jobcentres=jobcentres,
        chosen=chosen,
        reason=request.form.get("reason", ""),
        errors=errors,
    ), (422 if errors else 200)


# --- users ---------------------------------------------------------------------------------------

USERS_PER_PAGE = 50
# Newest first; the id, unique, orders those made in the same instant (a page's key).
USER_ORDER = (col(User.created_at), col(User.id))
USER_KEY_KINDS = (datetime, str)
# The users' list: its query parameters, Danish as the page.
USER_FILTERS = ("soeg", "rolle", "status")
USER_STATES = (("aktive", N_("Aktive")), ("deaktiverede", N_("Deaktiverede")))
USER_PROBLEMS = {
    "search": ("users-search", N_("Søg på navn eller e-mail"), N_("Skriv højst 100 tegn.")),
    "role": ("users-role", N_("Rolle"), N_("Vælg en rolle på listen.")),
    "status": ("users-status", N_("Status"), N_("Vælg en status på listen.")),
}


@dataclass(frozen=True)
class UserRow:
    id: str
    name: str
    email: str
    role: str
    belongs_to: str
    active: bool


def _belongs_to(choices: dict[str, Any]) -> Callable[[User], str]:
    """The jobcentre, organisation or home municipality of a user, by name."""
    jobcentres: dict[str, str] = dict(choices["jobcentres"])
    organisations: dict[str, str] = {o.id: o.name for o in choices["organisations"]}
    municipalities: dict[str, str] = dict(choices["municipalities"])

    def name_of(user: User) -> str:
        if user.jobcentre_code:
            return jobcentres.get(user.jobcentre_code, user.jobcentre_code)
        if user.organisation_id:
            return organisations.get(user.organisation_id, "")
        if user.home_municipality_code:
            code = user.home_municipality_code
            return municipalities.get(code, code)
        return ""

    return name_of


def _users_page(choices: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The list of users: searched (name or e-mail, Æ, Ø and Å too), filtered by role and status,
    counted and paged by key in the database, newest first."""
    filters = {name: _query_text(name) for name in USER_FILTERS}
    active: dict[str, Any] = {name: value for name, value in filters.items() if value}
    session = db.session()
    counts = dict(session.exec(select(User.active, func.count()).group_by(col(User.active))).all())
    context: dict[str, Any] = {
        "filters": filters,
        "filtered": bool(active),
        "user_states": USER_STATES,
        "first_url": url_for("web.admin_users", **active),
        "everyone": listing.number(sum(counts.values())),
        "active_total": listing.number(counts.get(True, 0)),
        "inactive_total": listing.number(counts.get(False, 0)),
        "listing": None,
        "errors": {},
        "labels": {},
        "page_problem": None,
    }
    problems = _user_filter_problems(filters)
    start: paging.Bound | None = None
    try:
        start = paging.bound(*listing.cursors(), USER_KEY_KINDS)
    except ValidationFailed as error:
        context["page_problem"] = listing.page_problem(error)
    if problems:
        context["errors"] = {name: gettext(USER_PROBLEMS[name][2]) for name in problems}
        context["labels"] = {
            name: (USER_PROBLEMS[name][0], gettext(USER_PROBLEMS[name][1])) for name in problems
        }
    if problems or context["page_problem"]:
        return context, 400
    conditions = _user_conditions(filters)
    total = int(session.exec(select(func.count()).select_from(User).where(*conditions)).one())
    query = select(User).where(*conditions)
    fetched = session.exec(paging.read(query, USER_ORDER, start, USERS_PER_PAGE)).all()
    page = paging.page_of(fetched, start, USERS_PER_PAGE, lambda u: (u.created_at, u.id))
    belongs_to = _belongs_to(choices)
    context.update(
        listing={"total": total},
        rows=[UserRow(u.id, u.name, u.email, u.role, belongs_to(u), u.active) for u in page.rows],
        pages=listing.paged("web.admin_users", active, page, total),
    )
    return context, 200


def _user_filter_problems(filters: dict[str, str]) -> list[str]:
    problems = []
    if len(filters["soeg"]) > SEARCH_MAX:
        problems.append("search")
    if filters["rolle"] and filters["rolle"] not in dict(ROLES):
        problems.append("role")
    if filters["status"] and filters["status"] not in dict(USER_STATES):
        problems.append("status")
    return problems


def _user_conditions(filters: dict[str, str]) -> list[ColumnElement[bool]]:
    conditions = []
    if filters["soeg"]:
        term = filters["soeg"]
        conditions.append(
            or_(text_matches(col(User.name), term), text_matches(col(User.email), term))
        )
    if filters["rolle"]:
        conditions.append(col(User.role) == filters["rolle"])
    if filters["status"]:
        conditions.append(col(User.active).is_(filters["status"] == "aktive"))
    return conditions


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def admin_users() -> ResponseReturnValue:
    """The users, searched, filtered and paged (``_users_page``), and the form that creates one."""
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
    choices = _choices()
    context, status = _users_page(choices)
    return render_template("admin_users.html", **context, **choices), status


def _target(user_id: str) -> User:
    try:
        return accounts.get_user(db.session(), user_id)
    except NotFound:
        abort(404)


def _render_user(
    target: User, status: int = 200, values: dict[str, str | None] | None = None
) -> ResponseReturnValue:
    """The user's page; ``values``: the role form's answers, kept after a refusal or "Tilbage og
    ret"."""
    kept = values or {
        "role": target.role,
        "jobcentre_code": target.jobcentre_code,
        "organisation_id": target.organisation_id,
    }
    return render_template(
        "admin_user.html", target=target, role_values=kept, failed=status >= 400, **_choices()
    ), status


@bp.get("/admin/users/<user_id>")
@login_required
def admin_user_page(user_id: str) -> ResponseReturnValue:
    """One user: deactivate or reactivate, change role, set a new password."""
    admin_user()
    return _render_user(_target(user_id))


def _yourself(admin: User, target: User) -> list[str]:
    return [gettext("Det er din egen konto: du bliver logget ud.")] if admin.id == target.id else []


@bp.post("/admin/users/<user_id>/active")
@login_required
def admin_user_active(user_id: str) -> ResponseReturnValue:
    """Reactivation at once; deactivation (which ends every session and token of the user) is
    checked first: the same checks, run and rolled back (the last active admin stays)."""
    admin = admin_user()
    target = _target(user_id)
    active = request.form.get("active") == "yes"
    if not active and confirm.wanted() != "yes":
        if confirm.wanted() == "edit":
            return _render_user(target)
        try:
            confirm.preview(lambda session: accounts.set_active(session, admin, target.id, False))
        except DomainError as error:
            _say_refused(error)
            return _render_user(target, error.status)
        return confirm.page(
            gettext("Deaktivér %(name)s?", name=target.name),
            [
                (gettext("Navn"), target.name),
                (gettext("E-mail"), target.email),
                (gettext("Rolle"), gettext(dict(ROLES)[target.role])),
            ],
            [
                gettext("Brugeren logges ud med det samme på alle enheder og i API'et."),
                gettext("Brugeren kan ikke logge ind, før kontoen er genaktiveret."),
                gettext("Sager og historik bevares."),
                *_yourself(admin, target),
            ],
            gettext("Deaktivér brugeren"),
            url_for("web.admin_user_active", user_id=target.id),
            gettext(
                "Kontoen kan genaktiveres bagefter, men brugerens log ind og adgangstokens "
                "kommer ikke igen."
            ),
        )
    _attempt(
        lambda: accounts.set_active(db.session(), admin, target.id, active),
        N_("Brugeren er genaktiveret og skal logge ind igen.")
        if active
        else N_("Brugeren er deaktiveret og logget ud overalt."),
    )
    return redirect(url_for("web.admin_user_page", user_id=target.id))


def _role_consequences(admin: User, target: User, data: dict[str, str | None]) -> list[str]:
    """What follows a new role or scope, in words: who the user acts for now, and no longer."""
    choices = _choices()
    jobcentres = dict(choices["jobcentres"])
    organisations = {o.id: o.name for o in choices["organisations"]}
    role, jobcentre, organisation = data["role"], data["jobcentre_code"], data["organisation_id"]
    lines = [gettext("Brugeren logges ud med det samme på alle enheder og i API'et.")]
    if target.jobcentre_code and target.jobcentre_code != jobcentre:
        lines.append(
            gettext(
                "Brugeren mister adgangen til sagerne i %(jobcentre)s.",
                jobcentre=jobcentres.get(target.jobcentre_code, target.jobcentre_code),
            )
        )
    if target.organisation_id and target.organisation_id != organisation:
        lines.append(
            gettext(
                "Brugeren handler ikke længere for %(organisation)s.",
                organisation=organisations.get(target.organisation_id, ""),
            )
        )
    if role == "caseworker" and jobcentre:
        lines.append(
            gettext(
                "Brugeren behandler derefter sagerne i %(jobcentre)s.",
                jobcentre=jobcentres.get(jobcentre, jobcentre),
            )
        )
    if role == "employer" and organisation:
        lines.append(
            gettext(
                "Brugeren handler derefter for %(organisation)s.",
                organisation=organisations.get(organisation, ""),
            )
        )
    if role == "admin" and target.role != "admin":
        lines.append(
            gettext(
                "Brugeren kan derefter oprette, ændre og deaktivere brugere og ændre "
                "referencedata som nabojobcentrene."
            )
        )
    return [*lines, *_yourself(admin, target)]


@bp.post("/admin/users/<user_id>/role")
@login_required
def admin_user_role(user_id: str) -> ResponseReturnValue:
    """A new role or scope, checked first. Only the field of the chosen role is sent (a caseworker's
    jobcentre, an employer's organisation), so the other select need not be emptied by hand."""
    admin = admin_user()
    target = _target(user_id)
    form = _form("role", "jobcentre_code", "organisation_id")
    role = form["role"]
    data: dict[str, str | None] = {
        "role": role,
        "jobcentre_code": form["jobcentre_code"] if role == "caseworker" else None,
        "organisation_id": form["organisation_id"] if role == "employer" else None,
    }
    if target.role == "applicant":
        data = {"role": role}  # refused by the service unless it stays an applicant
    unchanged = all(getattr(target, name) == value for name, value in data.items())
    if unchanged:
        flash(gettext("Rollen er den samme som før. Intet er ændret."), "info")
        return redirect(url_for("web.admin_user_page", user_id=target.id))
    if confirm.wanted() == "edit":
        return _render_user(target, 200, form)
    if confirm.wanted() == "":
        try:
            confirm.preview(
                lambda session: accounts.update_user(session, admin, target.id, dict(data))
            )
        except DomainError as error:
            _say_refused(error)
            return _render_user(target, error.status, form)
        choices = _choices()
        answers = [
            (gettext("Navn"), target.name),
            (gettext("E-mail"), target.email),
            (gettext("Rolle nu"), gettext(dict(ROLES)[target.role])),
            (gettext("Ny rolle"), gettext(dict(ROLES).get(role or "", role or ""))),
        ]
        if data.get("jobcentre_code"):
            code = str(data["jobcentre_code"])
            answers.append((gettext("Jobcenter"), dict(choices["jobcentres"]).get(code, code)))
        if data.get("organisation_id"):
            names = {o.id: o.name for o in choices["organisations"]}
            answers.append((gettext("Organisation"), names.get(str(data["organisation_id"]), "")))
        return confirm.page(
            gettext("Skift rolle for %(name)s?", name=target.name),
            answers,
            _role_consequences(admin, target, data),
            gettext("Skift rolle"),
            url_for("web.admin_user_role", user_id=target.id),
            gettext(
                "Rollen kan skiftes tilbage bagefter, men brugerens log ind og adgangstokens "
                "kommer ikke igen."
            ),
        )
    _attempt(
        lambda: accounts.update_user(db.session(), admin, target.id, dict(data)),
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
    # Every public employer on one page: reference data, some thousands at most (issue 12 pages the
    # lists that grow with the cases and the people).
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
