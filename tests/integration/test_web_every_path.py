"""Issue 8 on the web pages: the new actions are offered with the same rules as the API (domain.md
section 12; api-contract.md "Contract v2"), because the pages call the same service functions. Each
form is posted as a browser would (a session cookie and the CSRF token); a refused post changes
nothing, and a post without the token is refused before anything is read."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.integration.conftest import (
    LEGAL,
    Api,
    World,
    apply,
    drive,
    event,
    now_of,
    ok,
    set_now,
    vacancy,
)
from tests.integration.test_web import sign_in

ATTEMPTS = "Ringet til jobcenteret 3. og 8. december og skrevet to gange uden svar."


# --- helpers -------------------------------------------------------------------------------------


def browser(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def token_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def page_of(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def post(client: FlaskClient, path: str, data: dict[str, Any], page: str | None = None) -> Any:
    """A form post with the session's CSRF token (from ``page``, else from the home page)."""
    token = token_of(page if page is not None else page_of(client, "/"))
    return client.post(path, data={"csrf_token": token, **data})


def organisation(api: Api, world: World, organisation_id: str) -> dict[str, Any]:
    rows = api.get("/api/v1/organisations", world.admin).json
    return dict(next(row for row in rows if row["id"] == organisation_id))


def act(client: FlaskClient, case_id: str, event_type: str, **fields: Any) -> Any:
    """One action of the case page: the form posts to the case with the event type hidden."""
    path = f"/applications/{case_id}"
    return post(client, path, {"type": event_type, **fields}, page_of(client, path))


def case_of(api: Api, world: World, case_id: str) -> dict[str, Any]:
    return ok(api.get(f"/api/v1/applications/{case_id}", world.admin))


def shape(api: Api, world: World, case_id: str) -> tuple[str, int]:
    case = case_of(api, world, case_id)
    return case["state"], len(case["timeline"])


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def book_interview(api: Api, world: World, case_id: str) -> str:
    starts_at = (now_of(api.app) + timedelta(minutes=30)).isoformat()
    ok(
        event(
            api,
            world.employer,
            case_id,
            type="interview_scheduled",
            starts_at=starts_at,
            location="Rådhuset, lokale 1",
        )
    )
    return starts_at


# --- CSRF ----------------------------------------------------------------------------------------


def test_every_new_form_without_a_csrf_token_is_refused_and_changes_nothing(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    employer = browser(app, world.employer)
    before = shape(api, world, case["id"])
    refused = employer.post(
        f"/vacancies/{v['id']}/withdraw", data={"reason": "Stillingen er nedlagt ved budgettet."}
    )
    assert refused.status_code == 400
    refused = employer.post(
        f"/vacancies/{v['id']}/deadline", data={"application_deadline": "2027-01-31"}
    )
    assert refused.status_code == 400
    after = ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))
    assert after["state"] == "open" and after["application_deadline"] == "2026-12-20"
    assert shape(api, world, case["id"]) == before

    caseworker = browser(app, world.cw_aarhus)
    body = {"organisation_id": world.org_aarhus, "found_on": "2026-11-30", "summary": LEGAL}
    assert caseworker.post("/breaches", data=body).status_code == 400
    assert api.get("/api/v1/breaches", world.admin).json == []

    admin = browser(app, world.admin)
    refused = admin.post(
        f"/admin/organisations/{world.org_aarhus}/top-official",
        data={"top_official_name": "Byrådet", "top_official_email": "byraadet@aarhus.example"},
    )
    assert refused.status_code == 400
    assert organisation(api, world, world.org_aarhus)["top_official_name"] is None

    # The case page's new actions: the transfer, without the token, moves nothing.
    moving = apply(api, world.applicant, vacancy(api, world.employer)["id"], "via_jobcentre")
    before = shape(api, world, moving["id"])
    refused = caseworker.post(
        f"/applications/{moving['id']}",
        data={"type": "transferred", "home_municipality_code": "101", "reason": "Flyttet"},
    )
    assert refused.status_code == 400
    assert shape(api, world, moving["id"]) == before
    assert case_of(api, world, moving["id"])["handling_jobcentre_code"] == "751"


