"""Who is told at once when an event changes someone's rights. Pure, like the reminder rules.

The applicant hears, in the app and by e-mail, of every step that changes their rights (issue 8,
domain.md section 12): a negative assessment or eligibility check, a missed interview recorded, a
withdrawn vacancy, a new deadline, Ankestyrelsen's opinion; and (issue 10) each invitation to an
interview, and each move of it, with the time, the place and a link to add it to a calendar. A
jobcentre that did not negotiate is escalated. Texts are Danish, or English for a recipient who chose
it (rendered under ``flask_babel.force_locale`` by the caller), name the exact date and link to the
case; they never carry health data.

Each notice is keyed by the timeline entry that caused it (``event:<application>:<seq>``), so it is
created once per event, and a second event of the same kind (a second receipt date) is told again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from fortrin.workflows import preferential_access as pa
from fortrin.workflows.reminders import (
    CaseSnapshot,
    Due,
    case_title,
    long_date,
    long_time,
    see_case,
)


def right_to_opinion() -> str:
    return _(
        "Du har ret til at bede Ankestyrelsens Beskæftigelsesudvalg om en udtalelse om, hvorvidt "
        "arbejdsgiveren har overholdt reglerne om samtale og forhandling (lov om kompensation til "
        "handicappede i erhverv § 17 a, stk. 3)."
    )


def event_notices(
    case: CaseSnapshot, event_type: str, seq: int, record: dict[str, Any], base_url: str
) -> list[Due]:
    """The notices an accepted event sends, given the case as it is after the event."""
    link = f"{base_url.rstrip('/')}/applications/{case.application_id}"
    title = case_title(case.vacancy_title, case.organisation_name)
    vacancy = case.vacancy_title
    key = f"event:{case.application_id}:{seq}"
    found: list[Due] = []

    def add(kind: str, recipients: tuple[str, ...], subject: str, body: str) -> None:
        text = body + see_case(link)
        found.extend(
            Due(key, case.application_id, kind, r, subject, text, link) for r in recipients
        )

    applicant = (case.applicant_id,)
    if event_type == "assessment" and case.state == pa.State.NOT_SUITABLE:
        add(
            "assessment_negative",
            applicant,
            _("Jobcenterets vurdering af din ansøgning til %(vacancy)s", vacancy=vacancy),
            _(
                "Jobcenteret har vurderet, at betingelserne for fortrinsadgang via jobcenteret ikke "
                "er opfyldt for %(title)s (bek. § 6 stk. 1). Begrundelsen står i sagen. Du kan "
                "stadig selv søge stillingen direkte og oplyse, at du bruger din fortrinsadgang.",
                title=title,
            ),
        )
    elif event_type == "eligibility_check" and case.state == pa.State.REFUSAL_PENDING:
        ground = (
            _("at du er åbenbart ringere kvalificeret end de øvrige ansøgere")
            if record.get("ground") == "obviously_less_qualified"
            else _("at du ikke opfylder stillingens formelle uddannelseskrav")
        )
        add(
            "eligibility_negative",
            applicant,
            _("Du indkaldes ikke til samtale om %(vacancy)s", vacancy=vacancy),
            _(
                "Arbejdsgiveren har vurderet, %(ground)s, og indkalder dig derfor ikke til samtale "
                "om %(title)s. Det er en afgørelse: du skal have et skriftligt, begrundet afslag "
                "med klagevejledning.",
                ground=ground,
                title=title,
            )
            + " "
            + right_to_opinion()
            + " "
            + _("Du kan bede om udtalelsen, også før afslaget kommer. Jobcenteret kan hjælpe dig."),
        )
    elif event_type == "interview_missed":
        when = (
            long_time(case.interview_starts_at)
            if case.interview_starts_at
            else _("den aftalte tid")
        )
        add(
            "interview_missed",
            applicant,
            _("Arbejdsgiveren har registreret, at du ikke kom til samtalen %(when)s", when=when),
            _(
                "Arbejdsgiveren har registreret, at du ikke mødte op til ansættelsessamtalen om "
                "%(title)s %(when)s. Samtalen regnes som tilbudt, og arbejdsgiveren træffer nu sin "
                "beslutning. Er det forkert, så kontakt arbejdsgiveren og jobcenteret hurtigst "
                "muligt.",
                title=title,
                when=when,
            ),
        )
    elif event_type == "interview_scheduled" and case.interview_starts_at is not None:
        # Issue 10, point 7: the applicant is told of the invitation, and of every move, at once.
        when = long_time(case.interview_starts_at)
        where = case.interview_location or _("se sagen")
        moved = bool(record.get("rescheduled"))
        add(
            "interview_moved" if moved else "interview_invitation",
            applicant,
            _("Din ansættelsessamtale er flyttet til %(when)s", when=when)
            if moved
            else _("Du er indkaldt til ansættelsessamtale %(when)s", when=when),
            (
                _(
                    "Arbejdsgiveren har flyttet din ansættelsessamtale om %(title)s. Den nye tid er "
                    "%(when)s.",
                    title=title,
                    when=when,
                )
                if moved
                else _(
                    "Arbejdsgiveren har indkaldt dig til ansættelsessamtale om %(title)s %(when)s.",
                    title=title,
                    when=when,
                )
            )
            + " "
            + _("Sted: %(where)s.", where=where)
            + "\n\n"
            + _("Læg samtalen i din kalender: %(link)s", link=f"{link}/samtale.ics")
            + "\n\n"
            + _(
                "Kan du ikke komme, så kontakt arbejdsgiveren hurtigst muligt. Jobcenteret kan "
                "hjælpe dig."
            ),
        )
    elif event_type == "negotiation_not_held":
        add(
            "negotiation_escalated",
            case.caseworker_ids,
            _("Forhandling ikke holdt: %(vacancy)s", vacancy=vacancy),
            _(
                "Jobcenteret har ikke forhandlet med arbejdsgiveren om %(title)s inden for "
                "%(days)s hverdage efter redegørelsen (%(statement_on)s). Arbejdsgiveren har "
                "dokumenteret sine forsøg og kan nu give afslag. Sagen er eskaleret: gennemgå den, "
                "og tag kontakt til arbejdsgiveren og ansøgeren.",
                title=title,
                days=record.get("wait_days"),
                statement_on=long_date_iso(record.get("statement_on")),
            ),
        )
    elif event_type == "receipt_recorded" and case.opinion_due is not None:
        due = long_date(case.opinion_due)
        add(
            "deadline_changed",
            applicant,
            _("Ny frist: bed Ankestyrelsen om en udtalelse senest %(due)s", due=due),
            _(
                "Det er registreret, at du modtog afslaget på %(title)s den %(received)s. Fristen "
                "for at bede Ankestyrelsen om en udtalelse er derfor nu %(due)s ved dagens "
                "slutning.",
                title=title,
                received=long_date_iso(record.get("received_on")),
                due=due,
            ),
        )
    elif event_type == "transferred":
        add(
            "case_transferred",
            case.caseworker_ids,
            _("Sag overført til jobcenteret: %(vacancy)s", vacancy=vacancy),
            _(
                "Ansøgeren er flyttet, og sagen om %(title)s behandles nu af jobcenteret her "
                "(bek. § 7 er anvendt for den nye bopælskommune). Sagens status: %(state)s.",
                title=title,
                state=_(pa.STATE_LABELS_DA.get(case.state, case.state)),
            ),
        )
    elif event_type == "opinion_received":
        kept = record.get("duties_kept")
        finding = (
            _("at arbejdsgiveren har overholdt reglerne")
            if kept
            else _(
                "at arbejdsgiveren ikke har overholdt reglerne. Arbejdsgiverens øverste ledelse "
                "får en kopi af udtalelsen (§ 17 a, stk. 4)"
            )
        )
        add(
            "opinion_received",
            applicant,
            _("Ankestyrelsens udtalelse om %(vacancy)s", vacancy=vacancy),
            _(
                "Ankestyrelsen har udtalt sig om din sag om %(title)s og fundet, %(finding)s.",
                title=title,
                finding=finding,
            ),
        )
    return found


def vacancy_withdrawn_notice(case: CaseSnapshot, seq: int, reason: str, base_url: str) -> Due:
    """To the applicant when the employer withdraws the vacancy: a refusal is owed if the employer
    had been contacted, else the case simply ends."""
    link = f"{base_url.rstrip('/')}/applications/{case.application_id}"
    title = case_title(case.vacancy_title, case.organisation_name)
    withdrawn = _(
        "Arbejdsgiveren har trukket %(title)s tilbage (%(reason)s).", title=title, reason=reason
    )
    if case.state == pa.State.REFUSAL_PENDING:
        body = (
            withdrawn
            + " "
            + _("Du skal have et skriftligt, begrundet afslag med klagevejledning.")
            + " "
            + right_to_opinion()
        )
    else:
        body = withdrawn + " " + _("Din sag er afsluttet.")
    return Due(
        f"event:{case.application_id}:{seq}",
        case.application_id,
        "vacancy_withdrawn",
        case.applicant_id,
        _("Stillingen er trukket tilbage: %(vacancy)s", vacancy=case.vacancy_title),
        body + see_case(link),
        link,
    )


def breach_notices(
    breach_id: str,
    organisation_name: str,
    found_on: date,
    source: str,
    summary: str,
    employer_ids: tuple[str, ...],
    top_official_email: str | None,
    base_url: str,
) -> list[Due]:
    """§ 17 a stk. 4: when the duties were found not kept, the employer's contact and its top
    official (øverste ledelse) are told. The top official is an outside address, by e-mail."""
    link = f"{base_url.rstrip('/')}/breaches"
    who = (
        _("Ankestyrelsens Beskæftigelsesudvalg") if source == "ankestyrelsen" else _("Jobcenteret")
    )
    subject = _(
        "Overtrædelse af reglerne om fortrinsadgang registreret: %(organisation)s",
        organisation=organisation_name,
    )
    body = (
        _(
            "%(who)s har %(found_on)s fundet, at %(organisation)s ikke har overholdt pligterne om "
            "ansættelsessamtale og forhandling med jobcenteret over for en ansøger med "
            "fortrinsadgang (lov om kompensation til handicappede i erhverv § 3 og § 17 a, stk. 4).",
            who=who,
            found_on=long_date(found_on),
            organisation=organisation_name,
        )
        + "\n\n"
        + _("Resumé: %(summary)s", summary=summary)
        + "\n\n"
        + _("Overtrædelsen er registreret i Fortrin: %(link)s", link=link)
    )
    key = f"breach:{breach_id}"
    found = [Due(key, None, "breach_recorded", r, subject, body, link) for r in employer_ids]
    if top_official_email:
        found.append(
            Due(key, None, "breach_top_official", None, subject, body, link, top_official_email)
        )
    return found


def licence_vacant_notices(
    vacancy_id: str,
    title: str,
    organisation_name: str,
    application_deadline: date,
    caseworker_ids: tuple[str, ...],
    base_url: str,
) -> list[Due]:
    """004 § 3.7: the authority tells the jobcentre of its area when a licence is vacant, so the
    jobcentre can recommend applicants with a disability."""
    link = f"{base_url.rstrip('/')}/vacancies/{vacancy_id}"
    subject = _("Ledig bevilling: %(title)s", title=title)
    body = (
        _(
            "%(organisation)s har slået «%(title)s» op med ansøgningsfrist %(deadline)s. "
            "Jobcenteret kan anbefale ansøgere med handicap, som så skal indkaldes til samtale "
            "(bekendtgørelsens § 2 stk. 2; vejledningen § 3.7).",
            organisation=organisation_name,
            title=title,
            deadline=long_date(application_deadline),
        )
        + "\n\n"
        + _("Se opslaget: %(link)s", link=link)
    )
    return [
        Due(f"vacancy:{vacancy_id}", None, "licence_vacant", r, subject, body, link)
        for r in caseworker_ids
    ]


def long_date_iso(value: object) -> str:
    return long_date(date.fromisoformat(value)) if isinstance(value, str) else ""
