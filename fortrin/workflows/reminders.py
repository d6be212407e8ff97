"""Which notifications are due at a moment, from the state of the cases alone. Pure.

The right to Ankestyrelsen's opinion is lost if the 4 weeks pass unnoticed (kompensationslov §17 a
stk. 3), and employers let duties slide. So: the applicant hears when the window opens, 7 and 2 days
before it closes; applicant and employer hear the day before an interview; duties that slide are
escalated after a number of working days (thresholds in config). A notification is due only while its
point lies ahead: none for a withdrawn case, an interview already held, a window already closed.

Texts are Danish, or English for a recipient who chose English (the caller renders them under
``flask_babel.force_locale``; outside an application they are Danish). They name the exact date, say
what to do and link to the case. They never contain health details: only the vacancy, the
organisation, dates and the applicant's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from babel.dates import format_date, format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _

from fortrin import clock, deadlines
from fortrin.workflows import preferential_access as pa
from fortrin.workflows.preferential_access import State


@dataclass(frozen=True)
class Thresholds:
    """Working days a case may sit in a state before the owner of the duty is reminded."""

    assessment: int = 5
    statement_employer: int = 5
    statement_jobcentre: int = 10
    negotiation: int = 10
    refusal_notice: int = 3
    negotiation_wait: int = 10  # then the employer may record negotiation_not_held


@dataclass(frozen=True)
class CaseSnapshot:
    application_id: str
    state: str
    vacancy_title: str
    organisation_name: str
    application_deadline: date
    applicant_id: str
    applicant_name: str
    employer_ids: tuple[str, ...]
    caseworker_ids: tuple[str, ...]
    state_since: datetime
    interview_starts_at: datetime | None = None
    interview_location: str | None = None
    opinion_due: date | None = None


@dataclass(frozen=True)
class Due:
    subject_key: (
        str  # "application:<id>", "fast_track_task:<id>", "event:<id>:<seq>", "breach:<id>"
    )
    application_id: str | None
    kind: str
    recipient_id: str | None  # a user, or None for an outside address (recipient_email)
    subject: str
    body: str
    link: str
    recipient_email: str | None = None
    subject_en: str | None = None  # the same in English (notifications.in_languages)
    body_en: str | None = None


@dataclass(frozen=True)
class TaskSnapshot:
    """A fast-track grant task (000, core element 4): a named person, within a stated time."""

    task_id: int
    card_id: str
    scheme_name: str
    employer_name: str
    applicant_name: str
    due_on: date
    done: bool
    responsible_ids: tuple[str, ...]
    scheme_name_en: str = ""


def due_fast_track(task: TaskSnapshot, now: datetime, remind_days: int, base_url: str) -> list[Due]:
    """Remind the responsible caseworker before a fast-track grant is due, and once when it is late."""
    if task.done:
        return []
    today = clock.local(now).date()
    link = f"{base_url.rstrip('/')}/cards/{task.card_id}"
    scheme = task.scheme_name_en if _english() and task.scheme_name_en else task.scheme_name
    what = _(
        "%(scheme)s til %(applicant)s (ansat hos %(employer)s)",
        scheme=scheme,
        applicant=task.applicant_name,
        employer=task.employer_name,
    )
    due = long_date(task.due_on)
    if task.due_on - timedelta(days=remind_days) <= today <= task.due_on:
        kind, subject = "fast_track_due", _("Hurtigt spor: bevilling senest %(due)s", due=due)
        body = _("Bevillingen af %(what)s skal være behandlet senest %(due)s.", what=what, due=due)
    elif today > task.due_on:
        kind = "fast_track_overdue"
        subject = _("Hurtigt spor overskredet: %(scheme)s", scheme=scheme)
        body = _(
            "Bevillingen af %(what)s skulle have været behandlet senest %(due)s. Behandl den nu, "
            "og markér opgaven som færdig.",
            what=what,
            due=due,
        )
    else:
        return []
    text = body + "\n\n" + _("Se kortet: %(link)s", link=link)
    key = f"fast_track_task:{task.task_id}"
    return [Due(key, None, kind, r, subject, text, link) for r in task.responsible_ids]


def _english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def long_date(day: date) -> str:
    """ "1. december 2026", or "1 December 2026" for a reader of English."""
    if _english():
        return format_date(day, "d MMMM y", locale="en")
    return format_date(day, format="long", locale="da")


def long_time(instant: datetime) -> str:
    if _english():
        return format_datetime(clock.local(instant), "d MMMM y 'at' HH:mm", locale="en")
    return format_datetime(clock.local(instant), "d. MMMM y 'kl.' HH:mm", locale="da")


def case_title(vacancy_title: str, organisation_name: str) -> str:
    return _(
        "«%(vacancy)s» hos %(organisation)s", vacancy=vacancy_title, organisation=organisation_name
    )


def see_case(link: str) -> str:
    return "\n\n" + _("Se sagen: %(link)s", link=link)


def jobcentre_due(state: str, entered: date, thresholds: Thresholds) -> date | None:
    """When the jobcentre is due to act, or is told to chase the employer: the day its escalation
    falls (the working-day thresholds of the notifications below), for the caseworker's queue."""
    escalation: dict[str, int] = {
        State.AWAITING_ASSESSMENT: thresholds.assessment,
        State.STATEMENT_REQUIRED: thresholds.statement_jobcentre,
        State.NEGOTIATION_REQUIRED: thresholds.negotiation,
    }
    days = escalation.get(state)
    return None if days is None else deadlines.add_working_days(entered, days)