# --- the interview -------------------------------------------------------------------------------


def test_domain_12_the_employer_records_a_missed_interview_only_after_its_start(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "interview_required")
    starts_at = book_interview(api, world, case["id"])
    employer = browser(app, world.employer)
    page = page_of(employer, f"/applications/{case['id']}")
    # Before the booked start the page says when, and offers no form that must fail.
    assert "Ansøgeren mødte ikke op" in page
    assert "Kan registreres fra samtalens aftalte tidspunkt, 1. december 2026 kl. 09:30." in page
    assert 'value="interview_missed"' not in page and 'value="interview_held"' not in page
    # Only the applicant declines: the employer is not offered it, and a post is refused.
    assert 'value="interview_declined"' not in page
    before = shape(api, world, case["id"])
    declined = act(employer, case["id"], "interview_declined", reason="Meldte afbud")
    assert declined.status_code == 403
    early = act(employer, case["id"], "interview_missed")
    assert early.status_code == 409 and "kan tidligst registreres" in text(early)
    assert shape(api, world, case["id"]) == before

    set_now(app, starts_at)
    page = page_of(employer, f"/applications/{case['id']}")
    assert 'value="interview_missed"' in page and 'id="interview-missed-notes"' in page
    done = act(employer, case["id"], "interview_missed", notes="Mødte ikke op, svarede ikke.")
    assert done.status_code == 302
    after = case_of(api, world, case["id"])
    assert after["state"] == "interviewed"
    assert after["timeline"][-1]["type"] == "interview_missed"
    page = page_of(employer, f"/applications/{case['id']}")
    assert "Ansøgeren mødte ikke op: registreret." in page
    assert "Ansøgeren mødte ikke op til samtalen; afventer arbejdsgiverens beslutning" in page
    assert 'value="decision"' in page  # the decision and its duties follow as usual


def test_domain_12_only_the_applicant_declines_and_the_page_says_the_case_ends(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "interview_required")
    applicant = browser(app, world.applicant)
    page = page_of(applicant, f"/applications/{case['id']}")
    assert "Jeg takker nej til samtalen" in page and "Sagen afsluttes" in page
    empty = act(applicant, case["id"], "interview_declined", reason="")
    assert empty.status_code == 422 and "Udfyld feltet" in text(empty)
    assert case_of(api, world, case["id"])["state"] == "interview_required"
    done = act(applicant, case["id"], "interview_declined", reason="Jeg har fået andet arbejde")
    assert done.status_code == 302
    assert case_of(api, world, case["id"])["state"] == "withdrawn"


# --- the jobcentre's assessment and minutes ------------------------------------------------------


