"""Fortrinsadgang: the states, the one transition table, its guards and the duties each state owes.

Everything here is pure: it takes the facts of a case and a moment, and says what an event does. The
API, the web pages and the scheduler all go through ``decide``. Sources: domain.md sections 2-7 and 12,
bek. §§ 2-9 and vejledning (004) section 3; the contract's event table (api-contract.md, v2).

Every "no" keeps the right (domain.md section 12): a negative eligibility check, a licence refused as
obviously less qualified, and a vacancy withdrawn after the employer was contacted all lead to
``refusal_pending``, so the employer owes a reasoned refusal with complaint guidance. Dates tell the
truth: no legal date lies in the future or before the step it follows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from babel.dates import format_date
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from fortrin import deadlines
from fortrin.clock import COPENHAGEN
from fortrin.errors import Conflict, Forbidden, ValidationFailed
from fortrin.i18n import N_
from fortrin.validation import validate


class State(StrEnum):
    AWAITING_ASSESSMENT = "awaiting_assessment"
    AWAITING_ELIGIBILITY_CHECK = "awaiting_eligibility_check"
    INTERVIEW_REQUIRED = "interview_required"
    INTERVIEW_SCHEDULED = "interview_scheduled"
    INTERVIEWED = "interviewed"
    STATEMENT_REQUIRED = "statement_required"
    NEGOTIATION_REQUIRED = "negotiation_required"
    REFUSAL_PENDING = "refusal_pending"
    OPINION_WINDOW = "opinion_window"
    OPINION_REQUESTED = "opinion_requested"
    HIRED = "hired"
    NOT_SUITABLE = "not_suitable"
    NOT_ELIGIBLE = "not_eligible"  # contract v2: no longer reached (a "no" is a refusal); old cases
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


TERMINAL = frozenset(
    {State.HIRED, State.NOT_SUITABLE, State.NOT_ELIGIBLE, State.WITHDRAWN, State.CLOSED}
)

# bek. §6 stk. 2-3: the vacancy may not be filled before the interview, and, when the applicant is not
# hired, before the written statement and the negotiation with the jobcentre.
BLOCKING = frozenset(
    {
        State.AWAITING_ELIGIBILITY_CHECK,
        State.INTERVIEW_REQUIRED,
        State.INTERVIEW_SCHEDULED,
        State.INTERVIEWED,
        State.STATEMENT_REQUIRED,
        State.NEGOTIATION_REQUIRED,
    }
)

LICENCE_KINDS = frozenset({"stall", "kiosk", "taxi", "other_licence"})

STATE_LABELS_DA: dict[str, str] = {
    State.AWAITING_ASSESSMENT: N_("Afventer jobcenterets vurdering"),
    State.AWAITING_ELIGIBILITY_CHECK: N_("Afventer arbejdsgiverens kontrol af uddannelseskrav"),
    State.INTERVIEW_REQUIRED: N_("Ansøgeren skal indkaldes til samtale"),
    State.INTERVIEW_SCHEDULED: N_("Samtale aftalt"),
    State.INTERVIEWED: N_("Samtalen er tilbudt; afventer arbejdsgiverens beslutning"),
    State.STATEMENT_REQUIRED: N_("Arbejdsgiveren skal give jobcenteret en skriftlig redegørelse"),
    State.NEGOTIATION_REQUIRED: N_("Arbejdsgiver og jobcenter skal forhandle"),
    State.REFUSAL_PENDING: N_("Arbejdsgiveren skal sende et begrundet afslag med klagevejledning"),
    State.OPINION_WINDOW: N_("Afslag givet; ansøgeren kan bede Ankestyrelsen om en udtalelse"),
    State.OPINION_REQUESTED: N_("Ankestyrelsen er bedt om en udtalelse"),
    State.HIRED: N_("Ansat"),
    State.NOT_SUITABLE: N_("Jobcenteret vurderede, at stillingen ikke passer"),
    State.NOT_ELIGIBLE: N_("Opfylder ikke de formelle krav"),
    State.WITHDRAWN: N_("Trukket tilbage"),
    State.CLOSED: N_("Afsluttet"),
}


@dataclass(frozen=True)
class Duty:
    duty: str
    owner: str  # employer, jobcentre
    label_da: str


DUTIES: dict[str, tuple[Duty, ...]] = {
    State.AWAITING_ASSESSMENT: (
        Duty(
            "assessment",
            "jobcentre",
            N_("Jobcenteret skal vurdere, om ansøgeren kan bestride stillingen (bek. § 6 stk. 1)"),
        ),
    ),
    State.AWAITING_ELIGIBILITY_CHECK: (
        Duty(
            "eligibility_check",
            "employer",
            N_("Arbejdsgiveren skal tage stilling til de formelle krav (bek. § 6 stk. 2)"),
        ),
    ),
    State.INTERVIEW_REQUIRED: (
        Duty(
            "interview",
            "employer",
            N_("Arbejdsgiveren skal indkalde til personlig samtale (bek. § 6 stk. 2)"),
        ),
    ),
    State.INTERVIEW_SCHEDULED: (
        Duty(
            "interview",
            "employer",
            N_("Arbejdsgiveren skal holde den aftalte samtale (bek. § 6 stk. 2)"),
        ),
    ),
    State.INTERVIEWED: (
        Duty("decision", "employer", N_("Arbejdsgiveren skal træffe beslutning efter samtalen")),
    ),
    State.STATEMENT_REQUIRED: (
        Duty(
            "statement",
            "employer",
            N_(
                "Arbejdsgiveren skal give jobcenteret en skriftlig redegørelse (bek. § 6 stk. 3 nr. 1)"
            ),
        ),
    ),
    State.NEGOTIATION_REQUIRED: (
        Duty(
            "negotiation",
            "jobcentre",
            N_(
                "Jobcenteret skal forhandle med arbejdsgiveren og skrive "
                "referat (bek. § 6 stk. 3 nr. 2)"
            ),
        ),
    ),
    State.REFUSAL_PENDING: (
        Duty(
            "refusal_notice",
            "employer",
            N_(
                "Arbejdsgiveren skal give skriftligt, begrundet afslag "
                "med klagevejledning (004 § 3.5.2)"
            ),
        ),
    ),
    State.OPINION_REQUESTED: (
        Duty(
            "record_opinion",
            "jobcentre",
            N_("Jobcenteret registrerer Ankestyrelsens udtalelse, når den kommer"),
        ),
    ),
}


def initial_state(route: str) -> State:
    """bek. §6: via the jobcentre it assesses first; directly, the employer checks formal requirements."""
    return (
        State.AWAITING_ASSESSMENT if route == "via_jobcentre" else State.AWAITING_ELIGIBILITY_CHECK
    )


def effective_state(state: str, opinion_due: date | None, today: date) -> str:
    """The state a client reads: once the opinion deadline has passed unused, the case is closed,
    whether or not any job has run (kompensationslov §17 a stk. 3)."""
    if state == State.OPINION_WINDOW and opinion_due and deadlines.has_passed(opinion_due, today):
        return State.CLOSED
    return state


def negotiation_duty_applies(kind: str, route: str) -> bool:
    """bek. §6 stk. 3 for jobs; for licences only after the jobcentre recommended the applicant
    (004 §3.7): a licence self-applicant gets the interview but no statement and negotiation."""
    return kind not in LICENCE_KINDS or route == "via_jobcentre"


def check_application_in_time(application_deadline: date, today: date) -> None:
    """The preferential right covers applications made in time (004 § 3.5; domain.md section 12):
    a later one is refused, unless the employer accepts it by moving the deadline later."""
    if today > application_deadline:
        raise Conflict(
            f"Ansøgningsfristen var {application_deadline.isoformat()}. Arbejdsgiveren kan "
            "acceptere ansøgningen ved at forlænge fristen.",
            "application_deadline_passed",
        )


def withdrawn_vacancy_leads_to(employer_contacted: bool) -> State:
    """A vacancy withdrawn after the employer was contacted is a "no" the applicant may have
    reviewed (kompensationslov § 17 a stk. 3; domain.md section 12): a refusal is owed. A case the
    employer never saw (the jobcentre had not yet assessed it) simply closes."""
    return State.REFUSAL_PENDING if employer_contacted else State.CLOSED


@dataclass(frozen=True)
class FillPlan:
    """What the employer has decided about a vacancy's positions, and what is filled already."""

    positions: int
    filled: tuple[tuple[str, str | None], ...]  # (filled_by, application_id) per filled position
    hired: frozenset[str]  # applications hired (by decision or after the negotiation)
    internal_claimed: bool  # a refusal rested on an internal candidate being hired