def queue_due_on(
    state: str,
    state_since: datetime,
    opinion_due: date | None,
    refusal_sent_on: date | None,
    thresholds: Thresholds,
) -> date | None:
    """When the jobcentre should act on the case (``jobcentre_due``), else the opinion-request
    deadline of a refusal given: the day the caseworker queue sorts the case by."""
    due = jobcentre_due(state, clock.local(state_since).date(), thresholds)
    if due is None and opinion_due is not None and refusal_sent_on is not None:
        return opinion_due
    return due


def next_reminder_on(
    state: str,
    state_since: datetime,
    opinion_due: date | None,
    interview_starts_at: datetime | None,
    application_deadline: date,
    thresholds: Thresholds,
    today: date,
) -> date | None:
    """The first day after ``today`` on which ``due_notifications`` names a reminder it did not name
    the day before, else None (issue 12): the pass looks at a case only from then on. Each rule below
    has its day here; a unit test walks the calendar to hold the two together."""
    entered = clock.local(state_since).date()
    days: list[date] = []
    if state == State.OPINION_WINDOW and opinion_due is not None:
        days += [opinion_due - timedelta(days=7), opinion_due - timedelta(days=2)]
    elif state == State.INTERVIEW_SCHEDULED and interview_starts_at is not None:
        days.append(clock.local(interview_starts_at).date() - timedelta(days=1))
    elif state == State.AWAITING_ASSESSMENT:
        days.append(deadlines.add_working_days(entered, thresholds.assessment))
    elif state == State.INTERVIEW_REQUIRED:
        days.append(application_deadline + timedelta(days=1))
    elif state == State.STATEMENT_REQUIRED:
        days += [
            deadlines.add_working_days(entered, thresholds.statement_employer),
            deadlines.add_working_days(entered, thresholds.statement_jobcentre),
        ]
    elif state == State.NEGOTIATION_REQUIRED:
        days += [
            deadlines.add_working_days(entered, thresholds.negotiation),
            deadlines.add_working_days(entered, thresholds.negotiation_wait),
        ]
    elif state == State.REFUSAL_PENDING:
        days.append(deadlines.add_working_days(entered, thresholds.refusal_notice))
    return min((day for day in days if day > today), default=None)


