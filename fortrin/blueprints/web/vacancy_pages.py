"""The vacancy pages: the employer's vacancy with its forms (fill, later deadline, withdraw),
finding a vacancy and applying with the route explained and the answers checked (issue 10, point
9), and a new vacancy. Split from pages.py; the same service functions as the API decide."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import login_required
from sqlmodel import col, select

from fortrin import applicants, audit, cases, clock, db, vacancies
from fortrin.blueprints.web import bp, confirm
from fortrin.blueprints.web.pages import (
    KIND_NAMES,
    ListedVacancy,
    _municipality_options,
    danish_date,
    signed_in_user,
    vacancy_list,
)
from fortrin.errors import DomainError, NotFound, ValidationFailed
from fortrin.i18n import N_
from fortrin.models import Application, Jobcentre, Municipality, User, Vacancy
from fortrin.presenters import application_out, vacancy_out
from fortrin.workflows import preferential_access as pa


@bp.get("/vacancies/<vacancy_id>")
@login_required
def vacancy_page(vacancy_id: str) -> ResponseReturnValue:
    """The vacancy; for an applicant or a caseworker also how to apply (issue 10, point 9): the
    route chosen (``rute``) and the caseworker's citizen (``borger``, found with ``soeg``) come in
    the query string, so "Ret" on the check-your-answers page comes back with the answers kept."""
    answers, problems, status = _apply_answers_from_query(signed_in_user())
    return _render_vacancy(vacancy_id, status=status, answers=answers, apply_errors=problems)


CASES_ON_A_VACANCY = 500
# The employer's forms on the vacancy page: each field's id and label, for the error summary.
VACANCY_FORM_LABELS = {
    "deadline": {"application_deadline": ("new-deadline", N_("Ny ansøgningsfrist"))},
    "withdraw": {"reason": ("withdraw-reason", N_("Hvorfor trækkes stillingen tilbage?"))},
    "fill": {
        "filled_by": ("filled-by", N_("Besat med")),
        "application_id": ("application-id", N_("Ansøgningen")),
    },
}


def _render_vacancy(
    vacancy_id: str,
    refusal: DomainError | None = None,
    status: int = 200,
    failed_form: str | None = None,
    values: dict[str, Any] | None = None,
    answers: ApplyAnswers | None = None,
    apply_errors: dict[str, str] | None = None,
    apply_blocked: bool = False,
) -> ResponseReturnValue:
    """The vacancy, its cases and the employer's forms. A refusal is shown at the form it belongs
    to: field problems in the error summary and at the field, anything else in an alert. An
    applicant or a caseworker gets the apply section instead (``_apply_section``)."""
    user = signed_in_user()
    applying: ApplySection | None = None
    with db.unit_of_work() as session:  # commits the audit rows of the cases listed
        vacancy = cases.get_vacancy(session, user, vacancy_id)
        # The cases of one vacancy grow with its applicants with preferential access, not with the
        # country's cases: bounded (CASES_ON_A_VACANCY), not paged.
        applications = (
            []
            if user.role == "applicant"  # the applicant's own case is in the apply section
            else [
                application_out(session, user, a, with_timeline=False)
                for a in cases.list_applications(
                    session, user, vacancy_id=vacancy.id, limit=CASES_ON_A_VACANCY
                )[0]
            ]
        )
        if user.role in APPLYING_ROLES:
            applying = _apply_section(
                session, user, vacancy, answers or ApplyAnswers(), apply_errors or {}
            )
            if apply_blocked:  # the same answers would be refused again: no form to retry
                applying = replace(applying, accepting=False, closed_text="")
    if applying is not None:
        if refusal is not None:  # an employer's form posted by someone else: said at the top
            flash(gettext(refusal.message), "error")
        return render_template(
            "vacancy.html",
            vacancy=vacancy_out(session, user, vacancy),
            workplace=_workplace(vacancy),
            applications=applications,
            applying=applying,
            refusal=None,
            failed_form=None,
            errors=applying.errors,
            labels=applying.labels,
            values={},
            user=user,
            today=clock.today().isoformat(),
        ), status
    errors = refusal.fields if isinstance(refusal, ValidationFailed) else {}
    if refusal is not None and not errors and (vacancy.state != "open" or user.role != "employer"):
        # The employer's forms are not on the page: say it at the top instead.
        flash(gettext(refusal.message), "error")
        refusal = None
    known = VACANCY_FORM_LABELS.get(failed_form or "", {})
    labels = {
        name: (known[name][0], gettext(known[name][1])) if name in known else (name, name)
        for name in errors
    }
    return render_template(
        "vacancy.html",
        vacancy=vacancy_out(session, user, vacancy),
        workplace=_workplace(vacancy),
        applications=applications,
        applying=None,
        refusal=None if errors else refusal,
        failed_form=failed_form,
        errors=errors,
        labels=labels,
        values=values or {},
        user=user,
        today=clock.today().isoformat(),
    ), status


@bp.post("/vacancies/<vacancy_id>/fill")
@login_required
def vacancy_fill(vacancy_id: str) -> ResponseReturnValue:
    body: dict[str, Any] = {"filled_by": request.form.get("filled_by") or None}
    if request.form.get("application_id"):
        body["application_id"] = request.form["application_id"]
    try:
        with db.unit_of_work() as session:
            filled = vacancies.fill_vacancy(session, signed_in_user(), vacancy_id, body)
            done = filled.state == "filled"
    except DomainError as error:
        return _render_vacancy(vacancy_id, error, error.status, "fill")
    if done:
        flash(gettext("Stillingen er registreret som besat."), "success")
    else:
        flash(gettext("En af stillingerne er registreret som besat."), "success")
    return redirect(url_for("web.vacancy_page", vacancy_id=vacancy_id))


@bp.post("/vacancies/<vacancy_id>/deadline")
@login_required
def vacancy_deadline(vacancy_id: str) -> ResponseReturnValue:
    """The employer moves the application deadline later (to accept a later application)."""
    values = {"application_deadline": (request.form.get("application_deadline") or "").strip()}
    body = {k: v for k, v in values.items() if v}  # an empty field is refused as missing
    try:
        with db.unit_of_work() as session:
            vacancies.update_vacancy(session, signed_in_user(), vacancy_id, body)
    except DomainError as error:
        return _render_vacancy(vacancy_id, error, error.status, "deadline", values)
    flash(gettext("Ansøgningsfristen er flyttet."), "success")
    return redirect(url_for("web.vacancy_page", vacancy_id=vacancy_id))


@bp.post("/vacancies/<vacancy_id>/withdraw")
@login_required
def vacancy_withdraw(vacancy_id: str) -> ResponseReturnValue:
    """The employer drops the vacancy unfilled; each applicant contacted is owed a refusal. Asked
    to confirm first: it cannot be undone."""
    values = {"reason": (request.form.get("reason") or "").strip()}
    body = {k: v for k, v in values.items() if v}
    user = signed_in_user()
    if confirm.wanted() == "edit":
        return _render_vacancy(vacancy_id, None, 200, "withdraw", values)
    if confirm.wanted() == "":

        def would(session: Any) -> tuple[str, int, int]:
            owed = [a.employer_contacted for a in vacancies.ended_with_vacancy(session, vacancy_id)]
            title = vacancies.withdraw_vacancy(session, user, vacancy_id, body).title
            return title, sum(owed), len(owed) - sum(owed)

        try:
            title, refusals, closed = confirm.preview(would)
        except DomainError as error:
            return _render_vacancy(vacancy_id, error, error.status, "withdraw", values)
        consequences = [gettext("Stillingen besættes ikke og kan ikke genåbnes.")]
        if refusals:
            consequences.append(
                gettext(
                    "1 ansøger med fortrinsadgang skal have et skriftligt, begrundet afslag med "
                    "klagevejledning fra jer."
                )
                if refusals == 1
                else gettext(
                    "%(num)d ansøgere med fortrinsadgang skal have et skriftligt, begrundet "
                    "afslag med klagevejledning fra jer.",
                    num=refusals,
                )
            )
        if closed:
            consequences.append(
                gettext("1 anden sag med fortrinsadgang afsluttes.")
                if closed == 1
                else gettext("%(num)d andre sager med fortrinsadgang afsluttes.", num=closed)
            )
        consequences.append(
            gettext("Alle ansøgere med fortrinsadgang får besked med begrundelsen.")
        )
        return confirm.page(
            gettext("Træk stillingen tilbage?"),
            [(gettext("Stilling"), title), (gettext("Begrundelse"), values["reason"])],
            consequences,
            gettext("Ja, træk stillingen tilbage"),
            url_for("web.vacancy_withdraw", vacancy_id=vacancy_id),
            gettext("Skal stillingen alligevel besættes, må den slås op igen."),
        )
    try:
        with db.unit_of_work() as session:
            vacancies.withdraw_vacancy(session, user, vacancy_id, body)
    except DomainError as error:
        return _render_vacancy(vacancy_id, error, error.status, "withdraw", values)
    flash(gettext("Stillingen er trukket tilbage."), "success")
    return redirect(url_for("web.vacancy_page", vacancy_id=vacancy_id))


VACANCY_FIELDS = (
    ("title", N_("Titel"), "text", "", ()),
    ("kind", N_("Type"), "select", "", tuple(KIND_NAMES.items())),
    (
        "positions",
        N_("Antal stillinger"),
        "number",
        N_("Hvor mange ens stillinger opslaget dækker. Opslaget er besat, når alle er besat."),
        (),
    ),
    (
        "formal_education_requirement",
        N_("Formelle uddannelseskrav"),
        "textarea",
        N_(
            "Det uddannelsesniveau, opslaget kræver. Andre krav (fx timetal) kan ikke udelukke en "
            "ansøger med fortrinsadgang (004 § 3.6)."
        ),
        (),
    ),
    ("application_deadline", N_("Ansøgningsfrist"), "date", "", ()),
    ("workplace_municipality_code", N_("Arbejdsstedets kommune"), "select", "", ()),
    (
        "workplace_jobcentre_code",
        N_("Er arbejdsstedet et jobcenter? Vælg det"),
        "select",
        N_("Kun hvis stillingen er i kommunens eget jobcenter (bek. § 7)."),
        (),
    ),
)


# --- Finding a vacancy and applying (issue 10, point 9) ------------------------------------------
# GOV.UK's pattern, one thing a page where it matters: the list links each vacancy to its page; the
# page shows the vacancy and the choice of route with what each means (bek. § 6; domain.md section
# 2); the answers are checked before they are sent through the same service function as the API
# (``cases.create_application``); a confirmation links to the case. A caseworker chooses the citizen
# once, by a search (``applicants.search``), never from a list of every citizen per vacancy.

APPLYING_ROLES = ("applicant", "caseworker")
ROUTE_LABELS = {
    "direct": N_("Søg direkte hos arbejdsgiveren"),
    "via_jobcentre": N_("Søg via jobcenteret"),
}
# What each route means, said to the applicant ("du") or to the caseworker ("borgeren"). Directly,
# the jobcentre makes no assessment and the employer may only look at the formal education
# requirements (bek. § 6 stk. 2; 004 § 3.6), for a licence only at whether the applicant is
# obviously less qualified (004 § 3.7). Via the jobcentre, it assesses both conditions of bek. § 6
# stk. 1 first and contacts the employer only if both hold.
ROUTE_HINTS = {
    ("direct", "applicant", "job"): N_(
        "Arbejdsgiveren får din ansøgning med fortrinsadgang med det samme, og jobcenteret "
        "vurderer den ikke. Arbejdsgiveren må kun se på, om du opfylder de formelle "
        "uddannelseskrav i opslaget. Gør du det, skal arbejdsgiveren indkalde dig til en personlig "
        "samtale, før stillingen besættes."
    ),
    ("direct", "applicant", "licence"): N_(
        "Myndigheden får din ansøgning med fortrinsadgang med det samme, og jobcenteret vurderer "
        "den ikke. Myndigheden skal indkalde dig til en personlig samtale, før bevillingen gives, "
        "medmindre du er åbenbart ringere kvalificeret end de andre ansøgere."
    ),
    ("via_jobcentre", "applicant", "job"): N_(
        "Jobcenteret vurderer først, om du kan varetage stillingen, og om du har svært ved at få "
        "arbejde på almindelige vilkår. Er svaret ja, kontakter jobcenteret arbejdsgiveren, som så "
        "skal indkalde dig til en personlig samtale. Er svaret nej, får du en begrundelse og kan "
        "stadig søge direkte."
    ),
    ("direct", "caseworker", "job"): N_(
        "Arbejdsgiveren får ansøgningen med fortrinsadgang med det samme, og jobcenteret vurderer "
        "den ikke. Arbejdsgiveren må kun se på, om borgeren opfylder de formelle uddannelseskrav i "
        "opslaget. Gør borgeren det, skal arbejdsgiveren indkalde borgeren til en personlig "
        "samtale, før stillingen besættes."
    ),
    ("direct", "caseworker", "licence"): N_(
        "Myndigheden får ansøgningen med fortrinsadgang med det samme, og jobcenteret vurderer den "
        "ikke. Myndigheden skal indkalde borgeren til en personlig samtale, før bevillingen gives, "
        "medmindre borgeren er åbenbart ringere kvalificeret end de andre ansøgere."
    ),
    ("via_jobcentre", "caseworker", "job"): N_(
        "Jobcenteret vurderer først, om borgeren kan varetage stillingen, og om borgeren har svært "
        "ved at få arbejde på almindelige vilkår. Er svaret ja, kontakter jobcenteret "
        "arbejdsgiveren, som så skal indkalde borgeren til en personlig samtale. Er svaret nej, "
        "får borgeren en begrundelse og kan stadig søge direkte."
    ),
}
AFTER_APPLYING = {
    "applicant": N_(
        "Du kan følge sagen og dens frister på din forside. Du kan trække ansøgningen tilbage på "
        "sagens side."
    ),
    "caseworker": N_(
        "Sagen står i jeres arbejdskø, og borgeren kan følge den på sin forside i Fortrin."
    ),
}
# After these refusals the form is not offered again: the same answers would be refused again
# (another route or, for the caseworker, another citizen is a new visit to the page).
BLOCKING_REFUSALS = frozenset(
    {"not_handling_jobcentre", "no_home_municipality", "no_neighbour_jobcentre"}
)
# The service's refusals (their codes as in the API), said in the page's words.
APPLY_PROBLEMS = {
    "vacancy_not_open": N_("Stillingen er ikke længere åben for ansøgninger."),
    "not_handling_jobcentre": N_(
        "Et andet jobcenter skal behandle sagen (bek. § 7), så I kan ikke søge på borgerens vegne. "
        "Borgeren kan selv søge stillingen."
    ),
    "no_home_municipality": N_(
        "Der er ikke registreret en bopælskommune for ansøgeren, så sagen kan ikke oprettes. "
        "Kontakt jobcenteret."
    ),
    "no_neighbour_jobcentre": N_(
        "Stillingen er i ansøgerens eget jobcenter, og der er ikke udpeget et nabojobcenter, der "
        "kan behandle sagen (bek. § 7). Kontakt jobcenteret."
    ),
}
DEADLINE_PASSED = N_(
    "Ansøgningsfristen var %(day)s, så der kan ikke længere søges med fortrinsadgang. "
    "Arbejdsgiveren kan tage imod en senere ansøgning ved at flytte fristen."
)
DUPLICATE = {
    "applicant": N_("Du har allerede en åben sag om denne stilling."),
    "caseworker": N_("Borgeren har allerede en åben sag om denne stilling."),
}
# The apply section's problems: the control each names (its id) and its label.
APPLY_LABELS = {
    "route": ("route-direct", N_("Hvordan vil du søge?")),
    "applicant_id": ("citizen-search", N_("Hvem søger du for?")),
    "soeg": ("citizen-search", N_("Hvem søger du for?")),
    "apply": ("apply-heading", N_("Søg med fortrinsadgang")),
}
ROUTE_MISSING = N_("Vælg, hvordan du vil søge.")
CITIZEN_MISSING = N_("Vælg den borger, du søger for.")
CITIZEN_UNKNOWN = N_("Borgeren findes ikke i jeres område. Søg efter borgeren igen.")
SEARCH_EMPTY = N_("Skriv borgerens navn.")
SEARCH_TOO_LONG = N_("Skriv højst 100 tegn.")
CITIZEN_RESULTS = 20  # a search finds a few; "skriv mere af navnet" when there are more


@dataclass(frozen=True)
class ApplyAnswers:
    """The apply form's answers: the route, and for a caseworker the citizen (or a search)."""

    route: str = ""
    citizen_id: str = ""
    search: str | None = None  # None: no search was made