def fill_contradiction(plan: FillPlan, filled_by: str, application_id: str | None) -> str | None:
    """Why filling one more position this way would contradict the employer's decisions, or None.

    The fill follows the decisions (domain.md section 12): each hired applicant takes a position, and
    the internal-candidate exception (bek. § 2 stk. 3) holds only if an internal candidate fills
    one. So after this fill, what is still owed must fit in the positions left.
    """
    used = {app for by, app in plan.filled if by == "preferential_applicant"}
    if filled_by == "preferential_applicant" and application_id in used:
        return "Ansøgeren besætter allerede en af stillingerne."
    hired_left = plan.hired - used - {application_id}
    internal_left = (
        plan.internal_claimed
        and filled_by != "internal"
        and all(by != "internal" for by, _ in plan.filled)
    )
    left_after = plan.positions - len(plan.filled) - 1
    if len(hired_left) + int(internal_left) <= left_after:
        return None
    owed = []
    if hired_left:
        owed.append(
            "ansøgeren med fortrinsadgang, som er registreret som ansat "
            "(filled_by preferential_applicant med den ansøgning)"
        )
    if internal_left:
        owed.append(
            "en intern ansøger, fordi afslaget byggede på, at en intern ansøger blev ansat "
            "(bek. § 2 stk. 3; filled_by internal)"
        )
    return "Besættelsen modsiger arbejdsgiverens beslutning: stillingen skal besættes med " + (
        " og ".join(owed) + "."
    )