def test_bek_6_stk_1_the_assessment_form_asks_both_conditions(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    first = apply(api, world.applicant, v["id"], "via_jobcentre")
    caseworker = browser(app, world.cw_aarhus)
    page = page_of(caseworker, f"/applications/{first['id']}")
    assert 'name="has_difficulty_getting_work"' in page and 'name="can_perform"' in page
    missing = act(caseworker, first["id"], "assessment", can_perform="true")
    assert missing.status_code == 422
    body = text(missing)
    assert 'href="#assessment-has-difficulty-getting-work"' in body
    # Said the way the page asks (issue 10, point 6), with "Fejl:" in the title.
    assert "Vælg ja eller nej" in body and "true eller false" not in body
    assert "<title>Fejl:" in body
    assert case_of(api, world, first["id"])["state"] == "awaiting_assessment"
    no = act(
        caseworker,
        first["id"],
        "assessment",
        can_perform="true",
        has_difficulty_getting_work="false",
        reasoning=LEGAL,
    )
    assert no.status_code == 302
    assert case_of(api, world, first["id"])["state"] == "not_suitable"
    second = apply(api, world.applicant, vacancy(api, world.employer)["id"], "via_jobcentre")
    yes = act(
        caseworker,
        second["id"],
        "assessment",
        can_perform="true",
        has_difficulty_getting_work="true",
    )
    assert yes.status_code == 302
    assert case_of(api, world, second["id"])["state"] == "interview_required"


def test_bek_6_stk_3_nr_2_the_minutes_need_the_disability_answer(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "negotiation_required")
    caseworker = browser(app, world.cw_aarhus)
    fields = {
        "held_on": "2026-12-01",
        "competences_considered": "true",
        "schemes_presented": "personal_assistance",
        "minutes": LEGAL,
        "outcome": "no_hire",
    }
    missing = act(caseworker, case["id"], "negotiation_held", **fields)
    assert missing.status_code == 422
    assert 'href="#negotiation-held-disability-not-decisive"' in text(missing)
    assert case_of(api, world, case["id"])["state"] == "negotiation_required"
    done = act(caseworker, case["id"], "negotiation_held", disability_not_decisive="true", **fields)
    assert done.status_code == 302
    assert case_of(api, world, case["id"])["state"] == "refusal_pending"


# --- no deadlock ---------------------------------------------------------------------------------


def test_domain_12_negotiation_not_held_is_offered_after_the_working_days(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "negotiation_required")
    employer = browser(app, world.employer)
    page = page_of(employer, f"/applications/{case['id']}")
    assert "Jobcenteret har ikke forhandlet" in page
    assert "Jobcenteret har 10 hverdage til at forhandle" in page
    assert "fra 15. december 2026" in page  # 10 working days after 1 December
    assert 'value="negotiation_not_held"' not in page
    early = act(employer, case["id"], "negotiation_not_held", attempts=ATTEMPTS)
    assert early.status_code == 409
    assert case_of(api, world, case["id"])["state"] == "negotiation_required"

    set_now(app, "2026-12-15T09:00:00+01:00")
    page = page_of(employer, f"/applications/{case['id']}")
    assert 'value="negotiation_not_held"' in page
    short = act(employer, case["id"], "negotiation_not_held", attempts="Ringede")
    assert short.status_code == 422 and 'href="#negotiation-not-held-attempts"' in text(short)
    done = act(employer, case["id"], "negotiation_not_held", attempts=ATTEMPTS)
    assert done.status_code == 302
    assert case_of(api, world, case["id"])["state"] == "refusal_pending"


# --- the refusal, the deadline and Ankestyrelsen -------------------------------------------------


def test_domain_12_the_ankestyrelsen_page_works_while_the_refusal_is_owed(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    applicant = browser(app, world.applicant)
    page_of(applicant, f"/applications/{case['id']}/ankestyrelsen", 404)  # no "no" yet
    ok(
        event(
            api,
            world.employer,
            case["id"],
            type="eligibility_check",
            eligible=False,
            reasoning=LEGAL,
        )
    )
    assert case_of(api, world, case["id"])["state"] == "refusal_pending"
    home = page_of(applicant, "/")
    assert "Afslaget mangler" in home
    assert f'href="/applications/{case["id"]}/ankestyrelsen"' in home
    case_page = page_of(applicant, f"/applications/{case['id']}")
    assert "Du kan allerede nu bede Ankestyrelsen om en udtalelse" in case_page
    page = page_of(applicant, f"/applications/{case['id']}/ankestyrelsen")
    assert "Du kan bede om udtalelsen nu" in page
    assert "Ankestyrelsen afgør, om din anmodning er kommet i tide" in page
    assert "Sidste frist" not in page
    assert "Jeg har ikke fået et skriftligt, begrundet afslag med klagevejledning." in page
    assert "sikkermail@ast.dk" in page
    # The request may be recorded on the case page already.
    done = act(applicant, case["id"], "opinion_requested", requested_on="2026-12-01")
    assert done.status_code == 302
    assert case_of(api, world, case["id"])["state"] == "opinion_requested"


def test_jm_9533_2018_a_later_receipt_moves_the_deadline_on_the_page(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "opinion_window")
    due = case_of(api, world, case["id"])["deadlines"][0]["due"]
    set_now(app, "2026-12-04T10:00:00+01:00")
    applicant = browser(app, world.applicant)
    page = page_of(applicant, f"/applications/{case['id']}")
    assert "Afslaget kom senere frem" in page
    future = act(applicant, case["id"], "receipt_recorded", received_on="2026-12-05")
    assert future.status_code == 422 and "må ikke ligge i fremtiden" in text(future)
    done = act(applicant, case["id"], "receipt_recorded", received_on="2026-12-04")
    assert done.status_code == 302
    after = case_of(api, world, case["id"])
    assert after["deadlines"][0]["due"] == "2027-01-04" != due
    page = page_of(applicant, f"/applications/{case['id']}")
    assert "4. januar 2027" in page
    assert "Ny dato for modtagelsen af afslaget" in page


def test_domain_12_a_receipt_may_be_recorded_after_the_clock_closed_the_window(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "opinion_window")
    set_now(app, "2027-01-05T10:00:00+01:00")
    assert case_of(api, world, case["id"])["state"] == "closed"
    applicant = browser(app, world.applicant)
    page = page_of(applicant, f"/applications/{case['id']}")
    assert 'value="receipt_recorded"' in page
    done = act(applicant, case["id"], "receipt_recorded", received_on="2026-12-10")
    assert done.status_code == 302
    assert case_of(api, world, case["id"])["state"] == "opinion_window"


# --- moves ---------------------------------------------------------------------------------------


def test_bek_7_a_caseworker_moves_the_case_and_lands_on_the_home_page(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"], "via_jobcentre")
    caseworker = browser(app, world.cw_aarhus)
    page = page_of(caseworker, f"/applications/{case['id']}")
    assert (
        page.count('<option value="', page.index('id="transferred-home-municipality-code"')) >= 98
    )
    assert '<option value="101">København</option>' in page
    unknown = act(caseworker, case["id"], "transferred", home_municipality_code="999", reason="X")
    assert unknown.status_code == 422
    assert case_of(api, world, case["id"])["handling_jobcentre_code"] == "751"
    moved = act(
        caseworker,
        case["id"],
        "transferred",
        home_municipality_code="101",
        reason="Flyttet til København 1. december",
    )
    assert moved.status_code == 302 and moved.headers["Location"] == "/"
    home = page_of(caseworker, "/")
    assert "Ansøgeren er flyttet: registreret." in home
    assert "Sagen behandles nu af Jobcenter København" in home
    page_of(caseworker, f"/applications/{case['id']}", 404)
    kbh = browser(app, world.cw_kbh)
    page = page_of(kbh, f"/applications/{case['id']}")
    assert "Ansøgeren er flyttet; sagen behandles nu af Jobcenter København" in page


# --- the vacancy ---------------------------------------------------------------------------------


def test_a_vacancy_is_posted_with_positions(app: Flask, world: World) -> None:
    employer = browser(app, world.employer)
    form = page_of(employer, "/vacancies/new")
    assert 'id="vacancy-positions"' in form and 'value="1"' in form
    fields = {
        "title": "Pedel",
        "kind": "job",
        "application_deadline": "2026-12-20",
        "workplace_municipality_code": "751",
    }
    wrong = post(employer, "/vacancies/new", {**fields, "positions": "to"}, form)
    assert wrong.status_code == 422 and 'href="#vacancy-positions"' in text(wrong)
    created = post(employer, "/vacancies/new", {**fields, "positions": "2"}, form)
    assert created.status_code == 302
    page = page_of(employer, created.headers["Location"])
    assert "0 af 2 besat" in page


def test_004_3_5_the_employer_moves_the_deadline_only_later(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    employer = browser(app, world.employer)
    path = f"/vacancies/{v['id']}"
    earlier = post(employer, f"{path}/deadline", {"application_deadline": "2026-12-10"}, None)
    assert earlier.status_code == 422
    body = text(earlier)
    assert 'href="#new-deadline"' in body and "tidligst 2026-12-20" in body
    assert ok(api.get(path.replace("/vacancies", "/api/v1/vacancies"), world.employer))[
        "application_deadline"
    ] == ("2026-12-20")
    later = post(employer, f"{path}/deadline", {"application_deadline": "2027-01-10"}, None)
    assert later.status_code == 302
    page = page_of(employer, path)
    assert "Ansøgningsfristen er flyttet." in page and "10. januar 2027" in page
    # Another employer, an applicant: refused, nothing moves.
    other = browser(app, world.employer_region)
    assert (
        post(
            other, f"{path}/deadline", {"application_deadline": "2027-02-01"}, page_of(other, "/")
        ).status_code
        == 404
    )
    applicant = browser(app, world.applicant)
    refused = post(
        applicant,
        f"{path}/deadline",
        {"application_deadline": "2027-02-01"},
        page_of(applicant, "/"),
    )
    assert refused.status_code == 403 and "Din rolle" in text(refused)
    assert ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))["application_deadline"] == (
        "2027-01-10"
    )


def test_domain_12_a_withdrawn_vacancy_owes_the_contacted_applicant_a_refusal(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    contacted = apply(api, world.applicant, v["id"])  # direct: the employer has it
    not_seen = apply(api, world.applicant_kbh, v["id"], "via_jobcentre")
    employer = browser(app, world.employer)
    path = f"/vacancies/{v['id']}"
    page = page_of(employer, path)
    assert "Træk stillingen tilbage" in page and "skriftligt, begrundet afslag" in page
    empty = post(employer, f"{path}/withdraw", {"reason": ""}, page)
    assert empty.status_code == 422
    assert 'href="#withdraw-reason"' in text(empty) and "skal udfyldes" in text(empty)
    assert ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))["state"] == "open"
    # Irreversible (issue 10, point 5): first the answers and what follows, nothing changed yet.
    reason = "Stillingen er nedlagt ved budgettet."
    asked = post(employer, f"{path}/withdraw", {"reason": reason})
    assert asked.status_code == 200
    check = text(asked)
    assert "Træk stillingen tilbage?" in check and reason in check
    assert "1 ansøger med fortrinsadgang skal have et skriftligt" in check
    assert "1 anden sag med fortrinsadgang afsluttes." in check
    assert "Det kan ikke fortrydes." in check
    assert ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))["state"] == "open"
    assert case_of(api, world, contacted["id"])["state"] == "awaiting_eligibility_check"
    # "Tilbage og ret" keeps what was written.
    edit = post(employer, f"{path}/withdraw", {"reason": reason, "confirmed": "edit"}, check)
    assert edit.status_code == 200 and f">{reason}</textarea>" in text(edit)
    done = post(employer, f"{path}/withdraw", {"reason": reason, "confirmed": "yes"}, check)
    assert done.status_code == 302
    assert "Stillingen er trukket tilbage." in page_of(employer, path)
    assert case_of(api, world, contacted["id"])["state"] == "refusal_pending"
    assert case_of(api, world, not_seen["id"])["state"] == "closed"
    again = post(employer, f"{path}/withdraw", {"reason": "En gang til, ved en fejl."})
    assert again.status_code == 409 and "Stillingen er ikke åben" in text(again)


