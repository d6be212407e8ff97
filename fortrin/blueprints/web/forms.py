"""The case page's action forms, one per event type of the transition table, and the parsing of a
posted form into the same JSON body the API takes (so the workflow decides exactly as for the API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from fortrin import clock
from fortrin.i18n import N_


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


REASONING_HELP = N_(
    "Skriv en konkret begrundelse (mindst 20 tegn). Den indgår i sagens dokumentation."
)

EVENT_FORMS: dict[str, EventForm] = {
    "assessment": EventForm(
        N_("Jobcenterets vurdering"),
        N_("Gem vurderingen"),
        N_(
            "Kan ansøgeren bestride stillingen? Ved ja kontakter jobcenteret arbejdsgiveren (bek. § 6 stk. "
            "1)."
        ),
        (
            FormField("can_perform", N_("Kan ansøgeren bestride stillingen?"), "bool"),
            FormField("reasoning", N_("Begrundelse"), "textarea", REASONING_HELP, optional=True),
        ),
    ),
    "eligibility_check": EventForm(
        N_("Formelle krav"),
        N_("Gem"),
        N_(
            "Ved stillinger er det kun formelle uddannelseskrav, der kan udelukke samtalen; ved "
            "bevillinger kun, at ansøgeren er åbenbart ringere kvalificeret."
        ),
        (
            FormField("eligible", N_("Skal ansøgeren indkaldes til samtale?"), "bool"),
            FormField("reasoning", N_("Begrundelse"), "textarea", REASONING_HELP, optional=True),
        ),
    ),
    "interview_scheduled": EventForm(
        N_("Indkald til samtale"),
        N_("Gem samtalen"),
        N_(""),
        (
            FormField(
                "starts_at", N_("Tidspunkt"), "datetime", N_("Dato og klokkeslæt (dansk tid).")
            ),
            FormField("location", N_("Sted"), "text", N_("Adresse og lokale, eller online.")),
        ),
    ),
    "interview_held": EventForm(
        N_("Samtalen er holdt"),
        N_("Registrér samtalen"),
        N_(""),
        (FormField("notes", N_("Noter"), "textarea", optional=True),),
    ),
    "interview_declined": EventForm(
        N_("Ansøgeren takker nej til samtalen"),
        N_("Registrér afbud"),
        N_("Sagen afsluttes."),
        (FormField("reason", N_("Årsag"), "text"),),
    ),
    "decision": EventForm(
        N_("Beslutning efter samtalen"),
        N_("Gem beslutningen"),
        N_(
            "Ansættes ansøgeren ikke, skal I give jobcenteret en skriftlig redegørelse og forhandle, før "
            "stillingen besættes (bek. § 6 stk. 3)."
        ),
        (
            FormField(
                "outcome",
                N_("Beslutning"),
                "select",
                options=(
                    ("hired", N_("Ansøgeren ansættes")),
                    ("not_hired", N_("Ansøgeren ansættes ikke")),
                    ("internal_candidate_hired", N_("En intern ansøger ansættes")),
                ),
            ),
            FormField("reasoning", N_("Begrundelse"), "textarea", REASONING_HELP, optional=True),
        ),
    ),
    "statement_submitted": EventForm(
        N_("Skriftlig redegørelse til jobcenteret"),
        N_("Send redegørelsen"),
        N_("Hvorfor ønskes ansøgeren ikke ansat (bek. § 6 stk. 3 nr. 1)?"),
        (FormField("text", N_("Redegørelse"), "textarea", REASONING_HELP),),
    ),
    "negotiation_held": EventForm(
        N_("Referat af forhandlingen"),
        N_("Gem referatet"),
        N_(
            "Referatet skal vise tre ting: at ansøgerens kompetencer er taget i betragtning, at "
            "arbejdsgiveren kender de kompenserende ordninger, og at ansøgeren ikke er fravalgt på grund "
            "af handicap."
        ),
        (
            FormField("held_on", N_("Dato for forhandlingen"), "date"),
            FormField(
                "competences_considered",
                N_("1. Er ansøgerens kompetencer taget i betragtning?"),
                "bool",
            ),
            FormField(
                "schemes_presented",
                N_("2. Ordninger præsenteret for arbejdsgiveren"),
                "schemes",
                N_("Ordningerne fra ansøgerens kompensationskort er valgt på forhånd."),
            ),
            FormField(
                "disability_not_decisive",
                N_("3. Er ansøgeren fravalgt uafhængigt af handicap?"),
                "bool",
            ),
            FormField("minutes", N_("Referat"), "textarea", REASONING_HELP),
            FormField(
                "outcome",
                N_("Resultat"),
                "select",
                options=(
                    ("no_hire", N_("Arbejdsgiveren fastholder afslaget")),
                    ("hire", N_("Ansøgeren ansættes")),
                ),
            ),
        ),
    ),
    "refusal_notified": EventForm(
        N_("Skriftligt afslag med klagevejledning"),
        N_("Registrér afslaget"),
        N_(
            "Afslaget er en afgørelse: det skal være skriftligt, begrundet og have klagevejledning."
        ),
        (
            FormField("reasoning", N_("Begrundelse i afslaget"), "textarea", REASONING_HELP),
            FormField("sent_on", N_("Sendt den"), "date"),
            FormField(
                "channel",
                N_("Sendt som"),
                "select",
                options=(
                    ("digital_post", N_("Digital Post")),
                    ("letter", N_("Almindeligt brev")),
                    ("quickpost", N_("Quickpost")),
                ),
            ),
            FormField("received_on", N_("Modtaget den (hvis kendt)"), "date", optional=True),
        ),
    ),
    "opinion_requested": EventForm(
        N_("Anmodning til Ankestyrelsen"),
        N_("Registrér anmodningen"),
        N_(""),
        (FormField("requested_on", N_("Anmodningen blev sendt den"), "date"),),
    ),
    "opinion_received": EventForm(
        N_("Ankestyrelsens udtalelse"),
        N_("Registrér udtalelsen"),
        N_(""),
        (
            FormField("received_on", N_("Modtaget den"), "date"),
            FormField(
                "duties_kept", N_("Fandt Ankestyrelsen, at pligterne var overholdt?"), "bool"
            ),
            FormField("summary", N_("Resumé"), "textarea"),
        ),
    ),
    "withdrawn": EventForm(
        N_("Træk ansøgningen tilbage"),
        N_("Træk tilbage"),
        N_("Sagen afsluttes."),
        (FormField("reason", N_("Årsag"), "text", optional=True),),
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