# --- event fields ------------------------------------------------------------------------------

LEGAL_TEXT_MIN = 20


def _real_text(value: str) -> str:
    if sum(1 for char in value if not char.isspace()) < LEGAL_TEXT_MIN:
        raise ValueError(N_("skal indeholde mindst 20 tegn ud over mellemrum"))
    return value


LegalText = Annotated[str, Field(max_length=20000), AfterValidator(_real_text)]
ShortText = Annotated[str, Field(min_length=1, max_length=2000)]
LongText = Annotated[str, Field(max_length=20000)]


class EventFields(BaseModel):
    """The fields of an event. Strict: ``"true"`` is not a bool and ``1`` is not a date."""

    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)


class AssessmentFields(EventFields):
    can_perform: bool
    # bek. § 6 stk. 1 has two conditions: difficulty getting work on ordinary terms, and the job.
    has_difficulty_getting_work: bool
    reasoning: LongText | None = None


class EligibilityCheckFields(EventFields):
    eligible: bool
    reasoning: LongText | None = None


class InterviewScheduledFields(EventFields):
    starts_at: AwareDatetime
    location: Annotated[str, Field(min_length=1, max_length=300)]


class InterviewHeldFields(EventFields):
    notes: LongText | None = None


class InterviewMissedFields(EventFields):
    notes: LongText | None = None


class InterviewDeclinedFields(EventFields):
    reason: ShortText


class DecisionFields(EventFields):
    outcome: Literal["hired", "not_hired", "internal_candidate_hired"]
    reasoning: LongText | None = None
    # bek. §9: a taxi licence may be refused on these grounds (taxiloven §3, or the driver's work).
    ground: Literal["taxi_act_conditions", "cannot_perform_taxi_work"] | None = None


class StatementFields(EventFields):
    text: LegalText


class NegotiationFields(EventFields):
    held_on: date
    minutes: LegalText
    competences_considered: bool
    schemes_presented: Annotated[list[Annotated[str, Field(max_length=60)]], Field(min_length=1)]
    outcome: Literal["hire", "no_hire"]
    # The third point the minutes record (domain.md sections 4, 12): not deselected because of
    # disability. Required, as is the first (competences): the minutes record all three.
    disability_not_decisive: bool
    # Schemes taken from the applicant's compensation card (the service resolves the card).
    schemes_from_card: bool = False
    card_id: str | None = None


class NegotiationNotHeldFields(EventFields):
    attempts: LegalText


class RefusalFields(EventFields):
    reasoning: LegalText
    sent_on: date
    channel: Literal["digital_post", "letter", "quickpost"]
    received_on: date | None = None


class ReceiptRecordedFields(EventFields):
    received_on: date


class OpinionRequestedFields(EventFields):
    requested_on: date


class OpinionReceivedFields(EventFields):
    received_on: date
    duties_kept: bool
    summary: Annotated[str, Field(min_length=1, max_length=20000)]


class WithdrawnFields(EventFields):
    reason: LongText | None = None


class TransferredFields(EventFields):
    home_municipality_code: Annotated[str, Field(pattern=r"^\d{3}$")]
    reason: ShortText


# --- the transition table ------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about one case."""

    state: str
    route: str
    vacancy_kind: str
    formal_education_requirement: str | None
    refusal_sent_on: date | None = None
    opinion_due: date | None = None
    opinion_requested_on: date | None = None
    # The Copenhagen date the case entered its current state: the date of the step the next one
    # follows (the statement for the negotiation, the "no" for the refusal).
    state_since_on: date | None = None
    interview_starts_at: datetime | None = None
    refusal_channel: str | None = None
    refusal_received_on: date | None = None  # an actual receipt date, when one was recorded


@dataclass(frozen=True)
class Moment:
    now: datetime
    today: date
    scheme_codes: frozenset[str] = frozenset()
    # Working days the employer waits for the jobcentre's negotiation before it may proceed
    # (FORTRIN_NEGOTIATION_WAIT_DAYS; a decision of this project, domain.md section 12).
    negotiation_wait_days: int = 10