def test_bek_2_stk_3_a_fill_that_contradicts_the_decision_is_shown_and_changes_nothing(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "interviewed")
    ok(
        event(
            api,
            world.employer,
            case["id"],
            type="decision",
            outcome="internal_candidate_hired",
            reasoning=LEGAL,
        )
    )
    employer = browser(app, world.employer)
    path = f"/vacancies/{v['id']}"
    wrong = post(employer, f"{path}/fill", {"filled_by": "external"})
    assert wrong.status_code == 409
    body = text(wrong)
    assert "Stillingen kan ikke besættes" in body and "modsiger arbejdsgiverens beslutning" in body
    assert ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))["state"] == "open"
    right = post(employer, f"{path}/fill", {"filled_by": "internal"})
    assert right.status_code == 302
    assert "1 af 1 besat" in page_of(employer, path)


# --- the breach register -------------------------------------------------------------------------


def test_kompensationslov_17a_stk4_the_breach_register_page(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    for user in (world.employer, world.applicant):
        page_of(browser(app, user), "/breaches", 403)
    caseworker = browser(app, world.cw_aarhus)
    page = page_of(caseworker, "/breaches")
    assert "Ingen overtrædelser registreret." in page
    assert 'href="/breaches"' in page_of(caseworker, "/")
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    missing = post(caseworker, "/breaches", {"organisation_id": "", "summary": "kort"}, page)
    assert missing.status_code == 422
    body = text(missing)
    assert 'href="#breach-organisation"' in body and 'href="#breach-summary"' in body
    future = post(
        caseworker,
        "/breaches",
        {"organisation_id": world.org_aarhus, "found_on": "2026-12-02", "summary": LEGAL},
        page,
    )
    assert future.status_code == 422 and "må ikke ligge i fremtiden" in text(future)
    assert api.get("/api/v1/breaches", world.admin).json == []
    done = post(
        caseworker,
        "/breaches",
        {
            "organisation_id": world.org_aarhus,
            "found_on": "2026-11-30",
            "summary": "Stillingen blev besat uden samtale med ansøgeren med fortrinsadgang.",
            "application_id": case["id"],
        },
        page,
    )
    assert done.status_code == 302
    page = page_of(caseworker, "/breaches")
    assert "Overtrædelsen er registreret." in page
    assert "Aarhus Kommune" in page and "30. november 2026" in page and "Jobcenteret" in page
    assert f'href="/applications/{case["id"]}"' in page
    admin_page = page_of(browser(app, world.admin), "/breaches")
    assert "Stillingen blev besat uden samtale" in admin_page
    # København's jobcentre does not see a breach of an Aarhus employer it had nothing to do with.
    assert "Stillingen blev besat uden samtale" not in page_of(
        browser(app, world.cw_kbh), "/breaches"
    )


# --- the top official ----------------------------------------------------------------------------


def test_kompensationslov_17a_stk4_the_admin_records_the_top_official(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    admin = browser(app, world.admin)
    page = page_of(admin, "/admin/organisations")
    created = post(
        admin,
        "/admin/organisations",
        {
            "name": "Skanderborg Kommune",
            "kind": "municipality",
            "municipality_code": "746",
            "top_official_name": "Byrådet, Skanderborg Kommune",
            "top_official_email": "byraadet@skanderborg.example",
        },
        page,
    )
    assert created.status_code == 302
    page = page_of(admin, "/admin/organisations")
    assert "Organisationen er oprettet." in page
    assert "Byrådet, Skanderborg Kommune" in page
    path = f"/admin/organisations/{world.org_region}/top-official"
    wrong = post(admin, path, {"top_official_name": "Regionsrådet", "top_official_email": "nej"})
    assert wrong.status_code == 302
    assert "Ikke gemt." in page_of(admin, "/admin/organisations")
    region = organisation(api, world, world.org_region)
    assert region["top_official_name"] is None
    done = post(
        admin,
        path,
        {"top_official_name": "Regionsrådet", "top_official_email": "regionsraadet@rm.example"},
    )
    assert done.status_code == 302
    region = organisation(api, world, world.org_region)
    assert region["top_official_name"] == "Regionsrådet"
    assert region["top_official_email"] == "regionsraadet@rm.example"
    assert "Den øverste ledelse er gemt." in page_of(admin, "/admin/organisations")
    employer = browser(app, world.employer)
    page_of(employer, "/admin/organisations", 403)
