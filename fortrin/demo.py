"""A small, realistic demo: two employers, three jobcentres (København and Frederiksberg are each
other's bek. §7 neighbours; Aarhus), four applicants and cases in different states, one routed under
§7. Everything is made through the service functions, so the demo obeys every rule. Invented people;
the CPR-shaped numbers have day 00 and are not valid.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel import Session, select

from fortrin import accounts, cards, cases, clock
from fortrin.models import User

PASSWORD = "fortrin-demo"
BASE_URL_HINT = "http://127.0.0.1:5000"

USERS: tuple[dict[str, Any], ...] = (
    {"email": "admin@fortrin.example", "name": "Ada Administrator", "role": "admin"},
    {
        "email": "sagsbehandler.kbh@fortrin.example",
        "name": "Karin Kjær",
        "role": "caseworker",
        "jobcentre_code": "101",
    },
    {
        "email": "sagsbehandler.frb@fortrin.example",
        "name": "Frederik Foss",
        "role": "caseworker",
        "jobcentre_code": "147",
    },
    {
        "email": "sagsbehandler.aarhus@fortrin.example",
        "name": "Aase Aagaard",
        "role": "caseworker",
        "jobcentre_code": "751",
    },
    {
        "email": "hr@kk.example",
        "name": "Henrik Holm (Københavns Kommune)",
        "role": "employer",
        "organisation": "kk",
    },
    {
        "email": "hr@rm.example",
        "name": "Rikke Rask (Region Midtjylland)",
        "role": "employer",
        "organisation": "rm",
    },
    {
        "email": "anna@borger.example",
        "name": "Anna Andersen",
        "role": "applicant",
        "home_municipality_code": "101",
        "cpr": "000190-1234",
    },
    {
        "email": "bo@borger.example",
        "name": "Bo Berg",
        "role": "applicant",
        "home_municipality_code": "101",
        "cpr": "000285-2345",
    },
    {
        "email": "carla@borger.example",
        "name": "Carla Christensen",
        "role": "applicant",
        "home_municipality_code": "147",
        "cpr": "000378-3456",
    },
    {
        "email": "dennis@borger.example",
        "name": "Dennis Dahl",
        "role": "applicant",
        "home_municipality_code": "751",
        "cpr": "000492-4567",
    },
)


def load(db: Session) -> bool:
    """Create the demo unless it is there already. True when it was created."""
    if db.exec(select(User).where(User.email == USERS[0]["email"])).first() is not None:
        return False
    organisations = {
        "kk": accounts.create_organisation(
            db,
            name="Københavns Kommune",
            kind="municipality",
            municipality_code="101",
            cvr="00000001",
        ),
        "rm": accounts.create_organisation(db, name="Region Midtjylland", kind="region"),
    }
    users: dict[str, User] = {}
    for spec in USERS:
        data = {k: v for k, v in spec.items() if k != "organisation"}
        if "organisation" in spec:
            data["organisation_id"] = organisations[spec["organisation"]].id
        users[spec["email"]] = accounts.create_user(db, password=PASSWORD, **data)

    today = clock.today()
    kk, rm = users["hr@kk.example"], users["hr@rm.example"]
    aarhus = users["sagsbehandler.aarhus@fortrin.example"]
    anna, bo, carla, dennis = (
        users[f"{name}@borger.example"] for name in ("anna", "bo", "carla", "dennis")
    )

    def vacancy(employer: User, **fields: Any) -> str:
        fields["application_deadline"] = (today + timedelta(days=fields.pop("days"))).isoformat()
        return cases.create_vacancy(db, employer, fields).id

    v_jobcentre = vacancy(
        kk,
        title="Sagsbehandler, Jobcenter København",
        kind="job",
        days=21,
        formal_education_requirement="Socialrådgiver (professionsbachelor)",
        workplace_municipality_code="101",
        workplace_jobcentre_code="101",
    )
    v_admin = vacancy(
        kk,
        title="Administrativ medarbejder, Teknik- og Miljøforvaltningen",
        kind="job",
        days=14,
        formal_education_requirement="Kontoruddannelse (EUD)",
        workplace_municipality_code="101",
    )
    v_secretary = vacancy(
        rm,
        title="Lægesekretær, Aarhus Universitetshospital",
        kind="job",
        days=10,
        formal_education_requirement="Lægesekretæruddannelse",
        workplace_municipality_code="751",
    )
    v_stall = vacancy(
        kk,
        title="Stadeplads, Israels Plads",
        kind="stall",
        days=30,
        workplace_municipality_code="101",
    )

    def apply(applicant: User, vacancy_id: str, route: str) -> str:
        return cases.create_application(
            db, applicant, {"vacancy_id": vacancy_id, "route": route}
        ).id

    def event(actor: User, application_id: str, **body: Any) -> None:
        cases.record_event(db, actor, application_id, body)

    in_three_days = datetime.combine(today + timedelta(days=3), time(10, 0), clock.COPENHAGEN)
    reasoning = "Ansøgeren opfylder kravet om kontoruddannelse (EUD) i stillingsopslaget."

    # Anna applies via the jobcentre for a job *at her own jobcentre*: routed to Frederiksberg (§7).
    apply(anna, v_jobcentre, "via_jobcentre")

    # Bo applies directly; eligible; the interview is booked.
    bo_case = apply(bo, v_admin, "direct")
    event(kk, bo_case, type="eligibility_check", eligible=True, reasoning=reasoning)
    event(
        kk,
        bo_case,
        type="interview_scheduled",
        starts_at=in_three_days.isoformat(),
        location="Rådhuspladsen 1, 1550 København V, lokale 12",
    )

    # Carla is interviewed and not hired: the statement is in, the negotiation is due.
    carla_case = apply(carla, v_admin, "direct")
    event(kk, carla_case, type="eligibility_check", eligible=True, reasoning=reasoning)
    event(
        kk,
        carla_case,
        type="interview_scheduled",
        starts_at=in_three_days.isoformat(),
        location="Rådhuspladsen 1, 1550 København V, lokale 12",
    )
    event(kk, carla_case, type="interview_held", notes="Samtale holdt med to fra afdelingen.")
    event(
        kk,
        carla_case,
        type="decision",
        outcome="not_hired",
        reasoning="En anden ansøger har mere erfaring med sagsbehandling i ESDH-systemer.",
    )
    event(
        kk,
        carla_case,
        type="statement_submitted",
        text="Vi har valgt en ansøger med tre års erfaring i ESDH og journalisering, som "
        "stillingen kræver fra første dag.",
    )

    # Dennis went all the way: refused by letter five days ago, his window to Ankestyrelsen is open.
    dennis_case = apply(dennis, v_secretary, "via_jobcentre")
    event(
        aarhus,
        dennis_case,
        type="assessment",
        can_perform=True,
        reasoning="Dennis har lægesekretæruddannelsen og kan bestride stillingen med "
        "skærmlæser og tilpasset arbejdsplads.",
    )
    event(
        rm,
        dennis_case,
        type="interview_scheduled",
        starts_at=in_three_days.isoformat(),
        location="Palle Juul-Jensens Boulevard 99, Aarhus N",
    )
    event(rm, dennis_case, type="interview_held")
    event(
        rm,
        dennis_case,
        type="decision",
        outcome="not_hired",
        reasoning="Den valgte ansøger har erfaring med den specialiserede journalføring.",
    )
    event(
        rm,
        dennis_case,
        type="statement_submitted",
        text="Den valgte ansøger har to års erfaring med journalføring i Sundhedsplatformen, "
        "som Dennis ikke har.",
    )
    event(
        aarhus,
        dennis_case,
        type="negotiation_held",
        held_on=today.isoformat(),
        minutes="Forhandlet med afdelingsledelsen. Kompetencer gennemgået; arbejdsredskaber og "
        "personlig assistance præsenteret. Arbejdsgiveren fastholder afslaget.",
        competences_considered=True,
        schemes_presented=["assistive_devices", "personal_assistance"],
        outcome="no_hire",
        disability_not_decisive=True,
    )
    event(
        rm,
        dennis_case,
        type="refusal_notified",
        channel="letter",
        sent_on=today.isoformat(),
        reasoning="Du er ikke blevet ansat, fordi en anden ansøger har mere erfaring med "
        "journalføring i Sundhedsplatformen.",
    )

    # Carla has a compensation card from Frederiksberg (template "mobility") and shares it with
    # employers: Københavns Kommune sees its schemes in her case, never the impairment summary.
    admin = users["admin@fortrin.example"]
    frb = users["sagsbehandler.frb@fortrin.example"]
    for code in ("101", "147", "751"):
        cards.set_grant_limit(db, admin, code, {"grant_limit": 50000})
    talk = cards.add_conversation(
        db,
        frb,
        carla.id,
        {
            "held_on": today.isoformat(),
            "topics": ["qualifications", "impairment", "match"],
            "notes": "Kontoruddannelse, erfaring med journalisering; behov for hæve-sænkebord.",
        },
    )
    card = cards.create_card(
        db,
        frb,
        {
            "applicant_id": carla.id,
            "conversation_ids": [talk.id],
            "template_code": "mobility",
            "impairment_summary": "Nedsat gangfunktion; kan ikke løfte over 5 kg.",
            "valid_until": (today + timedelta(days=365)).isoformat(),
            "fast_track": {"responsible": "Frederik Foss, Jobcenter Frederiksberg", "max_days": 14},
        },
    )
    cards.issue(db, frb, card.id)
    cards.share(db, carla, card.id, {"shared": True})

    # Anna also got a market stall: hired.
    stall_case = apply(anna, v_stall, "direct")
    event(
        kk,
        stall_case,
        type="eligibility_check",
        eligible=True,
        reasoning="Ansøgeren er ikke åbenbart ringere kvalificeret end de øvrige ansøgere.",
    )
    event(
        kk,
        stall_case,
        type="interview_scheduled",
        starts_at=in_three_days.isoformat(),
        location="Israels Plads, Torvehallerne, kontoret",
    )
    event(kk, stall_case, type="interview_held")
    event(kk, stall_case, type="decision", outcome="hired")
    return True


def instructions(created: bool) -> str:
    lines = [
        "Demodata er indlæst." if created else "Demodata var allerede indlæst.",
        f"Log ind på {BASE_URL_HINT}/login med en af disse brugere (adgangskode: {PASSWORD}):",
    ]
    lines += [f"  {spec['role']:<11} {spec['email']:<38} {spec['name']}" for spec in USERS]
    lines.append(
        'API: POST /api/v1/auth/token med {"email", "password"}; beskrivelse: /api/v1/openapi.json'
    )
    return "\n".join(lines)