@dataclass(frozen=True)
class Citizen:
    id: str
    name: str
    email: str


@dataclass(frozen=True)
class CitizenChoice:
    """The caseworker's citizen: the one chosen, or a search and the first citizens it found."""

    chosen: Citizen | None
    query: str
    found: list[Citizen]
    more: bool
    searched: bool
    choose_url: Any  # Callable[[str], str]: the page again, with that citizen chosen
    change_url: str  # the page again, with no citizen chosen
    action: str  # where the search form goes
    keep: dict[str, str]  # the other answers the search form carries along


@dataclass(frozen=True)
class CaseLink:
    id: str
    state_label: str  # Danish, translated in the template


@dataclass(frozen=True)
class ApplySection:
    """What the vacancy page shows an applicant or a caseworker about applying."""

    accepting: bool
    closed_text: str
    choice: CitizenChoice | None  # the caseworker's
    applicant: Citizen | None  # who applies: the applicant, or the citizen chosen
    open_case: CaseLink | None
    ended_cases: list[CaseLink]
    routes: list[tuple[str, str, str]]  # value, label, what it means
    route: str
    errors: dict[str, str]
    labels: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class VacancyRow:
    vacancy: ListedVacancy
    url: str
    applied: str  # "" (no case), "open" (an open case) or "ended" (only ended ones)


