"""The pages of each user group. Thin: they call the same service functions as the API, so the
workflow layer decides and scopes everything (style.md: permissions in the workflow layer)."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required
from icalendar import Calendar
from sqlalchemy import func
from sqlmodel import col, select

from fortrin import (
    accounts,
    cards,
    cases,
    clock,
    db,
    documents,
    feeds,
    notifications,
    reference,
    vacancies,
    work_queue,
)
from fortrin.blueprints.api.cards import CardOut, card_out
from fortrin.blueprints.feeds import calendar_response
from fortrin.blueprints.web import bp, confirm, listing, safe_next
from fortrin.blueprints.web.forms import EVENT_FORMS, body_from_form, field_id, in_form_order
from fortrin.blueprints.web.timeline import Names, codes_of, timeline_views
from fortrin.errors import Conflict, Forbidden, ValidationFailed
from fortrin.i18n import LANGUAGES, N_
from fortrin.models import (
    Application,
    CompensationCard,
    Jobcentre,
    Municipality,
    Notification,
    Organisation,
    Scheme,
    User,
    Vacancy,
)
from fortrin.presenters import ApplicationOut, application_out
from fortrin.registry import list_schemes
from fortrin.workflows import preferential_access as pa

ROLE_NAMES = {
    "admin": N_("administrator"),
    "caseworker": N_("sagsbehandler"),
    "employer": N_("arbejdsgiver"),
    "applicant": N_("ansøger"),
}
OWNER_NAMES = {
    "employer": N_("arbejdsgiveren"),
    "jobcentre": N_("jobcenteret"),
    "applicant": N_("dig"),
}
# The duties a refused fill names, in plain words (never the code, issue 10 point 8).
DUTY_NAMES = {
    "assessment": N_("Jobcenterets vurdering"),
    "eligibility_check": N_("Stillingtagen til de formelle krav"),
    "interview": N_("Ansættelsessamtalen"),
    "decision": N_("Beslutningen efter samtalen"),
    "statement": N_("Den skriftlige redegørelse til jobcenteret"),
    "negotiation": N_("Forhandlingen med jobcenteret"),
    "refusal_notice": N_("Det skriftlige afslag til ansøgeren"),
    "record_opinion": N_("Ankestyrelsens udtalelse"),
}
KIND_NAMES = {
    "job": N_("Stilling"),
    "stall": N_("Stadeplads"),
    "kiosk": N_("Kiosk"),
    "taxi": N_("Taxibevilling"),
    "other_licence": N_("Anden bevilling"),
}
VACANCY_STATES = {"open": N_("Åben"), "filled": N_("Besat"), "withdrawn": N_("Trukket tilbage")}


def page_locale() -> str:
    return str(get_locale() or "da")


def _date_locale() -> str:
    """Dates in English the British way (6 January 2027), as people in Denmark expect."""
    return "en_GB" if page_locale() == "en" else "da"


# A legal reference at the end of a text ("... (bek. § 6 stk. 3 nr. 2)"): citizens read the plain
# text, and the reference stays behind "Læs mere" (issue 10, point 8).
_LEGAL_REFERENCE = re.compile(
    r"\s*\(((?:bek\.|kompensationslov|lov |forvaltningsloven|taxiloven|004)[^()]*)\)\s*$"
)


@bp.app_template_filter("legal_split")
def legal_split(text: str) -> tuple[str, str]:
    """``("plain text", "bek. § 6 stk. 2")``, or ``(text, "")`` without a reference."""
    match = _LEGAL_REFERENCE.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], match.group(1)


@bp.app_template_filter("kroner")
def kroner(value: Decimal | float | int | None, decimals: int = 2) -> str:
    """An amount the Danish way: 1.234,50 kr. (English: DKK 1,234.50)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    number = format_decimal(value, format=pattern, locale=_date_locale())
    return f"DKK {number}" if page_locale() == "en" else f"{number} kr."


@bp.app_template_global("jobcentre_name")
def jobcentre_name(code: str | None) -> str:
    """A jobcentre by its name, never its code (issue 10, point 8)."""
    if not code:
        return ""
    found = db.session().get(Jobcentre, code)
    return found.name if found is not None else code