@dataclass(frozen=True)
class Outcome:
    """What an accepted event does: the new state, the columns it sets, what the timeline records."""

    event_type: str
    from_state: str
    to_state: str
    record: dict[str, Any]
    updates: dict[str, Any] = field(default_factory=dict)


Guard = Callable[[CaseFacts, Any, Moment], Outcome]


@dataclass(frozen=True)
class Transition:
    event: str
    senders: frozenset[str]
    accepted_in: frozenset[str]
    fields: type[EventFields]
    guard: Guard
    source: str
    doc: str


def _missing_reasoning(reasoning: str | None) -> dict[str, str]:
    try:
        _real_text(reasoning or "")
    except ValueError as error:
        return {"reasoning": "skal udfyldes" if not reasoning else str(error)}
    return {}


def _outcome(
    event: str, facts: CaseFacts, to: State, fields: EventFields, **updates: Any
) -> Outcome:
    return Outcome(event, facts.state, to, fields.model_dump(mode="json"), updates)


def _not_before(name: str, value: date, earliest: date | None, step_da: str) -> dict[str, str]:
    """A legal date before the step it follows is refused, naming the earliest allowed date."""
    if earliest is not None and value < earliest:
        return {name: f"kan ikke ligge før {step_da}; tidligst {earliest.isoformat()}"}
    return {}


def _not_future(name: str, value: date, today: date) -> dict[str, str]:
    if value > today:
        return {name: f"må ikke ligge i fremtiden (senest {today.isoformat()})"}
    return {}


def _too_early(event: str, earliest: datetime | date, why: str) -> Conflict:
    shown = (
        earliest.astimezone(COPENHAGEN).isoformat()
        if isinstance(earliest, datetime)
        else earliest.isoformat()
    )
    return Conflict(f"'{event}' kan tidligst registreres {shown}: {why}", "too_early")


def _assessment(facts: CaseFacts, f: AssessmentFields, _m: Moment) -> Outcome:
    suitable = f.can_perform and f.has_difficulty_getting_work
    if not suitable and (problem := _missing_reasoning(f.reasoning)):
        raise ValidationFailed(problem)
    if not suitable:
        # Not the employer's refusal: the applicant is told and may still apply directly (bek. § 6).
        return _outcome("assessment", facts, State.NOT_SUITABLE, f)
    # bek. §6 stk. 1: the jobcentre now contacts the employer, who from then on owes the duties and
    # sees the case. Until then (and after a negative assessment) the employer never sees it.
    return _outcome("assessment", facts, State.INTERVIEW_REQUIRED, f, employer_contacted=True)


def _eligibility_check(facts: CaseFacts, f: EligibilityCheckFields, _m: Moment) -> Outcome:
    licence = facts.vacancy_kind in LICENCE_KINDS
    if not f.eligible:
        # bek. §6 stk. 2 (jobs): only unmet *formal education* requirements lift the interview duty.
        if not licence and not (facts.formal_education_requirement or "").strip():
            raise Conflict(
                "Stillingen har intet formelt uddannelseskrav, så ansøgeren skal indkaldes til "
                "samtale (bek. § 6 stk. 2; 004 § 3.6).",
                "interview_duty_applies",
            )
        if problem := _missing_reasoning(f.reasoning):
            raise ValidationFailed(problem)
    record = f.model_dump(mode="json")
    # For licences the ground is "obviously less qualified" (004 §3.7), for jobs formal education.
    record["ground"] = "obviously_less_qualified" if licence else "formal_education"
    # domain.md section 12: a "no" here is a decision Ankestyrelsen reviews (kompensationslov § 17 a
    # stk. 3; 004 §§ 3.6, 3.7), so it leads to the written, reasoned refusal that opens the window.
    to = State.INTERVIEW_REQUIRED if f.eligible else State.REFUSAL_PENDING
    return Outcome("eligibility_check", facts.state, to, record)


def _interview_scheduled(facts: CaseFacts, f: InterviewScheduledFields, m: Moment) -> Outcome:
    if f.starts_at <= m.now:
        raise ValidationFailed({"starts_at": "skal ligge i fremtiden"})
    record = f.model_dump(mode="json")
    record["rescheduled"] = facts.state == State.INTERVIEW_SCHEDULED
    return Outcome(
        "interview_scheduled",
        facts.state,
        State.INTERVIEW_SCHEDULED,
        record,
        {"interview_starts_at": f.starts_at, "interview_location": f.location},
    )


def _after_interview_start(event: str, facts: CaseFacts, m: Moment) -> None:
    """An interview is held, or missed, at or after its booked start, never before (section 12)."""
    if facts.interview_starts_at is not None and m.now < facts.interview_starts_at:
        raise _too_early(event, facts.interview_starts_at, "samtalen er booket til da")