def _printable(value: str | None) -> str:
    """Control characters dropped, as the queue's search does."""
    return "".join(ch for ch in value or "" if ch.isprintable()).strip()


def _apply_answers_from_query(user: User) -> tuple[ApplyAnswers, dict[str, str], int]:
    """The route and the caseworker's citizen or search from the query string; a bad search is
    named on the page (400)."""
    args = request.args
    route = args.get("rute", "")
    search = _printable(args.get("soeg")) if "soeg" in args else None
    problems: dict[str, str] = {}
    if user.role == "caseworker" and search is not None:
        if not search:
            problems["soeg"] = gettext(SEARCH_EMPTY)
        elif len(search) > 100:
            problems["soeg"] = gettext(SEARCH_TOO_LONG)
    answers = ApplyAnswers(
        route=route if route in ROUTE_LABELS else "",
        citizen_id=_printable(args.get("borger")),
        search=search if "soeg" not in problems else None,
    )
    return answers, problems, 400 if problems else 200


def _route_hint(route: str, role: str, kind: str) -> str:
    licence = route == "direct" and kind in pa.LICENCE_KINDS
    hint = ROUTE_HINTS[(route, role, "licence" if licence else "job")]
    return str(gettext(hint))


def _chosen_citizen(session: Any, user: User, citizen_id: str) -> User | None:
    """The citizen a caseworker applies for: one whose home municipality its jobcentre serves, as
    the service requires (``cases._applicant_for``)."""
    if user.role != "caseworker" or not citizen_id or len(citizen_id) > 64:
        return None
    try:
        citizen = applicants.get_applicant(session, user, citizen_id)
    except NotFound:
        return None
    return citizen if applicants.is_home_caseworker(session, user, citizen) else None