@bp.app_template_global("main_menu")
def main_menu() -> list[tuple[str, str]]:
    """The signed-in user's main menu: the header's links on a wide screen and the mobile drawer's
    below 992 px (one list, so the two never differ)."""
    role = signed_in_user().role
    links = [(url_for("web.home"), gettext("Forside"))]
    if role in ("applicant", "caseworker"):
        links.append((url_for("web.vacancies_page"), gettext("Ledige stillinger")))
    if role == "employer":
        links.append((url_for("web.vacancy_new"), gettext("Opret stilling")))
    if role == "admin":
        links.append((url_for("web.admin_routing"), gettext("Nabojobcentre (§ 7)")))
        links.append((url_for("web.admin_users"), gettext("Brugere")))
    if role in ("caseworker", "admin"):
        links.append((url_for("web.breaches_page"), gettext("Overtrædelser")))
        links.append((url_for("web.statistics_page"), gettext("Statistik")))
    return links


@bp.app_template_global("scheme_name")
def scheme_name(code: str) -> str:
    """A compensation scheme by its name in the page's language, never its code."""
    found = db.session().get(Scheme, code)
    if found is None:
        return code
    return found.name_en if page_locale() == "en" and found.name_en else found.name


@bp.app_template_filter("danish_date")
def danish_date(value: date | str) -> str:
    """A date the reader's way: "3. december 2026" (or "3 December 2026"), Copenhagen's calendar."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, format="long", locale=_date_locale())


@bp.app_template_filter("danish_datetime")
def danish_datetime(value: datetime) -> str:
    """24-hour time, Europe/Copenhagen."""
    pattern = "d. MMMM y 'kl.' HH:mm" if page_locale() == "da" else "d MMMM y, HH:mm"
    return format_datetime(clock.local(value), pattern, locale=_date_locale())


@bp.app_template_filter("days_left")
def days_left(value: date | str) -> str:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    left = (day - clock.today()).days
    if left < 0:
        return gettext("fristen er overskredet")
    if left in (0, 1):
        return gettext("i dag") if left == 0 else gettext("i morgen")
    return gettext("om %(days)d dage", days=left)


@bp.get("/language/<code>")
def set_language(code: str) -> ResponseReturnValue:
    """Danish or English: the choice lives in the session and, for someone signed in, in their
    account, so the notices and e-mails the service writes to them follow it."""
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated:
            with db.unit_of_work() as db_session:
                accounts.choose_language(db_session, current_user.user.id, code)
    return redirect(safe_next(request.args.get("next")) or url_for("web.home"))


@bp.app_context_processor
def _names() -> dict[str, Any]:
    current = page_locale()
    return {
        "page_locale": current,
        "other_locale": "en" if current == "da" else "da",
        "ROLE_NAMES": ROLE_NAMES,
        "OWNER_NAMES": OWNER_NAMES,
        "DUTY_NAMES": DUTY_NAMES,
        "KIND_NAMES": KIND_NAMES,
        "VACANCY_STATES": VACANCY_STATES,
    }


def signed_in_user() -> User:
    user: User = current_user.user
    return user


# The caseworker's queue (home page): its query parameters, Danish as the page.
QUEUE_FILTERS = ("soeg", "status", "overskredet", "paragraf7", "mine")
QUEUE_WHO = {"employer": N_("Arbejdsgiveren"), "jobcentre": N_("Jobcenteret")}
# A problem the queue's service names, as the page shows it: the control's id, its label, the text.
QUEUE_PROBLEMS = {
    "state": ("queue-state", N_("Status"), N_("Vælg en status på listen.")),
    "search": (
        "queue-search",
        N_("Søg på ansøgerens navn eller stillingen"),
        N_("Skriv højst 100 tegn."),
    ),
}


@dataclass(frozen=True)
class QueueRow:
    """One case in the queue, as a row of the table."""

    id: str
    applicant_name: str
    vacancy_title: str
    state_label: str
    who: list[str]
    routed_to_neighbour: bool
    mine: bool
    due: date | None
    overdue: bool


def _queue_row(application: Application, today: date) -> QueueRow:
    session = db.session()
    applicant = session.get(User, application.applicant_id) if application.applicant_id else None
    vacancy = session.get(Vacancy, application.vacancy_id)
    due = cases.queue_due(application)
    state = pa.effective_state(application.state, application.opinion_due, today)
    owners = dict.fromkeys(d.owner for d in pa.outstanding_duties(state))
    return QueueRow(
        id=application.id,
        applicant_name=applicant.name if applicant else "",
        vacancy_title=vacancy.title if vacancy else "",
        state_label=pa.STATE_LABELS_DA.get(state, state),
        who=[QUEUE_WHO.get(owner, owner) for owner in owners],
        routed_to_neighbour=application.routed_to_neighbour,
        mine=application.assignee_id == current_user.user.id,
        due=due,
        overdue=due is not None and due < today,
    )


def _caseworker_queue(user: User) -> tuple[dict[str, Any], int]:
    """The queue's page: filters and cursor from the query string, sorted and paged by key in the
    database (``work_queue.caseworker_queue``). A bad parameter or cursor is named on the page (400),
    never a server error; a page beyond the end of a queue that changed says so."""
    args = request.args
    # Control characters (a NUL byte, which PostgreSQL refuses in text) are dropped, not searched.
    filters = {
        name: "".join(ch for ch in args.get(name) or "" if ch.isprintable()).strip()
        for name in QUEUE_FILTERS
    }
    for flag in ("overskredet", "paragraf7", "mine"):
        filters[flag] = "1" if filters[flag] == "1" else ""
    active: dict[str, Any] = {name: value for name, value in filters.items() if value}
    context: dict[str, Any] = {
        "filters": filters,
        "filtered": bool(active),
        "first_url": url_for("web.home", **active),
        "queue_states": [(s, pa.STATE_LABELS_DA[s]) for s in work_queue.QUEUE_STATES],
        "queue": None,
        "errors": {},
        "labels": {},
        "page_problem": None,
    }
    try:
        after, before = listing.cursors()
        with db.unit_of_work() as work:  # commits the audit rows of the cases shown
            queue = work_queue.caseworker_queue(
                work,
                user,
                state=filters["status"] or None,
                overdue_only=filters["overskredet"] == "1",
                neighbour_only=filters["paragraf7"] == "1",
                mine_only=filters["mine"] == "1",
                search=filters["soeg"],
                after=after,
                before=before,
                per_page=work_queue.QUEUE_PAGE_SIZE,
            )
            # Before the commit: what the queue prefetched for its page lives until then.
            rows = [_queue_row(a, clock.today()) for a in queue.rows]
    except ValidationFailed as error:
        known = {name: QUEUE_PROBLEMS[name] for name in error.fields if name in QUEUE_PROBLEMS}
        context["errors"] = {name: gettext(text) for name, (_, _, text) in known.items()}
        context["labels"] = {name: (i, gettext(label)) for name, (i, label, _) in known.items()}
        context["page_problem"] = listing.page_problem(error)
        return context, 400
    context.update(
        queue=queue,
        rows=rows,
        pages=listing.paged("web.home", active, queue, queue.total),
        open_total=listing.number(queue.open_total),
        overdue_total=listing.number(queue.overdue_total),
        neighbour_total=listing.number(queue.neighbour_total),
        mine_total=listing.number(queue.mine_total),
    )
    return context, 200


# An applicant's own cases are shown at once, the newest first: they grow with one person's
# applications, not with the country's, so they are bounded here; beyond it the page says how many.
OWN_CASES_SHOWN = 200
# The newest messages on the home page; all of them are on their own page, paged by key.
INBOX_SHOWN = 10


@bp.route("/")
@login_required
def home() -> ResponseReturnValue:
    user = signed_in_user()
    session = db.session()
    context: dict[str, Any] = {
        "user": user,
        "inbox": notifications.for_user(session, user, INBOX_SHOWN, 0),
    }
    status = 200
    if user.role == "caseworker":
        queue, status = _caseworker_queue(user)  # lists and audits its own page of cases
        context.update(queue)
        drafts, tasks = cards.open_work(session, user)
        context["drafts"] = _with_applicant_names(drafts)
        context["tasks"] = tasks
    if user.role == "applicant":
        own, total = cases.list_applications(session, user, limit=OWN_CASES_SHOWN)
        context["applications"] = [
            application_out(session, user, a, with_timeline=False) for a in own
        ]
        context["applications_total"] = total
        context["cards"] = _own_cards(user)
    if user.role in ("employer", "admin"):
        shown, listed = vacancy_list(session, user, "web.home", {})
        context.update(vacancies=shown, listed=listed)
        status = 400 if listed["page_problem"] else 200
    if user.role == "admin":
        everything = select(func.count()).select_from(Application)
        cases_total = session.exec(everything.where(cases.application_scope(user))).one()
        context["cases_total"] = listing.number(cases_total)
    # The feed address is made on first use; the unit of work also commits the audit rows of the
    # cases listed above (the same session).
    with db.unit_of_work() as work:
        context["calendar_url"] = feeds.feed_url(work, user)
    return render_template(f"home_{user.role}.html", **context), status


def _with_applicant_names(drafts: list[CompensationCard]) -> list[tuple[CompensationCard, str]]:
    """The jobcentre's draft cards with their applicants' names, in one query."""
    ids = {card.applicant_id for card in drafts if card.applicant_id}
    found = (
        db.session().exec(select(User.id, User.name).where(col(User.id).in_(ids))) if ids else ()
    )
    names: dict[str, str] = {user_id: name for user_id, name in found}
    return [(card, names.get(card.applicant_id or "", "")) for card in drafts]


@dataclass(frozen=True)
class ListedVacancy:
    """A vacancy as a row of a list: what the lists show of it. ``may_be_filled`` and the duties
    that forbid it (``outstanding_duties``) for employers and admins only."""

    id: str
    title: str
    kind: str
    state: str
    organisation_name: str
    application_deadline: date
    formal_education_requirement: str | None
    may_be_filled: bool | None
    outstanding_duties: list[vacancies.Blocker]


def _listed_vacancies(session: Any, user: User, rows: list[Vacancy]) -> list[ListedVacancy]:
    """The rows of a page of vacancies in two queries whatever its length: the employers' names
    and, for employers and admins, the open duties of the cases on them."""
    if not rows:
        return []
    ids = {v.organisation_id for v in rows}
    found = session.exec(
        select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(ids))
    )
    names: dict[str, str] = {organisation_id: name for organisation_id, name in found}
    employer_side = user.role in ("admin", "employer")
    duties = vacancies.blockers_of(session, [v.id for v in rows], user) if employer_side else {}
    return [
        ListedVacancy(
            id=v.id,
            title=v.title,
            kind=v.kind,
            state=v.state,
            organisation_name=names.get(v.organisation_id, ""),
            application_deadline=v.application_deadline,
            formal_education_requirement=v.formal_education_requirement,
            may_be_filled=v.state == "open" and not duties.get(v.id) if employer_side else None,
            outstanding_duties=duties.get(v.id, []),
        )
        for v in rows
    ]


def vacancy_list(
    session: Any, user: User, endpoint: str, filters: dict[str, Any], accepting: bool = False
) -> tuple[list[ListedVacancy], dict[str, Any]]:
    """A page of the vacancies the user sees, newest first, read by key from the query string's
    cursors (``vacancies.vacancy_page``), and what its template shows: ``pages`` (the count and the
    ``pager``), ``vacancies_total``, and ``page_problem`` with ``first_url`` for a bad cursor,
    which the page answers with a 400."""
    listed: dict[str, Any] = {
        "first_url": url_for(endpoint, **filters),
        "page_problem": None,
        "pages": None,
        "vacancies_total": listing.number(0),
    }
    try:
        after, before = listing.cursors()
        page, total = vacancies.vacancy_page(
            session,
            user,
            accepting=accepting,
            after=after,
            before=before,
            per_page=vacancies.VACANCY_PAGE_SIZE,
        )
    except ValidationFailed as error:
        listed["page_problem"] = listing.page_problem(error)
        return [], listed
    listed.update(
        pages=listing.paged(endpoint, filters, page, total), vacancies_total=listing.number(total)
    )
    return _listed_vacancies(session, user, page.rows), listed


def _card_schemes_for(applicant_id: str | None) -> list[str]:
    card = cards.valid_card_for(db.session(), applicant_id, clock.today())
    return [s.scheme_code for s in cards.card_schemes(db.session(), card)] if card else []


def _offered_events(case: ApplicationOut) -> list[str]:
    return [event for event in case.allowed_events if event in EVENT_FORMS]


def _not_yet(case: ApplicationOut) -> dict[str, str]:
    """Actions the workflow refuses before their time (409 ``too_early``), with the moment from which
    they may be recorded: the page says when instead of offering a form that must fail."""
    notes: dict[str, str] = {}
    if case.state == pa.State.INTERVIEW_SCHEDULED and case.interview is not None:
        starts = case.interview.starts_at
        if clock.now() < starts:
            when = danish_datetime(starts)
            for event in ("interview_held", "interview_missed"):
                notes[event] = gettext(
                    "Kan registreres fra samtalens aftalte tidspunkt, %(when)s.", when=when
                )
    return notes


def _negotiation_wait(case: ApplicationOut) -> tuple[str, bool]:
    """When the employer may record that the jobcentre did not negotiate (domain.md section 12)."""
    days = int(current_app.config["FORTRIN_NEGOTIATION_WAIT_DAYS"])
    statement_on = clock.local(case.state_since).date()
    earliest = pa.negotiation_may_be_skipped_from(statement_on, days)
    text = gettext(
        "Redegørelsen blev givet %(statement)s. Jobcenteret har %(days)d hverdage til at "
        "forhandle; I kan registrere, at forhandlingen ikke blev holdt, fra %(earliest)s.",
        statement=danish_date(statement_on),
        days=days,
        earliest=danish_date(earliest),
    )
    return text, clock.today() < earliest


# Events the state alone does not tell on the timeline (the state stays, or reads as after another).
NOTE_INSTEAD_OF_STATE = frozenset({"interview_missed"})
EVENT_NOTES = {
    # Instead of the state's label ("Samtale holdt"), which would not be true.
    "interview_missed": N_(
        "Ansøgeren mødte ikke op til samtalen; afventer arbejdsgiverens beslutning"
    ),
    "negotiation_not_held": N_("Jobcenteret forhandlede ikke inden for fristen"),
    "receipt_recorded": N_("Ny dato for modtagelsen af afslaget; fristen er regnet igen"),
    "transferred": N_("Ansøgeren er flyttet; sagen behandles nu af"),
}


def _timeline_names(case: ApplicationOut) -> Names:
    """The names of the jobcentres, municipalities and schemes the case's timeline names by code."""
    entries = case.timeline or []
    work = db.session()
    jobcentres = codes_of(entries, "jobcentre")
    municipalities = codes_of(entries, "municipality")
    english = page_locale() == "en"
    return Names(
        jobcentres={
            j.code: j.name
            for j in work.exec(select(Jobcentre).where(col(Jobcentre.code).in_(jobcentres)))
        }
        if jobcentres
        else {},
        municipalities={
            m.code: m.name
            for m in work.exec(
                select(Municipality).where(col(Municipality.code).in_(municipalities))
            )
        }
        if municipalities
        else {},
        schemes={s.code: s.name_en if english else s.name for s in list_schemes(work)}
        if codes_of(entries, "schemes")
        else {},
    )