def due_notifications(
    case: CaseSnapshot, now: datetime, thresholds: Thresholds, base_url: str
) -> list[Due]:
    today = clock.local(now).date()
    state = pa.effective_state(case.state, case.opinion_due, today)
    link = f"{base_url.rstrip('/')}/applications/{case.application_id}"
    title = case_title(case.vacancy_title, case.organisation_name)
    vacancy = case.vacancy_title
    found: list[Due] = []

    def add(kind: str, recipients: tuple[str, ...], subject: str, body: str) -> None:
        text = body + see_case(link)
        key = f"application:{case.application_id}"
        found.extend(
            Due(key, case.application_id, kind, r, subject, text, link) for r in recipients
        )

    def waited(days: int) -> bool:
        entered = clock.local(case.state_since).date()
        return deadlines.working_days_between(entered, today) >= days

    since = long_date(clock.local(case.state_since).date())
    applicant = (case.applicant_id,)
    if state == State.OPINION_WINDOW and case.opinion_due is not None:
        due = long_date(case.opinion_due)
        add(
            "opinion_window_opened",
            applicant,
            _("Du kan bede Ankestyrelsen om en udtalelse senest %(due)s", due=due),
            _(
                "Du har fået afslag på %(title)s. Du kan bede Ankestyrelsens "
                "Beskæftigelsesudvalg om en udtalelse om, hvorvidt arbejdsgiveren har overholdt "
                "reglerne om samtale og forhandling (lov om kompensation til handicappede i erhverv "
                "§ 17 a, stk. 3). Fristen er %(due)s ved dagens slutning. Jobcenteret kan hjælpe "
                "dig.",
                title=title,
                due=due,
            ),
        )
        days_left = (case.opinion_due - today).days
        if 2 < days_left <= 7:
            add(
                "opinion_deadline_soon",
                applicant,
                _(
                    "%(days)s dage til fristen for at bede Ankestyrelsen om en udtalelse",
                    days=days_left,
                ),
                _(
                    "Fristen for at bede Ankestyrelsen om en udtalelse om afslaget på %(title)s er "
                    "%(due)s. Skal du bruge retten, så send anmodningen inden da.",
                    title=title,
                    due=due,
                ),
            )
        elif 0 <= days_left <= 2:
            add(
                "opinion_deadline_final",
                applicant,
                _("Sidste frist %(due)s: bed Ankestyrelsen om en udtalelse", due=due),
                _(
                    "Fristen for at bede Ankestyrelsen om en udtalelse om afslaget på %(title)s "
                    "udløber %(due)s ved dagens slutning. Derefter kan retten ikke bruges.",
                    title=title,
                    due=due,
                ),
            )

    if (
        state == State.INTERVIEW_SCHEDULED
        and case.interview_starts_at is not None
        and now < case.interview_starts_at
        and today >= clock.local(case.interview_starts_at).date() - timedelta(days=1)
    ):
        when = long_time(case.interview_starts_at)
        where = case.interview_location or _("se sagen")
        add(
            "interview_reminder",
            applicant,
            _("Ansættelsessamtale %(when)s", when=when),
            _(
                "Husk din ansættelsessamtale om %(title)s %(when)s. Sted: %(where)s.",
                title=title,
                when=when,
                where=where,
            ),
        )
        add(
            "interview_reminder",
            case.employer_ids,
            _("Ansættelsessamtale med %(name)s %(when)s", name=case.applicant_name, when=when),
            _(
                "I har ansættelsessamtale med %(name)s om %(title)s %(when)s. Sted: %(where)s. "
                "Registrér samtalen i Fortrin, når den er holdt.",
                name=case.applicant_name,
                title=title,
                when=when,
                where=where,
            ),
        )

    if state == State.AWAITING_ASSESSMENT and waited(thresholds.assessment):
        add(
            "assessment_due",
            case.caseworker_ids,
            _("Vurdering mangler: %(vacancy)s", vacancy=vacancy),
            _(
                "En ansøgning om fortrinsadgang til %(title)s har ventet på jobcenterets vurdering "
                "siden %(since)s (%(days)s hverdage eller mere; bek. § 6 stk. 1). Vurdér, om "
                "ansøgeren kan bestride stillingen.",
                title=title,
                since=since,
                days=thresholds.assessment,
            ),
        )
    if state == State.INTERVIEW_REQUIRED and today > case.application_deadline:
        add(
            "interview_not_scheduled",
            case.employer_ids,
            _("Indkald til samtale: %(vacancy)s", vacancy=vacancy),
            _(
                "Ansøgningsfristen for %(title)s var %(deadline)s, og %(name)s er endnu ikke "
                "indkaldt til samtale. Stillingen må ikke besættes før samtalen (bek. § 6 stk. 2).",
                title=title,
                deadline=long_date(case.application_deadline),
                name=case.applicant_name,
            ),
        )
    if state == State.STATEMENT_REQUIRED:
        body = _(
            "Den skriftlige redegørelse til jobcenteret om %(title)s har manglet siden %(since)s. "
            "Stillingen må ikke besættes, før redegørelsen er givet og der er forhandlet "
            "(bek. § 6 stk. 3).",
            title=title,
            since=since,
        )
        if waited(thresholds.statement_employer):
            add(
                "statement_overdue",
                case.employer_ids,
                _("Redegørelse mangler: %(vacancy)s", vacancy=vacancy),
                body,
            )
        if waited(thresholds.statement_jobcentre):
            add(
                "statement_overdue",
                case.caseworker_ids,
                _("Arbejdsgiverens redegørelse mangler: %(vacancy)s", vacancy=vacancy),
                body + " " + _("Arbejdsgiveren er påmindet; tag kontakt."),
            )
    if state == State.NEGOTIATION_REQUIRED and waited(thresholds.negotiation):
        add(
            "negotiation_overdue",
            case.caseworker_ids,
            _("Forhandling mangler: %(vacancy)s", vacancy=vacancy),
            _(
                "Arbejdsgiverens redegørelse om %(title)s blev modtaget %(since)s, for %(days)s "
                "hverdage siden eller mere. Hold forhandlingen og skriv referat (bek. § 6 stk. 3).",
                title=title,
                since=since,
                days=thresholds.negotiation,
            ),
        )
    if state == State.NEGOTIATION_REQUIRED and waited(thresholds.negotiation_wait):
        add(
            "negotiation_wait_over",
            case.employer_ids,
            _("Jobcenteret har ikke forhandlet: %(vacancy)s", vacancy=vacancy),
            _(
                "Jobcenteret har ikke holdt forhandlingen om %(title)s inden for %(days)s hverdage "
                "efter jeres redegørelse (%(since)s). I kan registrere, hvad I har gjort for at få "
                "forhandlingen holdt; så må stillingen besættes, og I skal give ansøgeren et "
                "begrundet afslag med klagevejledning.",
                title=title,
                days=thresholds.negotiation_wait,
                since=since,
            ),
        )
    if state == State.REFUSAL_PENDING and waited(thresholds.refusal_notice):
        add(
            "refusal_notice_due",
            case.employer_ids,
            _("Send afslag med klagevejledning: %(vacancy)s", vacancy=vacancy),
            _(
                "%(name)s skal have skriftligt, begrundet afslag på %(title)s med klagevejledning; "
                "afgørelsen blev truffet %(since)s. Fristen for ansøgerens anmodning til "
                "Ankestyrelsen løber først fra modtagelsen.",
                name=case.applicant_name,
                title=title,
                since=since,
            ),
        )
    return found


# The stored states a case can be in while any reminder may be due (the pass looks only at these).
WATCHED_STATES = (
    State.OPINION_WINDOW,
    State.INTERVIEW_SCHEDULED,
    State.AWAITING_ASSESSMENT,
    State.INTERVIEW_REQUIRED,
    State.STATEMENT_REQUIRED,
    State.NEGOTIATION_REQUIRED,
    State.REFUSAL_PENDING,
)