def _choose_citizen(
    session: Any,
    user: User,
    answers: ApplyAnswers,
    page: str,
    vacancy_id: str | None = None,
) -> tuple[CitizenChoice, dict[str, str]]:
    """The caseworker's choice on the list (``page`` "list") or a vacancy's page: the citizen
    chosen, or what a search by name found (at most ``CITIZEN_RESULTS``)."""
    chosen = _chosen_citizen(session, user, answers.citizen_id)
    problems: dict[str, str] = {}
    if answers.citizen_id and chosen is None:
        problems["applicant_id"] = gettext(CITIZEN_UNKNOWN)
    found: list[User] = []
    searched = chosen is None and answers.search is not None
    if searched:
        found = applicants.search(session, user, answers.search or "", CITIZEN_RESULTS + 1, 0)
    keep: dict[str, Any] = {"rute": answers.route} if answers.route else {}
    if page == "list":
        action = url_for("web.vacancies_page")
        change_url = action

        def choose_url(citizen_id: str) -> str:
            return url_for("web.vacancies_page", borger=citizen_id)

    else:
        action = url_for("web.vacancy_page", vacancy_id=vacancy_id, _anchor="citizen-heading")
        change_url = url_for(
            "web.vacancy_page", vacancy_id=vacancy_id, **keep, _anchor="citizen-heading"
        )

        def choose_url(citizen_id: str) -> str:
            return url_for(
                "web.vacancy_page",
                vacancy_id=vacancy_id,
                borger=citizen_id,
                **keep,
                _anchor="apply-heading",
            )

    choice = CitizenChoice(
        chosen=Citizen(chosen.id, chosen.name, chosen.email) if chosen else None,
        query=answers.search or "",
        found=[Citizen(c.id, c.name, c.email) for c in found[:CITIZEN_RESULTS]],
        more=len(found) > CITIZEN_RESULTS,
        searched=searched,
        choose_url=choose_url,
        change_url=change_url,
        action=action,
        keep=keep,
    )
    return choice, problems


