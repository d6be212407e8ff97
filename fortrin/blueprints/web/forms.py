"""The case page's action forms, one per event type of the transition table, and the parsing of a
posted form into the same JSON body the API takes (so the workflow decides exactly as for the API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from fortrin import clock


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # bool, text, textarea, date, datetime, select, schemes
    help: str = ""
    options: tuple[tuple[str, str], ...] = ()
    optional: bool = False


@dataclass(frozen=True)
class EventForm:
    title: str
    submit: str
    intro: str = ""
    fields: tuple[FormField, ...] = field(default_factory=tuple)


REASONING_HELP = "Skriv en konkret begrundelse (mindst 20 tegn). Den indgår i sagens dokumentation."

EVENT_FORMS: dict[str, EventForm] = {
    "assessment": EventForm(
        "Jobcenterets vurdering",
        "Gem vurderingen",
        "Kan ansøgeren bestride stillingen? Ved ja kontakter jobcenteret arbejdsgiveren (bek. § 6 stk. 1).",
        (
            FormField("can_perform", "Kan ansøgeren bestride stillingen?", "bool"),
            FormField("reasoning", "Begrundelse", "textarea", REASONING_HELP, optional=True),
        ),
    ),
    "eligibility_check": EventForm(
        "Formelle krav",
        "Gem",
        "Ved stillinger er det kun formelle uddannelseskrav, der kan udelukke samtalen; ved "
        "bevillinger kun, at ansøgeren er åbenbart ringere kvalificeret.",
        (
            FormField("eligible", "Skal ansøgeren indkaldes til samtale?", "bool"),
            FormField("reasoning", "Begrundelse", "textarea", REASONING_HELP, optional=True),
        ),
    ),
    "interview_scheduled": EventForm(
        "Indkald til samtale",
        "Gem samtalen",
        "",
        (
            FormField("starts_at", "Tidspunkt", "datetime", "Dato og klokkeslæt (dansk tid)."),
            FormField("location", "Sted", "text", "Adresse og lokale, eller online."),
        ),
    ),
    "interview_held": EventForm(
        "Samtalen er holdt",
        "Registrér samtalen",
        "",
        (FormField("notes", "Noter", "textarea", optional=True),),
    ),
    "interview_declined": EventForm(
        "Ansøgeren takker nej til samtalen",
        "Registrér afbud",
        "Sagen afsluttes.",
        (FormField("reason", "Årsag", "text"),),
    ),
    "decision": EventForm(
        "Beslutning efter samtalen",
        "Gem beslutningen",
        "Ansættes ansøgeren ikke, skal I give jobcenteret en skriftlig redegørelse og forhandle, før "
        "stillingen besættes (bek. § 6 stk. 3).",
        (
            FormField(
                "outcome",
                "Beslutning",
                "select",
                options=(
                    ("hired", "Ansøgeren ansættes"),
                    ("not_hired", "Ansøgeren ansættes ikke"),
                    ("internal_candidate_hired", "En intern ansøger ansættes"),
                ),
            ),
            FormField("reasoning", "Begrundelse", "textarea", REASONING_HELP, optional=True),
        ),
    ),
    "statement_submitted": EventForm(
        "Skriftlig redegørelse til jobcenteret",
        "Send redegørelsen",
        "Hvorfor ønskes ansøgeren ikke ansat (bek. § 6 stk. 3 nr. 1)?",
        (FormField("text", "Redegørelse", "textarea", REASONING_HELP),),
    ),
    "negotiation_held": EventForm(
        "Referat af forhandlingen",
        "Gem referatet",
        "Referatet skal vise tre ting: at ansøgerens kompetencer er taget i betragtning, at "
        "arbejdsgiveren kender de kompenserende ordninger, og at ansøgeren ikke er fravalgt på grund "
        "af handicap.",
        (
            FormField("held_on", "Dato for forhandlingen", "date"),
            FormField(
                "competences_considered",
                "1. Er ansøgerens kompetencer taget i betragtning?",
                "bool",
            ),
            FormField(
                "schemes_presented",
                "2. Ordninger præsenteret for arbejdsgiveren",
                "schemes",
                "Ordningerne fra ansøgerens kompensationskort er valgt på forhånd.",
            ),
            FormField(
                "disability_not_decisive",
                "3. Er ansøgeren fravalgt uafhængigt af handicap?",
                "bool",
            ),
            FormField("minutes", "Referat", "textarea", REASONING_HELP),
            FormField(
                "outcome",
                "Resultat",
                "select",
                options=(
                    ("no_hire", "Arbejdsgiveren fastholder afslaget"),
                    ("hire", "Ansøgeren ansættes"),
                ),
            ),
        ),
    ),
    "refusal_notified": EventForm(
        "Skriftligt afslag med klagevejledning",
        "Registrér afslaget",
        "Afslaget er en afgørelse: det skal være skriftligt, begrundet og have klagevejledning.",
        (
            FormField("reasoning", "Begrundelse i afslaget", "textarea", REASONING_HELP),
            FormField("sent_on", "Sendt den", "date"),
            FormField(
                "channel",
                "Sendt som",
                "select",
                options=(
                    ("digital_post", "Digital Post"),
                    ("letter", "Almindeligt brev"),
                    ("quickpost", "Quickpost"),
                ),
            ),
            FormField("received_on", "Modtaget den (hvis kendt)", "date", optional=True),
        ),
    ),
    "opinion_requested": EventForm(
        "Anmodning til Ankestyrelsen",
        "Registrér anmodningen",
        "",
        (FormField("requested_on", "Anmodningen blev sendt den", "date"),),
    ),
    "opinion_received": EventForm(
        "Ankestyrelsens udtalelse",
        "Registrér udtalelsen",
        "",
        (
            FormField("received_on", "Modtaget den", "date"),
            FormField("duties_kept", "Fandt Ankestyrelsen, at pligterne var overholdt?", "bool"),
            FormField("summary", "Resumé", "textarea"),
        ),
    ),
    "withdrawn": EventForm(
        "Træk ansøgningen tilbage",
        "Træk tilbage",
        "Sagen afsluttes.",
        (FormField("reason", "Årsag", "text", optional=True),),
    ),
}


def field_id(event_type: str, name: str) -> str:
    return f"{event_type}-{name}".replace("_", "-")


def body_from_form(event_type: str, form: MultiDict[str, str]) -> dict[str, Any]:
    """The posted form as the API's JSON body; what cannot be read is passed on for the workflow to
    refuse with the field named."""
    spec = EVENT_FORMS[event_type]
    body: dict[str, Any] = {"type": event_type}
    for item in spec.fields:
        if item.kind == "schemes":
            body[item.name] = form.getlist(item.name)
            continue
        raw = (form.get(item.name) or "").strip()
        if raw == "":
            if not item.optional:
                body[item.name] = None
            continue
        if item.kind == "bool":
            body[item.name] = {"true": True, "false": False}.get(raw, raw)
        elif item.kind == "datetime":
            try:
                local = datetime.fromisoformat(raw).replace(tzinfo=clock.COPENHAGEN)
                body[item.name] = local.isoformat()
            except ValueError:
                body[item.name] = raw
        else:
            body[item.name] = raw
    return body