def _interview_held(facts: CaseFacts, f: InterviewHeldFields, m: Moment) -> Outcome:
    _after_interview_start("interview_held", facts, m)
    return _outcome("interview_held", facts, State.INTERVIEWED, f)


def _interview_missed(facts: CaseFacts, f: InterviewMissedFields, m: Moment) -> Outcome:
    # Only the applicant declines (domain.md section 12): the employer records a no-show, which
    # counts as the interview offered; the decision and its duties follow as usual.
    _after_interview_start("interview_missed", facts, m)
    return _outcome("interview_missed", facts, State.INTERVIEWED, f)


def _interview_declined(facts: CaseFacts, f: InterviewDeclinedFields, _m: Moment) -> Outcome:
    return _outcome("interview_declined", facts, State.WITHDRAWN, f)


def _decision(facts: CaseFacts, f: DecisionFields, _m: Moment) -> Outcome:
    if f.ground is not None and (facts.vacancy_kind != "taxi" or f.outcome == "hired"):
        raise ValidationFailed({"ground": "bruges kun ved afslag på taxibevilling (bek. § 9)"})
    if f.outcome == "hired":
        return _outcome("decision", facts, State.HIRED, f, decision_outcome=f.outcome)
    if f.outcome == "internal_candidate_hired" and facts.vacancy_kind in LICENCE_KINDS:
        raise ValidationFailed(
            {
                "outcome": "intern ansøger gælder kun ved stillinger, ikke bevillinger (bek. § 2 stk. 3)"
            }
        )
    if problem := _missing_reasoning(f.reasoning):
        raise ValidationFailed(problem)
    decided = {"decision_outcome": f.outcome}
    if f.outcome == "internal_candidate_hired":
        # bek. §2 stk. 3: an internal hire lifts the statement and negotiation duty; still a refusal.
        # The exception holds only if an internal candidate then fills the post (vacancies.fill_vacancy).
        return _outcome("decision", facts, State.REFUSAL_PENDING, f, **decided)
    if negotiation_duty_applies(facts.vacancy_kind, facts.route):
        return _outcome("decision", facts, State.STATEMENT_REQUIRED, f, **decided)
    return _outcome("decision", facts, State.REFUSAL_PENDING, f, **decided)


def _statement(facts: CaseFacts, f: StatementFields, _m: Moment) -> Outcome:
    return _outcome("statement_submitted", facts, State.NEGOTIATION_REQUIRED, f)


def _negotiation(facts: CaseFacts, f: NegotiationFields, m: Moment) -> Outcome:
    problems = _not_future("held_on", f.held_on, m.today) or _not_before(
        "held_on", f.held_on, facts.state_since_on, "redegørelsen"
    )
    unknown = [code for code in f.schemes_presented if code not in m.scheme_codes]
    if unknown:
        problems["schemes_presented"] = "ukendte ordninger: " + ", ".join(sorted(set(unknown)))
    if problems:
        raise ValidationFailed(problems)
    to = State.HIRED if f.outcome == "hire" else State.REFUSAL_PENDING
    return _outcome("negotiation_held", facts, to, f)


def negotiation_may_be_skipped_from(statement_on: date, wait_days: int) -> date:
    """The first day the employer may record that the jobcentre did not negotiate."""
    return deadlines.add_working_days(statement_on, wait_days)


def _negotiation_not_held(facts: CaseFacts, f: NegotiationNotHeldFields, m: Moment) -> Outcome:
    # No deadlock (domain.md section 12, a decision of this project: bek. § 6 stk. 3 nr. 2 sets no
    # time limit, and without one a silent jobcentre would block a public post forever).
    statement_on = facts.state_since_on or m.today
    earliest = negotiation_may_be_skipped_from(statement_on, m.negotiation_wait_days)
    if m.today < earliest:
        raise _too_early(
            "negotiation_not_held",
            earliest,
            f"jobcenteret har {m.negotiation_wait_days} hverdage efter redegørelsen til at forhandle",
        )
    record = f.model_dump(mode="json")
    record["statement_on"] = statement_on.isoformat()
    record["wait_days"] = m.negotiation_wait_days
    return Outcome("negotiation_not_held", facts.state, State.REFUSAL_PENDING, record)