def _cases_of(
    session: Any, user: User, applicant_id: str, vacancy_ids: list[str]
) -> dict[str, list[Application]]:
    """The applicant's cases about these vacancies that the caller may see, newest first. Shown
    (or marked) on the page, so each is audited as listed, as ``cases.list_applications`` does."""
    if not vacancy_ids:
        return {}
    found = session.exec(
        select(Application)
        .where(
            Application.applicant_id == applicant_id,
            col(Application.vacancy_id).in_(vacancy_ids),
            cases.application_scope(user),
        )
        .order_by(col(Application.created_at).desc(), col(Application.id).desc())
    ).all()
    audit.record_many(
        session, user, audit.LIST, audit.APPLICATION, [(a.id, a.applicant_id) for a in found]
    )
    by_vacancy: dict[str, list[Application]] = {}
    for application in found:
        by_vacancy.setdefault(application.vacancy_id, []).append(application)
    return by_vacancy


def _case_link(application: Application, today: date) -> tuple[CaseLink, bool]:
    """The case as a link with its state, and whether it has ended."""
    state = pa.effective_state(application.state, application.opinion_due, today)
    return CaseLink(application.id, pa.STATE_LABELS_DA.get(state, state)), state in pa.TERMINAL


def _accepting(vacancy: Vacancy, today: date) -> bool:
    """Open, and its application deadline not passed (004 § 3.5; pa.check_application_in_time)."""
    return vacancy.state == "open" and today <= vacancy.application_deadline


