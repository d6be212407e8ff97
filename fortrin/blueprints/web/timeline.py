"""The case page's timeline, each entry with what was written on it (issue 10, point 3).

The page shows the entries exactly as the API gives them to the reader (``presenters.application_out``
filters them by role: an employer never receives the jobcentre's assessment reasoning or minutes), so
this module only names the fields in Danish and reads their values; it never filters, and never reads
the stored events itself. Every field the workflow records has a label here (a test checks it); a key
without one is left out rather than shown as an English key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fortrin.i18n import N_
from fortrin.presenters import ApplicationOut, TimelineEntryOut
from fortrin.workflows import preferential_access as pa

ERASED_KEY = "erased"  # retention.ERASED_KEY: the fields retention erased from the entry

# What each event is, as the entry's heading.
EVENT_TITLES: dict[str, str] = {
    "submitted": N_("Ansøgningen er sendt"),
    "assessment": N_("Jobcenterets vurdering"),
    "eligibility_check": N_("Formelle krav"),
    "interview_scheduled": N_("Indkaldt til samtale"),
    "interview_held": N_("Samtalen er holdt"),
    "interview_missed": N_("Ansøgeren mødte ikke op"),
    "interview_declined": N_("Ansøgeren takkede nej til samtalen"),
    "decision": N_("Beslutning efter samtalen"),
    "statement_submitted": N_("Skriftlig redegørelse til jobcenteret"),
    "negotiation_held": N_("Referat af forhandlingen"),
    "negotiation_not_held": N_("Jobcenteret har ikke forhandlet"),
    "refusal_notified": N_("Skriftligt afslag med klagevejledning"),
    "receipt_recorded": N_("Afslaget kom senere frem"),
    "opinion_requested": N_("Anmodning til Ankestyrelsen"),
    "opinion_received": N_("Ankestyrelsens udtalelse"),
    "withdrawn": N_("Ansøgningen er trukket tilbage"),
    "transferred": N_("Ansøgeren er flyttet"),
    "vacancy_withdrawn": N_("Stillingen blev trukket tilbage"),
    "vacancy_filled": N_("Stillingen blev besat"),
    "opinion_window_expired": N_("Fristen for at bede Ankestyrelsen om en udtalelse udløb"),
}
OTHER_EVENT = N_("Sagen blev opdateret")

ROUTES = {"via_jobcentre": N_("Via jobcenteret"), "direct": N_("Direkte til arbejdsgiveren")}
GROUNDS = {
    # Plain words for the people in the case (issue 10, point 8); the sources: bek. § 6 stk. 2, § 9.
    "formal_education": N_("Formelle uddannelseskrav"),
    "obviously_less_qualified": N_("Åbenbart ringere kvalificeret"),
    "taxi_act_conditions": N_("Taxilovens betingelser er ikke opfyldt"),
    "cannot_perform_taxi_work": N_("Kan ikke udføre arbejdet som taxichauffør"),
}
DECISIONS = {
    "hired": N_("Ansøgeren ansættes"),
    "not_hired": N_("Ansøgeren ansættes ikke"),
    "internal_candidate_hired": N_("En intern ansøger ansættes"),
}
NEGOTIATION_OUTCOMES = {
    "no_hire": N_("Arbejdsgiveren fastholder afslaget"),
    "hire": N_("Ansøgeren ansættes"),
}
CHANNELS = {
    "digital_post": N_("Digital Post"),
    "letter": N_("Almindeligt brev"),
    "quickpost": N_("Quickpost"),
}
FILLED_BY = {
    "preferential_applicant": N_("Ansøgeren med fortrinsadgang"),
    "internal": N_("En intern ansøger"),
    "external": N_("En ekstern ansøger"),
}


@dataclass(frozen=True)
class Spec:
    """How one field of an entry is named and read. ``kind``: text (what someone wrote), date,
    datetime, bool, number, choice (a code named by ``choices``), jobcentre, municipality, schemes.
    ``only_if_set``: a no (or an empty list) is left out, as it says nothing."""

    label: str
    kind: str
    choices: Mapping[str, str] | None = None
    only_if_set: bool = False


FIELDS: dict[str, Spec] = {
    # submitted and transferred (bek. § 7)
    "route": Spec(N_("Ansøgt"), "choice", ROUTES),
    "handling_jobcentre_code": Spec(N_("Behandlende jobcenter"), "jobcentre"),
    "home_jobcentre_code": Spec(N_("Bopælsjobcenter"), "jobcentre"),
    "routed_to_neighbour": Spec(N_("Behandles af nabojobcenteret"), "bool", only_if_set=True),
    "from_handling_jobcentre_code": Spec(N_("Tidligere behandlende jobcenter"), "jobcentre"),
    "home_municipality_code": Spec(N_("Ny bopælskommune"), "municipality"),
    "from_home_municipality_code": Spec(N_("Tidligere bopælskommune"), "municipality"),
    # assessment and eligibility check
    "has_difficulty_getting_work": Spec(
        N_("Har ansøgeren svært ved at få arbejde på almindelige vilkår?"), "bool"
    ),
    "can_perform": Spec(N_("Kan ansøgeren bestride stillingen?"), "bool"),
    "eligible": Spec(N_("Skal ansøgeren indkaldes til samtale?"), "bool"),
    "ground": Spec(N_("Grundlag"), "choice", GROUNDS),
    "reasoning": Spec(N_("Begrundelse"), "text"),
    # interview
    "starts_at": Spec(N_("Tidspunkt"), "datetime"),
    "location": Spec(N_("Sted"), "text"),
    "rescheduled": Spec(N_("Samtalen er flyttet"), "bool", only_if_set=True),
    "notes": Spec(N_("Noter"), "text"),
    "reason": Spec(N_("Årsag"), "text"),
    # decision, statement, negotiation
    "outcome": Spec(N_("Beslutning"), "choice", DECISIONS),
    "text": Spec(N_("Redegørelse"), "text"),
    "held_on": Spec(N_("Dato for forhandlingen"), "date"),
    "competences_considered": Spec(N_("1. Er ansøgerens kompetencer taget i betragtning?"), "bool"),
    "schemes_presented": Spec(N_("2. Ordninger præsenteret for arbejdsgiveren"), "schemes"),
    "disability_not_decisive": Spec(N_("3. Er ansøgeren fravalgt uafhængigt af handicap?"), "bool"),
    "minutes": Spec(N_("Referat"), "text"),
    "schemes_from_card": Spec(
        N_("Ordninger fra ansøgerens kompensationskort"), "bool", only_if_set=True
    ),
    "card_schemes_added": Spec(N_("Tilføjet fra kompensationskortet"), "schemes", only_if_set=True),
    "attempts": Spec(N_("Arbejdsgiverens forsøg på at få forhandlingen holdt"), "text"),
    "statement_on": Spec(N_("Redegørelsen blev givet"), "date"),
    "wait_days": Spec(N_("Hverdage til forhandlingen"), "number"),
    # refusal and Ankestyrelsen
    "sent_on": Spec(N_("Afsendt"), "date"),
    "channel": Spec(N_("Kanal"), "choice", CHANNELS),
    "received_on": Spec(N_("Modtaget den"), "date"),
    "previous_due": Spec(N_("Tidligere frist"), "date"),
    "opinion_due": Spec(N_("Frist for anmodning til Ankestyrelsen"), "date"),
    "complaint_guidance": Spec(N_("Klagevejledning"), "text"),
    "requested_on": Spec(N_("Anmodningen blev sendt den"), "date"),
    "duties_kept": Spec(N_("Fandt Ankestyrelsen, at pligterne var overholdt?"), "bool"),
    "summary": Spec(N_("Resumé"), "text"),
    # the vacancy
    "filled_by": Spec(N_("Besat med"), "choice", FILLED_BY),
}
# The same key named for what it is in this event.
EVENT_FIELDS: dict[tuple[str, str], Spec] = {
    ("negotiation_held", "outcome"): Spec(N_("Resultat"), "choice", NEGOTIATION_OUTCOMES),
    ("refusal_notified", "reasoning"): Spec(N_("Begrundelse i afslaget"), "text"),
    ("opinion_received", "received_on"): Spec(N_("Udtalelsen blev modtaget den"), "date"),
    ("receipt_recorded", "received_on"): Spec(N_("Afslaget blev modtaget den"), "date"),
}
# Recorded for the service, not for people: the card's id (its schemes are shown) and the deadline's
# basis in English (the complaint guidance says it in Danish).
NOT_SHOWN = frozenset({"card_id", "opinion_basis"})
# Within an entry, the fields people look for first; the rest follow in the order recorded.
ORDER = (
    "held_on",
    "starts_at",
    "location",
    "outcome",
    "eligible",
    "has_difficulty_getting_work",
    "can_perform",
    "competences_considered",
    "schemes_presented",
    "disability_not_decisive",
    "schemes_from_card",
    "card_schemes_added",
    "reasoning",
    "text",
    "minutes",
    "summary",
)
ERASED_FIELD = Spec(N_("Andre oplysninger"), "text")

# Where the case ended in a "no" the applicant may want to read the reasons for.
_NO_STATES = frozenset({pa.State.REFUSAL_PENDING, pa.State.NOT_SUITABLE, pa.State.NOT_ELIGIBLE})


@dataclass(frozen=True)
class Shown:
    """One field as the page shows it: ``value`` is already read (a date, a bool, a message id of a
    choice, a list of names, or the text as written)."""

    label: str
    kind: str  # text (as someone wrote it), plain, date, datetime, bool, choice, names, erased
    value: Any = None


@dataclass(frozen=True)
class EntryView:
    entry: TimelineEntryOut
    anchor: str
    title: str
    fields: list[Shown]
    expanded: bool


@dataclass(frozen=True)
class Names:
    """Codes the page shows by their names."""

    jobcentres: Mapping[str, str]
    municipalities: Mapping[str, str]
    schemes: Mapping[str, str]


def spec_for(event_type: str, key: str) -> Spec | None:
    return EVENT_FIELDS.get((event_type, key)) or FIELDS.get(key)


def codes_of(entries: Iterable[TimelineEntryOut], kind: str) -> set[str]:
    """The codes of one kind (jobcentre, municipality, schemes) the entries carry: the names to look
    up."""
    found: set[str] = set()
    for entry in entries:
        for key, value in entry.data.items():
            spec = spec_for(entry.type, key)
            if spec is None or spec.kind != kind:
                continue
            if isinstance(value, str):
                found.add(value)
            elif isinstance(value, list):
                found.update(code for code in value if isinstance(code, str))
    return found


def _read(spec: Spec, value: Any, names: Names) -> Shown | None:
    """The value as the page shows it, or None when there is nothing to show. A value of an
    unexpected form is shown as written rather than failing the page."""
    if value is None or value == "" or (spec.only_if_set and not value):
        return None
    kind = spec.kind
    if kind == "bool" and isinstance(value, bool):
        return Shown(spec.label, "bool", value)
    if kind == "date" and isinstance(value, str):
        try:
            return Shown(spec.label, "date", date.fromisoformat(value))
        except ValueError:
            pass
    if kind == "datetime" and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return Shown(spec.label, "datetime", moment)
    if kind == "choice" and spec.choices is not None and value in spec.choices:
        return Shown(spec.label, "choice", spec.choices[value])
    if kind in ("jobcentre", "municipality") and isinstance(value, str):
        table = names.jobcentres if kind == "jobcentre" else names.municipalities
        return Shown(spec.label, "plain", table.get(value, value))
    if kind == "schemes" and isinstance(value, list):
        return Shown(spec.label, "names", [names.schemes.get(str(c), str(c)) for c in value])
    if kind == "number" and isinstance(value, int) and not isinstance(value, bool):
        return Shown(spec.label, "plain", str(value))
    if kind == "text" and isinstance(value, str):
        return Shown(spec.label, "text", value)
    if isinstance(value, (dict, list)):
        return None  # never shown as a structure
    return Shown(spec.label, "plain", str(value))


def entry_fields(entry: TimelineEntryOut, names: Names) -> list[Shown]:
    """The entry's fields, named in Danish, in reading order; erased ones say so."""
    data = entry.data
    keys = [k for k in ORDER if k in data] + [k for k in data if k not in ORDER]
    shown: list[Shown] = []
    for key in keys:
        if key == ERASED_KEY or key in NOT_SHOWN:
            continue
        spec = spec_for(entry.type, key)
        if spec is None:
            continue
        field = _read(spec, data[key], names)
        if field is not None:
            shown.append(field)
    erased = data.get(ERASED_KEY)
    if isinstance(erased, list):
        labels = []
        for key in erased:
            if not isinstance(key, str) or key in NOT_SHOWN:
                continue
            label = (spec_for(entry.type, key) or ERASED_FIELD).label
            if label not in labels:
                labels.append(label)
        shown.extend(Shown(label, "erased") for label in labels)
    return shown


def focus_seq(case: ApplicationOut, role: str) -> int | None:
    """The entry the reader most needs now, shown open and above the forms: the employer's statement
    for the caseworker who is to negotiate; for the applicant, the latest "no" and its reasons (the
    written refusal, else the step that refused) or Ankestyrelsen's opinion."""
    entries = case.timeline or []
    if "negotiation_held" in case.allowed_events:
        wanted = [e for e in entries if e.type == "statement_submitted"]
    elif role == "applicant":
        wanted = [
            e
            for e in entries
            if e.type in ("refusal_notified", "opinion_received")
            or (e.to_state in _NO_STATES and e.from_state != e.to_state)
        ]
    else:
        wanted = []
    return wanted[-1].seq if wanted else None


def timeline_views(case: ApplicationOut, role: str, names: Names) -> list[EntryView]:
    focus = focus_seq(case, role)
    return [
        EntryView(
            entry=entry,
            anchor=f"timeline-entry-{entry.seq}",
            title=EVENT_TITLES.get(entry.type, OTHER_EVENT),
            fields=entry_fields(entry, names),
            expanded=entry.seq == focus,
        )
        for entry in case.timeline or []
    ]