def _refusal(facts: CaseFacts, f: RefusalFields, m: Moment) -> Outcome:
    # The refusal follows the decision (or the negotiation) that made it due: never before it, and
    # never in the future, so a backdated refusal cannot close the window before it opens.
    problems = _not_future("sent_on", f.sent_on, m.today) or _not_before(
        "sent_on", f.sent_on, facts.state_since_on, "afgørelsen"
    )
    if f.received_on is not None and f.received_on < f.sent_on:
        problems["received_on"] = "kan ikke ligge før afsendelsen"
    elif f.received_on is not None and f.received_on > m.today:
        problems["received_on"] = "må ikke ligge i fremtiden"
    if problems:
        raise ValidationFailed(problems)
    deadline = deadlines.opinion_request_deadline(f.sent_on, f.channel, f.received_on)
    record = f.model_dump(mode="json")
    record["opinion_due"] = deadline.due.isoformat()
    record["opinion_basis"] = deadline.basis
    record["complaint_guidance"] = complaint_guidance_da(deadline)
    return Outcome(
        "refusal_notified",
        facts.state,
        State.OPINION_WINDOW,
        record,
        {
            "refusal_sent_on": f.sent_on,
            "refusal_channel": f.channel,
            "refusal_received_on": f.received_on,  # only an actual receipt; else derived
            "opinion_due": deadline.due,
        },
    )


def complaint_guidance_da(deadline: deadlines.OpinionDeadline) -> str:
    """The complaint guidance a refusal must carry (004 §§ 3.5.2, 9; forvaltningsloven ch. 6): the
    right to Ankestyrelsen's opinion and the exact last day (kompensationslov §17 a stk. 3)."""
    due = format_date(deadline.due, format="long", locale="da")
    received = format_date(deadline.received_on, format="long", locale="da")
    moved = ""
    if deadline.due != deadline.received_on + deadlines.OPINION_WINDOW:
        moved = ", flyttet til første hverdag, fordi fristen ellers ville udløbe på en lukkedag"
    return (
        "Klagevejledning: Du kan bede Ankestyrelsens Beskæftigelsesudvalg om en udtalelse om, "
        "hvorvidt arbejdsgiveren eller myndigheden har overholdt reglerne om ansættelsessamtale og "
        "forhandling med jobcenteret (lov om kompensation til handicappede i erhverv § 17 a, stk. 3). "
        f"Du skal bede om udtalelsen senest den {due}. Fristen er 4 uger fra den dag, du modtog "
        f"afslaget ({received}: {deadline.receipt_basis_da}){moved}. Jobcenteret kan hjælpe dig "
        "med anmodningen."
    )


def _receipt_recorded(facts: CaseFacts, f: ReceiptRecordedFields, m: Moment) -> Outcome:
    """The party proves when the refusal actually arrived (JM vejledning 9533/2018): the actual date
    wins and the deadline is computed again from it (domain.md sections 7, 12)."""
    sent_on = facts.refusal_sent_on
    assert sent_on is not None  # opinion_window is reached only by refusal_notified
    channel = facts.refusal_channel or "digital_post"
    # Only a later arrival moves the deadline: the conservative reading, which never costs the
    # applicant a right (domain.md section 12), so never before the receipt the deadline rests on.
    current = deadlines.opinion_request_deadline(sent_on, channel, facts.refusal_received_on)
    problems = _not_future("received_on", f.received_on, m.today) or _not_before(
        "received_on", f.received_on, current.received_on, "den modtagelsesdato, fristen bygger på"
    )
    if problems:
        raise ValidationFailed(problems)
    deadline = deadlines.opinion_request_deadline(sent_on, channel, f.received_on)
    record = f.model_dump(mode="json")
    record["previous_due"] = facts.opinion_due.isoformat() if facts.opinion_due else None
    record["opinion_due"] = deadline.due.isoformat()
    record["opinion_basis"] = deadline.basis
    return Outcome(
        "receipt_recorded",
        facts.state,
        State.OPINION_WINDOW,
        record,
        {"refusal_received_on": f.received_on, "opinion_due": deadline.due},
    )


def _opinion_requested(facts: CaseFacts, f: OpinionRequestedFields, m: Moment) -> Outcome:
    # Also while the refusal is still owed: an employer who never writes cannot close the window
    # (domain.md section 12); Ankestyrelsen then decides on the time limit.
    follows = (
        _not_before("requested_on", f.requested_on, facts.refusal_sent_on, "afslaget blev sendt")
        if facts.refusal_sent_on is not None
        else _not_before("requested_on", f.requested_on, facts.state_since_on, "afgørelsen")
    )
    problems = _not_future("requested_on", f.requested_on, m.today) or follows
    if problems:
        raise ValidationFailed(problems)
    if facts.opinion_due is not None and deadlines.has_passed(facts.opinion_due, f.requested_on):
        # kompensationslov §17 a stk. 3: no later than 4 weeks after the refusal was received.
        raise Conflict(
            f"Fristen for at bede Ankestyrelsen om en udtalelse udløb "
            f"{facts.opinion_due.isoformat()}.",
            "opinion_window_closed",
        )
    return _outcome(
        "opinion_requested", facts, State.OPINION_REQUESTED, f, opinion_requested_on=f.requested_on
    )