def _workplace(vacancy: Vacancy) -> str:
    """The workplace's municipality, and the jobcentre if the workplace is one (bek. § 7)."""
    session = db.session()
    municipality = session.get(Municipality, vacancy.workplace_municipality_code)
    place = municipality.name if municipality else vacancy.workplace_municipality_code
    if vacancy.workplace_jobcentre_code:
        jobcentre = session.get(Jobcentre, vacancy.workplace_jobcentre_code)
        if jobcentre is not None:
            return f"{place} ({jobcentre.name})"
    return place


def _apply_section(
    session: Any, user: User, vacancy: Vacancy, answers: ApplyAnswers, problems: dict[str, str]
) -> ApplySection:
    today = clock.today()
    problems = dict(problems)
    choice: CitizenChoice | None = None
    applicant: Citizen | None = None
    if user.role == "caseworker":
        choice, unknown = _choose_citizen(session, user, answers, "vacancy", vacancy.id)
        problems = {**unknown, **problems}
        applicant = choice.chosen
    else:
        applicant = Citizen(user.id, user.name, user.email)
    open_case: CaseLink | None = None
    ended: list[CaseLink] = []
    if applicant is not None:
        for application in _cases_of(session, user, applicant.id, [vacancy.id]).get(vacancy.id, []):
            link, is_ended = _case_link(application, today)
            if is_ended:
                ended.append(link)
            elif open_case is None:
                open_case = link
    accepting = _accepting(vacancy, today)
    if vacancy.state != "open":
        not_open = APPLY_PROBLEMS["vacancy_not_open"]
        closed_text = gettext(not_open)
    elif not accepting:
        closed_text = gettext(DEADLINE_PASSED, day=danish_date(vacancy.application_deadline))
    else:
        closed_text = ""
    routes = [
        (route, gettext(label), _route_hint(route, user.role, vacancy.kind))
        for route, label in ROUTE_LABELS.items()
    ]
    labels = {
        name: (APPLY_LABELS[name][0], gettext(APPLY_LABELS[name][1]))
        for name in problems
        if name in APPLY_LABELS
    }
    return ApplySection(
        accepting=accepting,
        closed_text=closed_text,
        choice=choice,
        applicant=applicant,
        open_case=open_case,
        ended_cases=ended,
        routes=routes,
        route=answers.route,
        errors=problems,
        labels=labels,
    )


