"""A small, realistic demo: two employers, three jobcentres (København and Frederiksberg are each
other's bek. §7 neighbours; Aarhus), five applicants and cases in different states: one routed under
§7, a window to Ankestyrelsen opened after a negative eligibility check, and a breach found by
Ankestyrelsen. Everything is made through the service functions, so the demo obeys every rule: past
steps are replayed at their own time (``clock.replaying``), never backdated. Invented people; the
CPR-shaped numbers have day 00 and are not valid.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel import Session, select

from fortrin import accounts, cards, cases, clock, vacancies
from fortrin.models import User

PASSWORD = "fortrin-demo-2026"
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
    {
        "email": "emil@borger.example",
        "name": "Emil Eriksen",
        "role": "applicant",
        "home_municipality_code": "751",
        "cpr": "000588-5678",
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
            top_official_name="Borgerrepræsentationen, Københavns Kommune",
            top_official_email="borgerrepraesentationen@kk.example",
        ),
        "rm": accounts.create_organisation(
            db,
            name="Region Midtjylland",
            kind="region",
            top_official_name="Regionsrådet, Region Midtjylland",
            top_official_email="regionsraadet@rm.example",
        ),
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
    anna, bo, carla, dennis, emil = (
        users[f"{name}@borger.example"] for name in ("anna", "bo", "carla", "dennis", "emil")
    )

    def at(days_ago: int, hour: int = 9) -> datetime:
        """A moment in the demo's past, Copenhagen time: the cases are built as they were lived."""
        return datetime.combine(today - timedelta(days=days_ago), time(hour), clock.COPENHAGEN)

    def vacancy(employer: User, **fields: Any) -> str:
        opened = clock.today()
        fields["application_deadline"] = (opened + timedelta(days=fields.pop("days"))).isoformat()
        return vacancies.create_vacancy(db, employer, fields).id

    def apply(applicant: User, vacancy_id: str, route: str) -> str:
        return cases.create_application(
            db, applicant, {"vacancy_id": vacancy_id, "route": route}
        ).id

    def event(actor: User, application_id: str, **body: Any) -> None:
        cases.record_event(db, actor, application_id, body)

    def interview(employer: User, application_id: str, booked: int, held: int, where: str) -> None:
        """Booked ``booked`` days ago for ``held`` days ago at 10:00, and recorded held at 11:30."""
        with clock.replaying(at(booked)):
            event(
                employer,
                application_id,
                type="interview_scheduled",
                starts_at=at(held, 10).isoformat(),
                location=where,
            )
        with clock.replaying(at(held, 11) + timedelta(minutes=30)):
            event(employer, application_id, type="interview_held")

    reasoning = "Ansøgeren opfylder kravet om kontoruddannelse (EUD) i stillingsopslaget."
    town_hall = "Rådhuspladsen 1, 1550 København V, lokale 12"

    with clock.replaying(at(30)):
        v_admin = vacancy(
            kk,
            title="Administrativ medarbejder, Teknik- og Miljøforvaltningen",
            kind="job",
            days=40,
            formal_education_requirement="Kontoruddannelse (EUD)",
            workplace_municipality_code="101",
        )
        v_secretary = vacancy(
            rm,
            title="Lægesekretær, Aarhus Universitetshospital",
            kind="job",
            days=14,
            formal_education_requirement="Lægesekretæruddannelse",
            workplace_municipality_code="751",
        )
        v_stall = vacancy(
            kk,
            title="Stadeplads, Israels Plads",
            kind="stall",
            days=40,
            workplace_municipality_code="101",
        )
    v_jobcentre = vacancy(
        kk,
        title="Sagsbehandler, Jobcenter København",
        kind="job",
        days=21,
        formal_education_requirement="Socialrådgiver (professionsbachelor)",
        workplace_municipality_code="101",
        workplace_jobcentre_code="101",
    )

    # Anna applies via the jobcentre for a job *at her own jobcentre*: routed to Frederiksberg (§7).
    apply(anna, v_jobcentre, "via_jobcentre")

    # Bo applies directly; eligible; the interview is booked in three days.
    bo_case = apply(bo, v_admin, "direct")
    event(kk, bo_case, type="eligibility_check", eligible=True, reasoning=reasoning)
    event(
        kk,
        bo_case,
        type="interview_scheduled",
        starts_at=datetime.combine(
            today + timedelta(days=3), time(10), clock.COPENHAGEN
        ).isoformat(),
        location=town_hall,
    )

    # Carla was interviewed and not hired: the statement is in, the negotiation is due.
    with clock.replaying(at(21)):
        carla_case = apply(carla, v_admin, "direct")
        event(kk, carla_case, type="eligibility_check", eligible=True, reasoning=reasoning)
    interview(kk, carla_case, booked=21, held=14, where=town_hall)
    with clock.replaying(at(13)):
        event(
            kk,
            carla_case,
            type="decision",
            outcome="not_hired",
            reasoning="En anden ansøger har mere erfaring med sagsbehandling i ESDH-systemer.",
        )
    with clock.replaying(at(3)):
        event(
            kk,
            carla_case,
            type="statement_submitted",
            text="Vi har valgt en ansøger med tre års erfaring i ESDH og journalisering, som "
            "stillingen kræver fra første dag.",
        )

    # Dennis went all the way: refused by letter five days ago, his window to Ankestyrelsen is open.
    with clock.replaying(at(30)):
        dennis_case = apply(dennis, v_secretary, "via_jobcentre")
    with clock.replaying(at(28)):
        event(
            aarhus,
            dennis_case,
            type="assessment",
            can_perform=True,
            has_difficulty_getting_work=True,
            reasoning="Dennis har lægesekretæruddannelsen og kan bestride stillingen med "
            "skærmlæser og tilpasset arbejdsplads.",
        )
    interview(
        rm, dennis_case, booked=27, held=20, where="Palle Juul-Jensens Boulevard 99, Aarhus N"
    )
    with clock.replaying(at(19)):
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
    with clock.replaying(at(12)):
        event(
            aarhus,
            dennis_case,
            type="negotiation_held",
            held_on=(today - timedelta(days=12)).isoformat(),
            minutes="Forhandlet med afdelingsledelsen. Kompetencer gennemgået; arbejdsredskaber "
            "og personlig assistance præsenteret. Arbejdsgiveren fastholder afslaget.",
            competences_considered=True,
            schemes_presented=["assistive_devices", "personal_assistance"],
            outcome="no_hire",
            disability_not_decisive=True,
        )
    with clock.replaying(at(5)):
        event(
            rm,
            dennis_case,
            type="refusal_notified",
            channel="letter",
            sent_on=(today - timedelta(days=5)).isoformat(),
            reasoning="Du er ikke blevet ansat, fordi en anden ansøger har mere erfaring med "
            "journalføring i Sundhedsplatformen.",
        )

    # Bo's "no" without an interview: København found he lacks the formal education for an
    # occupational therapist post. That is a refusal too (domain.md section 12): it was sent by
    # Digital Post four days ago, and Bo's window to Ankestyrelsen is open.
    with clock.replaying(at(9)):
        v_therapist = vacancy(
            kk,
            title="Ergoterapeut, Sundheds- og Omsorgsforvaltningen",
            kind="job",
            days=10,
            formal_education_requirement="Ergoterapeut (professionsbachelor)",
            workplace_municipality_code="101",
        )
        bo_refused = apply(bo, v_therapist, "direct")
    with clock.replaying(at(6)):
        event(
            kk,
            bo_refused,
            type="eligibility_check",
            eligible=False,
            reasoning="Stillingen kræver en professionsbachelor i ergoterapi; ansøgeren har en "
            "kontoruddannelse.",
        )
    with clock.replaying(at(4)):
        event(
            kk,
            bo_refused,
            type="refusal_notified",
            channel="digital_post",
            sent_on=(today - timedelta(days=4)).isoformat(),
            reasoning="Du indkaldes ikke til samtale, fordi stillingen kræver en "
            "professionsbachelor i ergoterapi, som du ikke har (bek. § 6 stk. 2).",
        )

    # Emil's case two months ago: Ankestyrelsen found that Region Midtjylland did not keep the
    # negotiation duty (it filled the post before the negotiation). The breach is on the register,
    # and the region's council got a copy (kompensationslov § 17 a stk. 4).
    with clock.replaying(at(80)):
        v_porter = vacancy(
            rm,
            title="Portør, Regionshospitalet Randers",
            kind="job",
            days=14,
            workplace_municipality_code="730",
        )
        emil_case = apply(emil, v_porter, "direct")
        event(rm, emil_case, type="eligibility_check", eligible=True, reasoning=reasoning)
    interview(rm, emil_case, booked=80, held=75, where="Skovlyvej 15, 8930 Randers NØ")
    with clock.replaying(at(74)):
        event(
            rm,
            emil_case,
            type="decision",
            outcome="internal_candidate_hired",
            reasoning="En medarbejder fra hospitalets eget servicecenter er ansat i stillingen.",
        )
    with clock.replaying(at(73)):
        event(
            rm,
            emil_case,
            type="refusal_notified",
            channel="digital_post",
            sent_on=(today - timedelta(days=73)).isoformat(),
            reasoning="Stillingen er besat med en intern ansøger fra hospitalets servicecenter.",
        )
        vacancies.fill_vacancy(db, rm, v_porter, {"filled_by": "internal"})
    with clock.replaying(at(60)):
        event(
            emil,
            emil_case,
            type="opinion_requested",
            requested_on=(today - timedelta(days=60)).isoformat(),
        )
    with clock.replaying(at(6)):
        event(
            aarhus,
            emil_case,
            type="opinion_received",
            received_on=(today - timedelta(days=6)).isoformat(),
            duties_kept=False,
            summary="Ankestyrelsen finder, at den interne ansøger var ansat i et vikariat under "
            "et år og ikke var intern efter bek. § 2 stk. 3. Regionen skulle have givet "
            "redegørelse og forhandlet med jobcenteret.",
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
    with clock.replaying(at(20)):
        stall_case = apply(anna, v_stall, "direct")
        event(
            kk,
            stall_case,
            type="eligibility_check",
            eligible=True,
            reasoning="Ansøgeren er ikke åbenbart ringere kvalificeret end de øvrige ansøgere.",
        )
    interview(kk, stall_case, booked=20, held=15, where="Israels Plads, Torvehallerne, kontoret")
    with clock.replaying(at(15, 14)):
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