def _opinion_received(facts: CaseFacts, f: OpinionReceivedFields, m: Moment) -> Outcome:
    problems = _not_future("received_on", f.received_on, m.today) or _not_before(
        "received_on", f.received_on, facts.opinion_requested_on, "anmodningen"
    )
    if problems:
        raise ValidationFailed(problems)
    # § 17 a stk. 4: with duties_kept false the service records a breach (cases.record_event).
    return _outcome("opinion_received", facts, State.CLOSED, f)


def _withdrawn(facts: CaseFacts, f: WithdrawnFields, _m: Moment) -> Outcome:
    return _outcome("withdrawn", facts, State.WITHDRAWN, f)


def _transferred(facts: CaseFacts, f: TransferredFields, _m: Moment) -> Outcome:
    # The applicant moved: the case stays in its state; the service re-applies bek. § 7 for the new
    # home municipality and moves the case to the jobcentre that handles it (cases.record_event).
    return _outcome("transferred", facts, State(facts.state), f)


_NON_TERMINAL = frozenset(State) - TERMINAL

TRANSITIONS: dict[str, Transition] = {
    t.event: t
    for t in (
        Transition(
            "assessment",
            frozenset({"caseworker"}),
            frozenset({State.AWAITING_ASSESSMENT}),
            AssessmentFields,
            _assessment,
            "bek. § 6 stk. 1; 004 § 3.5.1",
            "The handling jobcentre judges whether the applicant can perform the vacancy.",
        ),
        Transition(
            "eligibility_check",
            frozenset({"employer"}),
            frozenset({State.AWAITING_ELIGIBILITY_CHECK}),
            EligibilityCheckFields,
            _eligibility_check,
            "bek. § 6 stk. 2; 004 §§ 3.6, 3.7",
            "Direct route: formal education (jobs) or obviously less qualified (licences).",
        ),
        Transition(
            "interview_scheduled",
            frozenset({"employer"}),
            frozenset({State.INTERVIEW_REQUIRED, State.INTERVIEW_SCHEDULED}),
            InterviewScheduledFields,
            _interview_scheduled,
            "bek. § 6 stk. 2",
            "The employer invites the applicant to a personal interview (or reschedules it).",
        ),
        Transition(
            "interview_held",
            frozenset({"employer"}),
            frozenset({State.INTERVIEW_SCHEDULED}),
            InterviewHeldFields,
            _interview_held,
            "bek. § 6 stk. 2",
            "The interview took place.",
        ),
        Transition(
            "interview_missed",
            frozenset({"employer"}),
            frozenset({State.INTERVIEW_SCHEDULED}),
            InterviewMissedFields,
            _interview_missed,
            "bek. § 6 stk. 2; domain.md § 12",
            "The applicant did not attend (recorded after the booked start): the interview counts "
            "as offered, the applicant is told, and the decision follows.",
        ),
        Transition(
            "interview_declined",
            frozenset({"applicant"}),
            frozenset({State.INTERVIEW_REQUIRED, State.INTERVIEW_SCHEDULED}),
            InterviewDeclinedFields,
            _interview_declined,
            "bek. § 6 stk. 2; domain.md § 12",
            "The applicant declines the interview; the case ends as withdrawn. Only the applicant "
            "can decline.",
        ),
        Transition(
            "decision",
            frozenset({"employer"}),
            frozenset({State.INTERVIEWED}),
            DecisionFields,
            _decision,
            "bek. § 2 stk. 1 og 3, § 6 stk. 3; 004 §§ 3.5.2, 3.7",
            "Hired; not hired (statement and negotiation, except licence self-applicants); or an "
            "internal candidate hired (no negotiation duty).",
        ),
        Transition(
            "statement_submitted",
            frozenset({"employer"}),
            frozenset({State.STATEMENT_REQUIRED}),
            StatementFields,
            _statement,
            "bek. § 6 stk. 3 nr. 1",
            "The employer's written statement to the jobcentre of why the applicant is not wanted.",
        ),
        Transition(
            "negotiation_held",
            frozenset({"caseworker"}),
            frozenset({State.NEGOTIATION_REQUIRED}),
            NegotiationFields,
            _negotiation,
            "bek. § 6 stk. 3 nr. 2",
            "The negotiation took place; the jobcentre's minutes record competences, schemes "
            "presented, that the disability was not decisive, and the outcome.",
        ),
        Transition(
            "negotiation_not_held",
            frozenset({"employer"}),
            frozenset({State.NEGOTIATION_REQUIRED}),
            NegotiationNotHeldFields,
            _negotiation_not_held,
            "bek. § 6 stk. 3 nr. 2; domain.md § 12 (project decision)",
            "The jobcentre did not negotiate within the configured working days after the "
            "statement: the employer documents its attempts and may refuse; the jobcentre is "
            "escalated.",
        ),
        Transition(
            "refusal_notified",
            frozenset({"employer"}),
            frozenset({State.REFUSAL_PENDING}),
            RefusalFields,
            _refusal,
            "004 §§ 3.5.2, 9; forvaltningsloven kap. 6",
            "The written, reasoned refusal with complaint guidance was sent; the 4-week window "
            "opens.",
        ),
        Transition(
            "receipt_recorded",
            frozenset({"applicant", "caseworker"}),
            frozenset({State.OPINION_WINDOW}),
            ReceiptRecordedFields,
            _receipt_recorded,
            "JM vejledning 9533/2018; kompensationslov § 17 a stk. 3",
            "A later actual receipt of the refusal: the deadline is computed again and the "
            "applicant is told.",
        ),
        Transition(
            "opinion_requested",
            frozenset({"applicant", "caseworker"}),
            frozenset({State.REFUSAL_PENDING, State.OPINION_WINDOW}),
            OpinionRequestedFields,
            _opinion_requested,
            "kompensationslov § 17 a stk. 3; domain.md § 12",
            "The applicant asked Ankestyrelsen for an opinion (no later than the deadline; also "
            "while the refusal is still owed).",
        ),
        Transition(
            "opinion_received",
            frozenset({"caseworker", "admin"}),
            frozenset({State.OPINION_REQUESTED}),
            OpinionReceivedFields,
            _opinion_received,
            "kompensationslov § 17 a stk. 3-4",
            "Ankestyrelsen's opinion on whether the duties were kept; if not, a breach is recorded "
            "and the employer and its top official are told.",
        ),
        Transition(
            "withdrawn",
            frozenset({"applicant"}),
            _NON_TERMINAL,
            WithdrawnFields,
            _withdrawn,
            "—",
            "The applicant withdraws the application.",
        ),
        Transition(
            "transferred",
            frozenset({"caseworker", "admin"}),
            _NON_TERMINAL,
            TransferredFields,
            _transferred,
            "bek. § 7; domain.md § 12",
            "The applicant moved: the case goes to the new home jobcentre (or its § 7 neighbour), "
            "in the same state.",
        ),
    )
}