@bp.get("/vacancies")
@login_required
def vacancies_page() -> ResponseReturnValue:
    """Open vacancies to apply to with preferential access, each linked to its page; those the
    applicant (or the caseworker's citizen) has applied for are marked."""
    user = signed_in_user()
    answers, problems, status = _apply_answers_from_query(user)
    today = clock.today()
    choice: CitizenChoice | None = None
    # The citizen chosen or searched for, and the route, stay on the links to other pages.
    kept = {name: _printable(request.args.get(name)) for name in ("borger", "soeg", "rute")}
    with db.unit_of_work() as session:  # commits the audit rows of the cases marked
        listed, paged = vacancy_list(
            session,
            user,
            "web.vacancies_page",
            {name: value for name, value in kept.items() if value},
            accepting=user.role != "employer",
        )
        applicant_id = user.id if user.role == "applicant" else None
        if user.role == "caseworker":
            choice, unknown = _choose_citizen(session, user, answers, "list")
            problems = {**unknown, **problems}
            applicant_id = choice.chosen.id if choice.chosen else None
        marks: dict[str, str] = {}
        if applicant_id is not None:
            found = _cases_of(session, user, applicant_id, [v.id for v in listed])
            for vacancy_id, applications in found.items():
                ended = [_case_link(a, today)[1] for a in applications]
                marks[vacancy_id] = "ended" if all(ended) else "open"
        chosen: dict[str, Any] = {"borger": applicant_id} if choice and applicant_id else {}
        rows = [
            VacancyRow(
                v, url_for("web.vacancy_page", vacancy_id=v.id, **chosen), marks.get(v.id, "")
            )
            for v in listed
        ]
    labels = {
        name: (APPLY_LABELS[name][0], gettext(APPLY_LABELS[name][1]))
        for name in problems
        if name in APPLY_LABELS
    }
    return render_template(
        "vacancies.html",
        rows=rows,
        listed=paged,
        user=user,
        choice=choice,
        errors=problems,
        labels=labels,
    ), (400 if paged["page_problem"] else status if problems else 200)


def _apply_refused(
    vacancy_id: str, user: User, answers: ApplyAnswers, error: DomainError
) -> ResponseReturnValue:
    """The vacancy page again, the service's refusal said in the page's words."""
    if isinstance(error, ValidationFailed):
        if "vacancy_id" in error.fields:
            abort(404)
        problems: dict[str, str] = {}
        if "route" in error.fields:
            problems["route"] = gettext(ROUTE_MISSING)
        if "applicant_id" in error.fields:
            problems["applicant_id"] = gettext(CITIZEN_UNKNOWN)
        if not problems:
            problems["apply"] = gettext(error.message)
        return _render_vacancy(vacancy_id, status=422, answers=answers, apply_errors=problems)
    if error.code == "application_deadline_passed":
        vacancy = db.session().get(Vacancy, vacancy_id)
        day = danish_date(vacancy.application_deadline) if vacancy else ""
        message = gettext(DEADLINE_PASSED, day=day)
    elif error.code == "duplicate_application":
        message = gettext(DUPLICATE[user.role])
    elif error.code in APPLY_PROBLEMS:
        message = gettext(APPLY_PROBLEMS[error.code])
    else:
        message = gettext(error.message)
    return _render_vacancy(
        vacancy_id,
        status=error.status,
        answers=answers,
        apply_errors={"apply": message},
        apply_blocked=error.code in BLOCKING_REFUSALS,
    )


@bp.post("/vacancies/<vacancy_id>/apply")
@login_required
def vacancy_apply(vacancy_id: str) -> ResponseReturnValue:
    """The apply form posts here: without ``confirmed=yes`` the application is made only to see
    that the service accepts it (then rolled back) and the answers are shown to be checked; with
    it, the application is made, and the confirmation page follows."""
    user = signed_in_user()
    if user.role not in APPLYING_ROLES:
        abort(403)
    answers = ApplyAnswers(
        route=_printable(request.form.get("route")),
        citizen_id=_printable(request.form.get("applicant_id"))
        if user.role == "caseworker"
        else "",
    )
    problems: dict[str, str] = {}
    if user.role == "caseworker" and not answers.citizen_id:
        problems["applicant_id"] = gettext(CITIZEN_MISSING)
    if answers.route not in ROUTE_LABELS:
        problems["route"] = gettext(ROUTE_MISSING)
    if problems:
        return _render_vacancy(vacancy_id, status=422, answers=answers, apply_errors=problems)
    body = {"vacancy_id": vacancy_id, "route": answers.route}
    if user.role == "caseworker":
        body["applicant_id"] = answers.citizen_id
    if confirm.wanted() != "yes":
        try:
            confirm.preview(lambda session: cases.create_application(session, user, body))
        except DomainError as error:
            return _apply_refused(vacancy_id, user, answers, error)
        return _check_application(vacancy_id, user, answers)
    try:
        with db.unit_of_work() as session:
            case_id = cases.create_application(session, user, body).id
    except DomainError as error:
        return _apply_refused(vacancy_id, user, answers, error)
    return redirect(url_for("web.vacancy_applied", vacancy_id=vacancy_id, application_id=case_id))