def _render_case(
    application_id: str,
    errors: dict[str, str] | None = None,
    failed_event: str | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    user = signed_in_user()
    with db.unit_of_work() as session:  # commits the audit row of the read
        application = cases.get_application(session, user, application_id)
        case = application_out(session, user, application)
    scheme_choices = [(s.code, s.name) for s in list_schemes(session)]
    events = _offered_events(case)
    forms = [(event, EVENT_FORMS[event]) for event in events]
    notes = _not_yet(case)
    blocked = set(notes)
    if "negotiation_not_held" in events:
        notes["negotiation_not_held"], wait = _negotiation_wait(case)
        if wait:
            blocked.add("negotiation_not_held")
    options = {"home_municipality_code": _municipality_options()} if "transferred" in events else {}
    moved = any(e.type == "transferred" for e in case.timeline or [])
    jobcentre_names = (
        {j.code: j.name for j, _ in reference.list_jobcentres(session)} if moved else {}
    )
    labels = (
        {
            f.name: (field_id(failed_event, f.name), f.label)
            for f in EVENT_FORMS[failed_event].fields
        }
        if failed_event
        else {}
    )
    entries = timeline_views(case, user.role, _timeline_names(case))
    assignment = None
    if user.role == "caseworker":
        people = cases.colleagues(db.session(), application)
        names = {person.id: person.name for person in people}
        assignment = {
            "mine": case.assignee_id == user.id,
            "name": names.get(case.assignee_id or "", ""),
            "colleagues": people,
        }
    return render_template(
        "application.html",
        assignment=assignment,
        timeline_entries=entries,
        focus_entry=next((entry for entry in entries if entry.expanded), None),
        case=case,
        forms=forms,
        notes=notes,
        blocked=blocked,
        event_notes=EVENT_NOTES,
        note_instead=NOTE_INSTEAD_OF_STATE,
        jobcentre_names=jobcentre_names,
        options=options,
        field_id=field_id,
        errors=errors or {},
        labels=labels,
        failed_event=failed_event,
        values=values or {},
        scheme_choices=scheme_choices,
        card_schemes=_card_schemes_for(application.applicant_id),
        today=clock.today().isoformat(),
        state_labels=pa.STATE_LABELS_DA,
    ), status


@bp.post("/applications/<application_id>/sagsbehandler")
@login_required
def assign_case(application_id: str) -> ResponseReturnValue:
    """Take the case ("Tag sagen"), or choose a colleague or no one, from the case page."""
    form = request.form
    chosen = form.get("assignee_id") if "assignee_id" in form else form.get("assignee_choice", "")
    user = signed_in_user()
    try:
        with db.unit_of_work() as session:
            cases.assign(session, user, application_id, chosen or None)
    except ValidationFailed:
        flash(gettext("Vælg en sagsbehandler fra listen."), "error")
        return _render_case(application_id, status=422)
    except Forbidden as error:
        flash(gettext(error.message), "error")
        return _render_case(application_id, status=error.status)
    if not chosen:
        flash(gettext("Sagen er sluppet og er nu fælles i køen."), "success")
    elif chosen == user.id:
        flash(gettext("Du har taget sagen. Den står under «Mine sager» i arbejdskøen."), "success")
    else:
        flash(gettext("Sagen er givet videre."), "success")
    return redirect(url_for("web.application_page", application_id=application_id))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def notification_read(notification_id: int) -> ResponseReturnValue:
    """Back to the page the message was marked on (the home page or the page of all messages)."""
    with db.unit_of_work() as work:
        notifications.mark_read(work, signed_in_user(), notification_id)
    return redirect(safe_next(request.form.get("next")) or url_for("web.home"))


MESSAGES_PER_PAGE = 25


@bp.get("/notifications")
@login_required
def notifications_page() -> ResponseReturnValue:
    """All the user's messages, newest first, paged by key (the home page shows the newest)."""
    user = signed_in_user()
    session = db.session()
    context: dict[str, Any] = {"first_url": url_for("web.notifications_page"), "page_problem": None}
    try:
        page = listing.read_page(
            lambda cursor, limit, backward: notifications.for_user(
                session, user, limit, 0, cursor=cursor, backward=backward
            ),
            (datetime, int),
            lambda message: (message.created_at, message.id),
            MESSAGES_PER_PAGE,
        )
    except ValidationFailed as error:
        context["page_problem"] = listing.page_problem(error)
        return render_template("notifications.html", **context), 400
    mine = col(Notification.recipient_id) == user.id
    total = session.exec(select(func.count()).select_from(Notification).where(mine)).one()
    context.update(
        messages=page.rows, pages=listing.paged("web.notifications_page", {}, page, int(total))
    )
    return render_template("notifications.html", **context)


@bp.get("/applications/<application_id>")
@login_required
def application_page(application_id: str) -> ResponseReturnValue:
    return _render_case(application_id)


@bp.post("/applications/<application_id>")
@login_required
def application_action(application_id: str) -> ResponseReturnValue:
    """Each action on the case page posts here with the event type in a hidden field."""
    event_type = request.form.get("type", "")
    if event_type not in EVENT_FORMS:
        return _render_case(application_id, {"type": "ukendt handling"}, None, status=422)
    body = body_from_form(event_type, request.form)
    user = signed_in_user()
    if event_type in CONFIRMED_EVENTS and confirm.wanted() != "yes":
        return _confirm_event(application_id, event_type, body, user)
    # The Ankestyrelsen page records the request itself and shows the answer there.
    from_opinion_page = (
        event_type == "opinion_requested" and request.form.get("return_to") == "ankestyrelsen"
    )
    try:
        with db.unit_of_work() as session:
            application = cases.record_event(session, user, application_id, body)
            if event_type == documents.REFUSAL.step:  # keep the letter as sent (issue 11)
                documents.keep_sent_refusal(session, user, application)
            handled_by = application.handling_jobcentre_code
    except ValidationFailed as error:
        problems = in_form_order(event_type, error.fields)
        if from_opinion_page:
            return _render_opinion(application_id, problems, dict(request.form), 422)
        return _render_case(application_id, problems, event_type, dict(request.form), 422)
    except (Conflict, Forbidden) as error:
        flash(gettext(error.message), "error")
        return _render_case(application_id, status=error.status)
    flash(
        gettext("%(action)s: registreret.", action=gettext(EVENT_FORMS[event_type].title)),
        "success",
    )
    if user.role == "caseworker" and handled_by != user.jobcentre_code:
        # Moved to another jobcentre (bek. § 7 applied again): no longer this caseworker's case.
        jobcentre = db.session().get(Jobcentre, handled_by)
        name = jobcentre.name if jobcentre is not None else handled_by
        flash(
            gettext(
                "Sagen behandles nu af %(jobcentre)s og er ikke længere i jeres arbejdskø.",
                jobcentre=name,
            ),
            "info",
        )
        return redirect(url_for("web.home"))
    if from_opinion_page:
        return redirect(url_for("web.opinion_page", application_id=application_id))
    return redirect(url_for("web.application_page", application_id=application_id))


# Events that cannot be undone and are checked before they are recorded (issue 10, point 5): the
# refusal's date and channel fix the applicant's deadline; a withdrawn application ends the case.
CONFIRMED_EVENTS = frozenset({"refusal_notified", "withdrawn"})


def _answers(event_type: str, values: dict[str, str]) -> list[tuple[str, str]]:
    """The answers the way the form asked them: labels, options by name, dates in Danish."""
    shown = []
    for f in EVENT_FORMS[event_type].fields:
        value = (values.get(f.name) or "").strip()
        if not value:
            if f.optional:
                continue
            value = gettext("(ikke udfyldt)")
        elif f.kind == "date":
            with contextlib.suppress(ValueError):  # shown as typed; the workflow refused it
                value = danish_date(value)
        elif f.options:
            value = gettext(dict(f.options).get(value, value))
        shown.append((gettext(f.label), value))
    return shown


def _confirm_event(
    application_id: str, event_type: str, body: dict[str, Any], user: User
) -> ResponseReturnValue:
    values = dict(request.form)
    if confirm.wanted() == "edit":
        return _render_case(application_id, {}, event_type, values, 200)
    try:
        opinion_due = confirm.preview(
            lambda session: cases.record_event(session, user, application_id, body).opinion_due
        )
    except ValidationFailed as error:
        problems = in_form_order(event_type, error.fields)
        return _render_case(application_id, problems, event_type, values, 422)
    except (Conflict, Forbidden) as error:
        flash(gettext(error.message), "error")
        return _render_case(application_id, status=error.status)
    action = url_for("web.application_action", application_id=application_id)
    if event_type == "refusal_notified":
        consequences = [
            gettext(
                "Ansøgeren får besked om afslaget og om retten til at bede Ankestyrelsen om "
                "en udtalelse."
            ),
        ]
        if opinion_due is not None:
            consequences.append(
                gettext(
                    "Ansøgerens frist for at bede om en udtalelse bliver %(day)s. Den regnes fra "
                    "afsendelsesdatoen og måden, afslaget blev sendt på.",
                    day=danish_date(opinion_due),
                )
            )
        # Issue 11: the letter itself, from these answers, to send before it is registered; the
        # service keeps the same letter when it is.
        consequences.append(
            gettext(
                "Fortrin gemmer brevet med afslaget i sagen, præcis som det ser ud nu. Hent "
                "brevet, send det til ansøgeren, og registrér derefter afslaget."
            )
        )
        return confirm.page(
            gettext("Kontrollér afslaget, før det registreres"),
            _answers(event_type, values),
            consequences,
            gettext("Registrér afslaget"),
            action,
            gettext(
                "Kom afslaget senere frem, end datoen viser, kan den faktiske modtagelsesdato "
                "registreres bagefter; så flyttes fristen."
            ),
            download=url_for("web.refusal_draft_pdf", application_id=application_id),
        )
    return confirm.page(
        gettext("Træk ansøgningen tilbage?"),
        _answers(event_type, values),
        [gettext("Sagen afsluttes, og stillingen kan besættes uden hensyn til ansøgningen.")],
        gettext("Ja, træk ansøgningen tilbage"),
        action,
        gettext(
            "Vil ansøgeren alligevel søge, skal der sendes en ny ansøgning, hvis fristen ikke er "
            "overskredet."
        ),
    )


@bp.get("/applications/<application_id>/ankestyrelsen")
@login_required
def opinion_page(application_id: str) -> ResponseReturnValue:
    """For an applicant refused: the right to Ankestyrelsen's opinion, the date, where and how to
    send the request (domain.md section 12), a draft to copy, and the form that records that it was
    sent; once recorded, "Du bad om en udtalelse den ..." and nothing that urges to ask again."""
    return _render_opinion(application_id)


def _render_opinion(
    application_id: str,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    user = signed_in_user()
    if user.role == "employer":  # the applicant's page (and the jobcentre's, helping them)
        abort(404)
    with db.unit_of_work() as session:  # commits the audit row of the read
        application = cases.get_application(session, user, application_id)
        case = application_out(session, user, application)
    entries = case.timeline or []
    requested = [e for e in entries if e.type == "opinion_requested"]
    refusals = [e for e in entries if e.type == "refusal_notified"]
    deadline = case.deadlines[0] if case.deadlines else None
    # The refusal is still owed: the applicant may ask already (domain.md section 12), with no date
    # to show; Ankestyrelsen decides on the time limit.
    if not requested and deadline is None and case.state != pa.State.REFUSAL_PENDING:
        abort(404)
    form = EVENT_FORMS["opinion_requested"]
    labels = {
        f.name: (field_id("opinion_requested", f.name), gettext(f.label)) for f in form.fields
    }
    return render_template(
        "opinion.html",
        case=case,
        deadline=deadline,
        requested_on=requested[-1].data.get("requested_on") if requested else None,
        refusal=refusals[-1] if refusals else None,
        may_register="opinion_requested" in case.allowed_events,
        errors=errors or {},
        labels=labels,
        values=values or {},
        today=clock.today().isoformat(),
    ), status


def _municipality_options() -> tuple[tuple[str, str], ...]:
    return tuple((m.code, m.name) for m in reference.list_municipalities(db.session()))


# --- issue 10, point 7: the applicant's interview in her calendar, and her own cards ---------------


@bp.app_template_filter("danish_day")
def danish_day(value: datetime) -> str:
    """The day of an instant, in Copenhagen, the reader's way ("3. december 2026")."""
    return danish_date(clock.local(value).date())


def _own_cards(user: User) -> list[CardOut]:
    """The applicant's own compensation cards, newest first: valid, expired or revoked (a draft is
    the jobcentre's until it is issued)."""
    with db.unit_of_work() as work:  # commits the audit rows of the cards read
        return [
            card_out(work, card)
            for card in cards.cards_of(work, user, user.id)
            if card.state != "draft"
        ]


@bp.get("/applications/<application_id>/samtale.ics")
@login_required
def interview_calendar(application_id: str) -> ResponseReturnValue:
    """The case's interview as one calendar event to add to any calendar (METHOD:PUBLISH; the same
    UID, SEQUENCE and STATUS as in the user's feed). Scoped like the case page: 404 for whoever may
    not see the case, and when no interview is booked."""
    user = signed_in_user()
    now = clock.now()
    with db.unit_of_work() as session:  # commits the audit row of the read
        application = cases.get_application(session, user, application_id)
        [case] = feeds._case_events(session, [application])
        event = feeds._robustly(lambda: feeds.interview_event(case, user, now), application.id)
    if event is None:
        abort(404)
    calendar = Calendar()
    calendar.add("prodid", "-//Fortrin//Fortrinsadgang//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar_response(bytes(calendar.to_ical()), "samtale.ics")
