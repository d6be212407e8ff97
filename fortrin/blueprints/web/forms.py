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
    kind: str  # bool, text, textarea, date, datetime, select, schemes, number
    help: str = ""
    options: tuple[tuple[str, str], ...] = ()
    optional: bool = False
    # Required only with some answers (a reasoning for a "no"): the help says when, and the label
    # does not say "(frivilligt)" (issue 10, point 6).
    required_when: str = ""


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
            "Begge betingelser i bek. § 6 stk. 1 skal være opfyldt: ansøgeren har svært ved at få "
            "arbejde på almindelige vilkår, og ansøgeren kan bestride stillingen. Er begge opfyldt, "
            "kontakter jobcenteret arbejdsgiveren. Ellers får ansøgeren besked og kan stadig søge "
            "stillingen direkte."
        ),
        (
            FormField(
                "has_difficulty_getting_work",
                N_("Har ansøgeren svært ved at få arbejde på almindelige vilkår?"),
                "bool",
            ),
            FormField("can_perform", N_("Kan ansøgeren bestride stillingen?"), "bool"),
            FormField(
                "reasoning",
                N_("Begrundelse"),
                "textarea",
                N_(
                    "Skal udfyldes, hvis du svarer nej til et af spørgsmålene (mindst 20 tegn). Den "
                    "indgår i sagens dokumentation."
                ),
                optional=True,
                required_when="no",
            ),
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
            FormField(
                "reasoning",
                N_("Begrundelse"),
                "textarea",
                N_(
                    "Skal udfyldes, hvis du svarer nej (mindst 20 tegn). Den indgår i sagens "
                    "dokumentation."
                ),
                optional=True,
                required_when="no",
            ),
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
    "interview_missed": EventForm(
        N_("Ansøgeren mødte ikke op"),
        N_("Registrér udeblivelsen"),
        N_(
            "Kan først registreres fra samtalens aftalte tidspunkt. Samtalen regnes for tilbudt, og "
            "ansøgeren får besked med det samme. Derefter træffer I beslutning som efter en holdt "
            "samtale, med de samme pligter: ansættes ansøgeren ikke, skal I give jobcenteret en "
            "skriftlig redegørelse og forhandle, før stillingen besættes."
        ),
        (
            FormField(
                "notes",
                N_("Noter"),
                "textarea",
                N_("Fx om ansøgeren har meldt afbud eller ikke har svaret."),
                optional=True,
            ),
        ),
    ),
    "interview_declined": EventForm(
        N_("Jeg takker nej til samtalen"),
        N_("Tak nej til samtalen"),
        N_(
            "Sagen afsluttes, og arbejdsgiveren skal ikke holde samtale med dig om stillingen. Kan "
            "du bare ikke komme på det aftalte tidspunkt, så kontakt arbejdsgiveren og aftal et nyt "
            "i stedet."
        ),
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
            FormField(
                "reasoning",
                N_("Begrundelse"),
                "textarea",
                N_(
                    "Skal udfyldes, hvis ansøgeren ikke ansættes (mindst 20 tegn). Den indgår i "
                    "sagens dokumentation."
                ),
                optional=True,
                required_when="not_hired",
            ),
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
                N_("Skal besvares."),
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
                N_("Skal besvares."),
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
    "negotiation_not_held": EventForm(
        N_("Jobcenteret har ikke forhandlet"),
        N_("Registrér at forhandlingen ikke blev holdt"),
        N_(
            "Jobcenteret skal forhandle med jer, før stillingen besættes. Har jobcenteret ikke "
            "forhandlet inden for det fastsatte antal hverdage efter redegørelsen, kan I beskrive, "
            "hvad I har gjort for at få forhandlingen holdt, og gå videre til det skriftlige "
            "afslag. Jobcenteret får besked."
        ),
        (
            FormField(
                "attempts",
                N_("Hvad har I gjort for at få forhandlingen holdt?"),
                "textarea",
                N_(
                    "Hvornår og hvordan I har kontaktet jobcenteret, og hvad der blev svaret "
                    "(mindst 20 tegn). Det indgår i sagens dokumentation."
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
    "receipt_recorded": EventForm(
        N_("Afslaget kom senere frem"),
        N_("Registrér modtagelsesdatoen"),
        N_(
            "Kom afslaget frem senere end den dag, fristen er regnet fra, kan den faktiske "
            "modtagelsesdato registreres. Fristen regnes igen fra den dato, og ansøgeren får besked "
            "om den nye frist."
        ),
        (FormField("received_on", N_("Afslaget blev modtaget den"), "date"),),
    ),
    "opinion_requested": EventForm(
        N_("Anmodning til Ankestyrelsen"),
        N_("Registrér, at anmodningen er sendt"),
        N_(
            "Fortrin sender ikke anmodningen. Registrér her den dag, anmodningen blev sendt til "
            "Ankestyrelsen. Det kan også ske, mens arbejdsgiveren endnu ikke har sendt det "
            "skriftlige afslag."
        ),
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
    "transferred": EventForm(
        N_("Ansøgeren er flyttet"),
        N_("Flyt sagen"),
        N_(
            "Sagen flyttes i samme status til jobcenteret i den nye bopælskommune, eller til dets "
            "nabojobcenter, hvis stillingen er i det jobcenter (bek. § 7). Flytningen står i "
            "sagens forløb."
        ),
        (
            FormField(
                "home_municipality_code",
                N_("Ny bopælskommune"),
                "select",
                N_("Kommunerne kommer fra referencelisten."),
            ),
            FormField("reason", N_("Årsag"), "text", N_("Fx flyttedato ifølge folkeregisteret.")),
        ),
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
            continue  # a required field left empty is refused as missing ("skal udfyldes")
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


# The API's problems speak of JSON ("skal være true eller false", "har for få elementer"); on a
# page each says what to do with the control the person sees (issue 10, point 6).
_SAID_FOR_JSON = frozenset(
    {
        "skal udfyldes",
        "skal være true eller false",
        "har for få elementer",
        "har en ugyldig værdi",
        "skal være tekst",
        "skal være en liste",
        "skal være en dato (ÅÅÅÅ-MM-DD)",
        "skal være et tidspunkt (ISO 8601 med tidszone)",
        "skal have en tidszone (fx +01:00)",
    }
)
_SAID_FOR_PEOPLE = {
    "bool": N_("Vælg ja eller nej"),
    "schemes": N_("Vælg mindst én ordning"),
    "select": N_("Vælg en af mulighederne"),
    "date": N_("Skriv datoen som dag, måned og år"),
    "datetime": N_("Skriv dato og klokkeslæt"),
    "number": N_("Skriv et tal"),
    "text": N_("Udfyld feltet"),
    "textarea": N_("Udfyld feltet"),
}


def in_form_order(event_type: str, problems: dict[str, str]) -> dict[str, str]:
    """The workflow's field problems in the order the fields stand on the page, each said the way
    the page asks (a missing yes/no is "Vælg ja eller nej", not "skal være true eller false")."""
    fields = {f.name: f for f in EVENT_FORMS[event_type].fields}
    order = list(fields)
    said = {
        name: (
            _SAID_FOR_PEOPLE[fields[name].kind]
            if name in fields and problem in _SAID_FOR_JSON
            else problem
        )
        for name, problem in problems.items()
    }
    return dict(
        sorted(said.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99)
    )