def _check_application(vacancy_id: str, user: User, answers: ApplyAnswers) -> ResponseReturnValue:
    """Check your answers: the vacancy, who applies, the route, and what happens next."""
    session = db.session()
    vacancy = cases.get_vacancy(session, user, vacancy_id)
    citizen = session.get(User, answers.citizen_id) if user.role == "caseworker" else None
    keep: dict[str, Any] = {"borger": answers.citizen_id} if citizen is not None else {}
    return render_template(
        "vacancy_apply_check.html",
        vacancy=vacancy_out(session, user, vacancy),
        workplace=_workplace(vacancy),
        citizen=citizen.name if citizen is not None else None,
        route=answers.route,
        route_label=gettext(ROUTE_LABELS[answers.route]),
        next_steps=[
            _route_hint(answers.route, user.role, vacancy.kind),
            gettext(AFTER_APPLYING[user.role]),
        ],
        hidden=[("route", answers.route), *(("applicant_id", v) for v in keep.values())],
        change_route_url=url_for(
            "web.vacancy_page",
            vacancy_id=vacancy.id,
            rute=answers.route,
            **keep,
            _anchor="apply-heading",
        ),
        change_citizen_url=url_for(
            "web.vacancy_page", vacancy_id=vacancy.id, rute=answers.route, _anchor="citizen-heading"
        ),
    )


@bp.get("/vacancies/<vacancy_id>/applied/<application_id>")
@login_required
def vacancy_applied(vacancy_id: str, application_id: str) -> ResponseReturnValue:
    """The confirmation: the application is sent, what happens now, and the way to the case."""
    user = signed_in_user()
    if user.role not in APPLYING_ROLES:
        abort(404)
    with db.unit_of_work() as session:  # commits the audit row of the read
        application = cases.get_application(session, user, application_id)
        if application.vacancy_id != vacancy_id:
            raise NotFound("Sagen findes ikke.")
        vacancy = session.get(Vacancy, vacancy_id)
        applicant = (
            session.get(User, application.applicant_id) if application.applicant_id else None
        )
        assert vacancy is not None
        shown = vacancy_out(session, user, vacancy)
        route = application.route
        created_at = application.created_at
    more: dict[str, Any] = (
        {"borger": applicant.id} if user.role == "caseworker" and applicant is not None else {}
    )
    return render_template(
        "vacancy_applied.html",
        vacancy=shown,
        application_id=application_id,
        applicant=applicant.name if applicant is not None else "",
        user=user,
        created_at=created_at,
        route_label=gettext(ROUTE_LABELS.get(route, route)),
        next_steps=[
            _route_hint(route, user.role, shown.kind),
            gettext(AFTER_APPLYING[user.role]),
        ],
        more_url=url_for("web.vacancies_page", **more),
    )


@bp.route("/vacancies/new", methods=["GET", "POST"])
@login_required
def vacancy_new() -> ResponseReturnValue:
    user = signed_in_user()
    if user.role != "employer":
        abort(403)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"positions": "1"}
    if request.method == "POST":
        values = request.form.to_dict()
        # An empty field is left out, so the service names it as missing ("skal udfyldes").
        body: dict[str, Any] = {
            name: values[name] for name, *_ in VACANCY_FIELDS if values.get(name)
        }
        positions = (values.get("positions") or "").strip()
        # A number as the API takes it; anything else is passed on for the service to refuse.
        if positions.isascii() and positions.isdigit() and len(positions) <= 6:
            body["positions"] = int(positions)
        try:
            with db.unit_of_work() as session:
                created = vacancies.create_vacancy(session, user, body)
        except ValidationFailed as error:
            errors = error.fields
        except DomainError as error:
            errors = {"title": error.message}
        else:
            flash(gettext("Stillingen er oprettet."), "success")
            return redirect(url_for("web.vacancy_page", vacancy_id=created.id))
    municipalities = _municipality_options()
    fields = [
        (
            name,
            label,
            kind,
            help_text,
            municipalities
            if name == "workplace_municipality_code"
            else (municipalities if name == "workplace_jobcentre_code" else options),
        )
        for name, label, kind, help_text, options in VACANCY_FIELDS
    ]
    labels = {name: (f"vacancy-{name}".replace("_", "-"), label) for name, label, *_ in fields}
    return render_template(
        "vacancy_new.html", fields=fields, errors=errors, values=values, labels=labels
    ), (422 if errors else 200)
