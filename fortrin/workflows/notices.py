"""Who is told at once when an event changes someone's rights. Pure, like the reminder rules.

The applicant hears, in the app and by e-mail, of every step that changes their rights (issue 8,
domain.md section 12): a negative assessment or eligibility check, a missed interview recorded, a
withdrawn vacancy, a new deadline, Ankestyrelsen's opinion; and (issue 10) each invitation to an
interview, and each move of it, with the time, the place and a link to add it to a calendar. A
jobcentre that did not negotiate is escalated. Texts are Danish, name the exact date and link to the
case; they never carry health data.

Each notice is keyed by the timeline entry that caused it (``event:<application>:<seq>``), so it is
created once per event, and a second event of the same kind (a second receipt date) is told again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fortrin.workflows import preferential_access as pa
from fortrin.workflows.reminders import CaseSnapshot, Due, long_date, long_time

RIGHT_TO_OPINION = (
    "Du har ret til at bede Ankestyrelsens Beskæftigelsesudvalg om en udtalelse om, hvorvidt "
    "arbejdsgiveren har overholdt reglerne om samtale og forhandling (lov om kompensation til "
    "handicappede i erhverv § 17 a, stk. 3)."
)


def event_notices(
    case: CaseSnapshot, event_type: str, seq: int, record: dict[str, Any], base_url: str
) -> list[Due]:
    """The notices an accepted event sends, given the case as it is after the event."""
    link = f"{base_url.rstrip('/')}/applications/{case.application_id}"
    title = f"«{case.vacancy_title}» hos {case.organisation_name}"
    key = f"event:{case.application_id}:{seq}"
    found: list[Due] = []

    def add(kind: str, recipients: tuple[str, ...], subject: str, body: str) -> None:
        text = f"{body}\n\nSe sagen: {link}"
        found.extend(
            Due(key, case.application_id, kind, r, subject, text, link) for r in recipients
        )

    applicant = (case.applicant_id,)
    if event_type == "assessment" and case.state == pa.State.NOT_SUITABLE:
        add(
            "assessment_negative",
            applicant,
            f"Jobcenterets vurdering af din ansøgning til {case.vacancy_title}",
            f"Jobcenteret har vurderet, at betingelserne for fortrinsadgang via jobcenteret ikke er "
            f"opfyldt for {title} (bek. § 6 stk. 1). Begrundelsen står i sagen. Du kan stadig selv "
            "søge stillingen direkte og oplyse, at du bruger din fortrinsadgang.",
        )
    elif event_type == "eligibility_check" and case.state == pa.State.REFUSAL_PENDING:
        ground = (
            "at du er åbenbart ringere kvalificeret end de øvrige ansøgere"
            if record.get("ground") == "obviously_less_qualified"
            else "at du ikke opfylder stillingens formelle uddannelseskrav"
        )
        add(
            "eligibility_negative",
            applicant,
            f"Du indkaldes ikke til samtale om {case.vacancy_title}",
            f"Arbejdsgiveren har vurderet, {ground}, og indkalder dig derfor ikke til samtale om "
            f"{title}. Det er en afgørelse: du skal have et skriftligt, begrundet afslag med "
            f"klagevejledning. {RIGHT_TO_OPINION} Du kan bede om udtalelsen, også før afslaget "
            "kommer. Jobcenteret kan hjælpe dig.",
        )
    elif event_type == "interview_missed":
        when = (
            long_time(case.interview_starts_at) if case.interview_starts_at else "den aftalte tid"
        )
        add(
            "interview_missed",
            applicant,
            f"Arbejdsgiveren har registreret, at du ikke kom til samtalen {when}",
            f"Arbejdsgiveren har registreret, at du ikke mødte op til ansættelsessamtalen om {title} "
            f"{when}. Samtalen regnes som tilbudt, og arbejdsgiveren træffer nu sin beslutning. Er "
            "det forkert, så kontakt arbejdsgiveren og jobcenteret hurtigst muligt.",
        )
    elif event_type == "interview_scheduled" and case.interview_starts_at is not None:
        # Issue 10, point 7: the applicant is told of the invitation, and of every move, at once.
        when = long_time(case.interview_starts_at)
        where = case.interview_location or "se sagen"
        moved = bool(record.get("rescheduled"))
        add(
            "interview_moved" if moved else "interview_invitation",
            applicant,
            f"Din ansættelsessamtale er flyttet til {when}"
            if moved
            else f"Du er indkaldt til ansættelsessamtale {when}",
            (
                f"Arbejdsgiveren har flyttet din ansættelsessamtale om {title}. Den nye tid er "
                f"{when}."
                if moved
                else f"Arbejdsgiveren har indkaldt dig til ansættelsessamtale om {title} {when}."
            )
            + f" Sted: {where}.\n\nLæg samtalen i din kalender: {link}/samtale.ics\n\n"
            "Kan du ikke komme, så kontakt arbejdsgiveren hurtigst muligt. Jobcenteret kan "
            "hjælpe dig.",
        )
    elif event_type == "negotiation_not_held":
        add(
            "negotiation_escalated",
            case.caseworker_ids,
            f"Forhandling ikke holdt: {case.vacancy_title}",
            f"Jobcenteret har ikke forhandlet med arbejdsgiveren om {title} inden for "
            f"{record.get('wait_days')} hverdage efter redegørelsen ({record.get('statement_on')}). "
            "Arbejdsgiveren har dokumenteret sine forsøg og kan nu give afslag. Sagen er eskaleret: "
            "gennemgå den, og tag kontakt til arbejdsgiveren og ansøgeren.",
        )
    elif event_type == "receipt_recorded" and case.opinion_due is not None:
        due = long_date(case.opinion_due)
        add(
            "deadline_changed",
            applicant,
            f"Ny frist: bed Ankestyrelsen om en udtalelse senest {due}",
            f"Det er registreret, at du modtog afslaget på {title} den "
            f"{long_date_iso(record.get('received_on'))}. Fristen for at bede Ankestyrelsen om en "
            f"udtalelse er derfor nu {due} ved dagens slutning.",
        )
    elif event_type == "transferred":
        add(
            "case_transferred",
            case.caseworker_ids,
            f"Sag overført til jobcenteret: {case.vacancy_title}",
            f"Ansøgeren er flyttet, og sagen om {title} behandles nu af jobcenteret her (bek. § 7 "
            f"er anvendt for den nye bopælskommune). Sagens status: {case.state}.",
        )
    elif event_type == "opinion_received":
        kept = record.get("duties_kept")
        finding = (
            "at arbejdsgiveren har overholdt reglerne"
            if kept
            else "at arbejdsgiveren ikke har overholdt reglerne. Arbejdsgiverens øverste ledelse "
            "får en kopi af udtalelsen (§ 17 a, stk. 4)"
        )
        add(
            "opinion_received",
            applicant,
            f"Ankestyrelsens udtalelse om {case.vacancy_title}",
            f"Ankestyrelsen har udtalt sig om din sag om {title} og fundet, {finding}.",
        )
    return found


def vacancy_withdrawn_notice(case: CaseSnapshot, seq: int, reason: str, base_url: str) -> Due:
    """To the applicant when the employer withdraws the vacancy: a refusal is owed if the employer
    had been contacted, else the case simply ends."""
    link = f"{base_url.rstrip('/')}/applications/{case.application_id}"
    title = f"«{case.vacancy_title}» hos {case.organisation_name}"
    if case.state == pa.State.REFUSAL_PENDING:
        body = (
            f"Arbejdsgiveren har trukket {title} tilbage ({reason}). Du skal have et skriftligt, "
            f"begrundet afslag med klagevejledning. {RIGHT_TO_OPINION}"
        )
    else:
        body = f"Arbejdsgiveren har trukket {title} tilbage ({reason}). Din sag er afsluttet."
    return Due(
        f"event:{case.application_id}:{seq}",
        case.application_id,
        "vacancy_withdrawn",
        case.applicant_id,
        f"Stillingen er trukket tilbage: {case.vacancy_title}",
        f"{body}\n\nSe sagen: {link}",
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
    who = "Ankestyrelsens Beskæftigelsesudvalg" if source == "ankestyrelsen" else "Jobcenteret"
    subject = f"Overtrædelse af reglerne om fortrinsadgang registreret: {organisation_name}"
    body = (
        f"{who} har {long_date(found_on)} fundet, at {organisation_name} ikke har overholdt "
        "pligterne om ansættelsessamtale og forhandling med jobcenteret over for en ansøger med "
        f"fortrinsadgang (lov om kompensation til handicappede i erhverv § 3 og § 17 a, stk. 4).\n\n"
        f"Resumé: {summary}\n\nOvertrædelsen er registreret i Fortrin: {link}"
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
    subject = f"Ledig bevilling: {title}"
    body = (
        f"{organisation_name} har slået «{title}» op med ansøgningsfrist "
        f"{long_date(application_deadline)}. Jobcenteret kan anbefale ansøgere med handicap, som "
        f"så skal indkaldes til samtale (bekendtgørelsens § 2 stk. 2; vejledningen § 3.7).\n\n"
        f"Se opslaget: {link}"
    )
    return [
        Due(f"vacancy:{vacancy_id}", None, "licence_vacant", r, subject, body, link)
        for r in caseworker_ids
    ]


def long_date_iso(value: object) -> str:
    return long_date(date.fromisoformat(value)) if isinstance(value, str) else ""