# Events a case accepts in its stored state even after the clock has closed the window: a request
# made in time may be recorded late, and a later receipt may reopen the window (section 12).
_ACCEPTED_AFTER_WINDOW = frozenset({"opinion_requested", "receipt_recorded"})


def _accepts(transition: Transition, stored: str, current: str) -> bool:
    # A request made in time may be recorded after the window has closed (the guard checks the
    # date), and a later receipt may reopen it: both are judged on the stored state.
    late = transition.event in _ACCEPTED_AFTER_WINDOW and stored == State.OPINION_WINDOW
    return current in transition.accepted_in or late


def allowed_events(role: str, stored: str, current: str) -> list[str]:
    """The events ``role`` may send to a case now, in the table's order (for clients and pages)."""
    return [
        t.event for t in TRANSITIONS.values() if role in t.senders and _accepts(t, stored, current)
    ]


def parse_event_type(body: dict[str, Any]) -> Transition:
    event_type = body.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise ValidationFailed({"type": "skal udfyldes"})
    transition = TRANSITIONS.get(event_type)
    if transition is None:
        raise ValidationFailed({"type": "ukendt hændelsestype: " + ", ".join(TRANSITIONS)})
    return transition


def decide(facts: CaseFacts, role: str, body: dict[str, Any], moment: Moment) -> Outcome:
    """What an event does to a case, checked in the contract's order: who (403), when (409), what (422).

    ``body`` is the decoded JSON object of the request, ``type`` included.
    """
    transition = parse_event_type(body)
    if role not in transition.senders:
        raise Forbidden(f"Din rolle kan ikke registrere hændelsen '{transition.event}'.")
    current = effective_state(facts.state, facts.opinion_due, moment.today)
    if not _accepts(transition, facts.state, current):
        raise Conflict(
            f"Hændelsen '{transition.event}' kan ikke registreres, når sagen har status "
            f"'{current}' ({STATE_LABELS_DA.get(current, current)}).",
            "invalid_transition",
        )
    return transition.guard(facts, validate(transition.fields, body), moment)


def outstanding_duties(state: str) -> list[Duty]:
    return list(DUTIES.get(state, ()))


def transition_table_markdown() -> str:
    """The transition table as Markdown, for the README (a test keeps the two the same)."""
    lines = [
        "| event | sent by | accepted in | source | what it does |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in TRANSITIONS.values():
        accepted = (
            "any open state"
            if t.accepted_in == _NON_TERMINAL
            else ", ".join(f"`{s}`" for s in sorted(t.accepted_in))
        )
        lines.append(
            f"| `{t.event}` | {', '.join(sorted(t.senders))} | {accepted} | {t.source} | {t.doc} |"
        )
    return "\n".join(lines)
