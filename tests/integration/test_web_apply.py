"""Issue 10, point 9 on the web pages: the list links each vacancy to its page; the page explains the
two routes (bek. § 6; domain.md section 2) and asks for one; the answers are checked before anything
is sent; the application goes through the same service function as the API; a confirmation links
to the case. A vacancy applied for says so instead of offering the form again. A caseworker chooses
the citizen once, by a search on the name, never from a list of every citizen. The service's
refusals are said in the page's words, and a refused post creates nothing."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.integration.conftest import Api, World, apply, event, set_now, vacancy
from tests.integration.test_web_every_path import browser, page_of, post, text

DIRECT = "Søg direkte hos arbejdsgiveren"
VIA = "Søg via jobcenteret"


def cases_of(api: Api, world: World) -> list[dict[str, Any]]:
    return list(api.get("/api/v1/applications", world.admin).json)


def apply_on_the_page(
    client: FlaskClient, vacancy_id: str, route: str, **fields: str
) -> tuple[Any, Any]:
    """Choose the route on the vacancy's page, then confirm the checked answers."""
    path = f"/vacancies/{vacancy_id}"
    query = f"?borger={fields['applicant_id']}" if "applicant_id" in fields else ""
    page = page_of(client, path + query)
    checked = post(client, f"{path}/apply", {"route": route, **fields}, page)
    sent = post(
        client, f"{path}/apply", {"route": route, "confirmed": "yes", **fields}, text(checked)
    )
    return checked, sent


def entry(listed: str, vacancy_id: str) -> str:
    """One vacancy's entry on the list."""
    match = re.search(rf'<section[^>]*aria-labelledby="v-{vacancy_id}">.*?</section>', listed, re.S)
    assert match, listed
    return match.group(0)


def case_id_from(location: str) -> str:
    match = re.fullmatch(r"/vacancies/[^/]+/applied/([^/]+)", location)
    assert match, location
    return match.group(1)


# --- the list ------------------------------------------------------------------------------------


def test_the_list_links_each_vacancy_to_its_page_and_marks_those_applied_for(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    first = vacancy(api, world.employer, title="Pedel, Rådhuset")
    second = vacancy(api, world.employer, title="Bogholder, Borgerservice")
    apply(api, world.applicant, first["id"])
    listed = page_of(browser(app, world.applicant), "/vacancies")
    assert f'href="/vacancies/{first["id"]}"' in listed
    assert f'href="/vacancies/{second["id"]}"' in listed
    # No apply form on the list any more: each vacancy is applied to from its page.
    assert "/apply" not in listed and 'name="route"' not in listed
    assert "Du har søgt" in entry(listed, first["id"])
    assert "Du har søgt" not in entry(listed, second["id"])


# --- the vacancy's page and the routes -----------------------------------------------------------


def test_the_vacancy_page_shows_the_vacancy_and_what_each_route_means(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    page = page_of(browser(app, world.applicant), f"/vacancies/{v['id']}")
    for shown in ("Administrativ medarbejder", "Aarhus Kommune", "Aarhus", "20. december 2026"):
        assert shown in page
    assert "Kontoruddannelse (EUD)" in page and "Stilling" in page
    assert DIRECT in page and VIA in page
    # What each means, in plain words (domain.md section 2).
    assert "Jobcenteret vurderer først, om du kan varetage stillingen" in page
    assert "Arbejdsgiveren må kun se på, om du opfylder de formelle uddannelseskrav" in page
    assert " checked" not in page  # no route is chosen for the applicant
    # The applicant sees no one else's case on the vacancy.
    assert "Ansøgninger med fortrinsadgang" not in page


def test_a_licence_says_the_authority_looks_only_at_obviously_less_qualified(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer, kind="stall", title="Stadeplads, Store Torv")
    page = page_of(browser(app, world.applicant), f"/vacancies/{v['id']}")
    assert "medmindre du er åbenbart ringere kvalificeret end de andre ansøgere" in page
    assert "formelle uddannelseskrav i opslaget" not in page


# --- applying: check, send, confirmation ---------------------------------------------------------


def test_an_applicant_checks_the_answers_then_applies_and_is_led_to_the_case(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    client = browser(app, world.applicant)
    checked, sent = apply_on_the_page(client, v["id"], "via_jobcentre")
    check = text(checked)
    assert checked.status_code == 200
    assert "Tjek oplysningerne, før ansøgningen sendes" in check
    assert VIA in check and "Administrativ medarbejder" in check and "Aarhus Kommune" in check
    assert "Jobcenteret vurderer først" in check  # what happens next
    assert f'href="/vacancies/{v["id"]}?rute=via_jobcentre#apply-heading"' in check  # "Ret"
    assert sent.status_code == 302
    case_id = case_id_from(sent.headers["Location"])
    case = api.get(f"/api/v1/applications/{case_id}", world.applicant).json
    assert case["route"] == "via_jobcentre" and case["state"] == "awaiting_assessment"
    assert case["applicant_id"] == world.applicant.id and case["vacancy_id"] == v["id"]
    confirmation = page_of(client, sent.headers["Location"])
    assert "Ansøgningen er sendt" in confirmation and VIA in confirmation
    assert f'href="/applications/{case_id}"' in confirmation
    assert "Du har søgt Administrativ medarbejder hos Aarhus Kommune" in confirmation
    # Back on the vacancy's page: no form to apply again, the case instead.
    again = page_of(client, f"/vacancies/{v['id']}")
    assert "Du har søgt denne stilling" in again and f'href="/applications/{case_id}"' in again
    assert 'name="route"' not in again
    assert "Afventer jobcenterets vurdering" in again


def test_checking_the_answers_creates_nothing(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    client = browser(app, world.applicant)
    path = f"/vacancies/{v['id']}"
    checked = post(client, f"{path}/apply", {"route": "direct"}, page_of(client, path))
    assert checked.status_code == 200 and DIRECT in text(checked)
    assert cases_of(api, world) == []
    # "Ret" comes back with the route kept.
    assert 'value="direct" aria-describedby="route-direct-hint" checked' in page_of(
        client, f"{path}?rute=direct"
    )


def test_no_route_chosen_is_named_in_the_error_summary_and_nothing_is_created(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    client = browser(app, world.applicant)
    path = f"/vacancies/{v['id']}"
    refused = post(client, f"{path}/apply", {}, page_of(client, path))
    page = text(refused)
    assert refused.status_code == 422
    assert "<title>Fejl:" in page and 'id="error-summary"' in page
    assert 'href="#route-direct"' in page and "Vælg, hvordan du vil søge." in page
    assert 'aria-describedby="route-help route-error"' in page
    refused = post(client, f"{path}/apply", {"route": "by_pigeon", "confirmed": "yes"}, page)
    assert refused.status_code == 422
    assert cases_of(api, world) == []


def test_sending_twice_makes_one_case_and_says_it_exists(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    client = browser(app, world.applicant)
    _, sent = apply_on_the_page(client, v["id"], "direct")
    assert sent.status_code == 302
    again = post(client, f"/vacancies/{v['id']}/apply", {"route": "direct", "confirmed": "yes"})
    page = text(again)
    assert again.status_code == 409
    assert "Du har allerede en åben sag om denne stilling." in page
    assert "Du har søgt denne stilling" in page
    assert len(cases_of(api, world)) == 1


def test_after_an_ended_case_the_applicant_may_apply_again(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer, title="Pedel, Rådhuset")
    case = apply(api, world.applicant, v["id"])
    assert event(api, world.applicant, case["id"], type="withdrawn").status_code == 200
    client = browser(app, world.applicant)
    page = page_of(client, f"/vacancies/{v['id']}")
    assert "Du har søgt denne stilling før. Sagen er afsluttet:" in page
    assert f'href="/applications/{case["id"]}"' in page and 'name="route"' in page
    assert "Du har søgt før" in page_of(client, "/vacancies")
    _, sent = apply_on_the_page(client, v["id"], "direct")
    assert sent.status_code == 302 and len(cases_of(api, world)) == 2


# --- the service's refusals, in the page's words -------------------------------------------------


def test_a_late_application_is_refused_in_the_pages_words(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer, application_deadline="2026-12-02")
    client = browser(app, world.applicant)
    page = page_of(client, f"/vacancies/{v['id']}")
    set_now(app, "2026-12-03T09:00:00+01:00")
    late = page_of(client, f"/vacancies/{v['id']}")
    assert "Ansøgningsfristen var 2. december 2026" in late and 'name="route"' not in late
    assert v["id"] not in page_of(client, "/vacancies")  # no longer offered
    refused = post(client, f"/vacancies/{v['id']}/apply", {"route": "direct"}, page)
    assert refused.status_code == 409
    body = text(refused)
    assert "<title>Fejl:" in body and 'href="#apply-heading"' in body
    assert "Ansøgningsfristen var 2. december 2026" in body
    assert "flytte fristen" in body and "2026-12-02" not in body
    assert cases_of(api, world) == []


def test_a_withdrawn_vacancy_cannot_be_applied_for(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    client = browser(app, world.applicant)
    page = page_of(client, f"/vacancies/{v['id']}")
    withdrawn = api.post(
        f"/api/v1/vacancies/{v['id']}/withdraw", world.employer, json={"reason": "Nedlagt."}
    )
    assert withdrawn.status_code == 200, withdrawn.json
    refused = post(client, f"/vacancies/{v['id']}/apply", {"route": "direct"}, page)
    # Out of the applicant's sight now (no case on it): the page is gone, nothing created.
    assert refused.status_code == 404
    assert cases_of(api, world) == []


# --- the caseworker, on a citizen's behalf -------------------------------------------------------


def test_a_caseworker_finds_the_citizen_once_by_name_and_applies_for_them(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    client = browser(app, world.cw_aarhus)
    listed = page_of(client, "/vacancies")
    assert "<select" not in listed and 'id="citizen-search"' in listed
    found = page_of(client, "/vacancies?soeg=ida")
    assert "Ida Ansøger" in found and f"/vacancies?borger={world.applicant.id}" in found
    # Only citizens of the jobcentre's area.
    assert world.applicant_kbh.name not in page_of(client, "/vacancies?soeg=test")
    chosen = page_of(client, f"/vacancies?borger={world.applicant.id}")
    assert "Du søger på vegne af" in chosen and "Ida Ansøger" in chosen
    assert f'href="/vacancies/{v["id"]}?borger={world.applicant.id}"' in chosen
    page = page_of(client, f"/vacancies/{v['id']}?borger={world.applicant.id}")
    assert f'name="applicant_id" value="{world.applicant.id}"' in page
    assert "om borgeren kan varetage stillingen" in page  # said to the caseworker
    checked, sent = apply_on_the_page(
        client, v["id"], "via_jobcentre", applicant_id=world.applicant.id
    )
    assert "Ida Ansøger" in text(checked) and "Ansøger" in text(checked)
    assert sent.status_code == 302
    case_id = case_id_from(sent.headers["Location"])
    case = api.get(f"/api/v1/applications/{case_id}", world.cw_aarhus).json
    assert case["applicant_id"] == world.applicant.id and case["route"] == "via_jobcentre"
    confirmation = page_of(client, sent.headers["Location"])
    assert "Ida Ansøger har søgt Administrativ medarbejder" in confirmation
    assert f"/vacancies?borger={world.applicant.id}" in confirmation
    assert "Ida Ansøger har søgt" in page_of(client, f"/vacancies?borger={world.applicant.id}")
    again = page_of(client, f"/vacancies/{v['id']}?borger={world.applicant.id}")
    assert "Ida Ansøger har søgt denne stilling" in again and 'name="route"' not in again


def test_a_caseworker_must_choose_a_citizen_of_the_area(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    client = browser(app, world.cw_aarhus)
    path = f"/vacancies/{v['id']}"
    page = page_of(client, path)
    assert "Vælg først den borger, du søger for." in page and 'name="route"' not in page
    outsider = page_of(client, f"{path}?borger={world.applicant_kbh.id}")
    assert "Borgeren findes ikke i jeres område" in outsider and 'name="route"' not in outsider
    refused = post(client, f"{path}/apply", {"route": "direct"}, page)
    assert refused.status_code == 422 and "Vælg den borger, du søger for." in text(refused)
    refused = post(
        client, f"{path}/apply", {"route": "direct", "applicant_id": world.applicant_kbh.id}, page
    )
    assert refused.status_code == 422 and "Borgeren findes ikke i jeres område" in text(refused)
    assert cases_of(api, world) == []


def test_a_search_that_is_empty_or_too_long_is_named(app: Flask, world: World) -> None:
    client = browser(app, world.cw_aarhus)
    empty = client.get("/vacancies?soeg=")
    assert empty.status_code == 400 and "Skriv borgerens navn." in text(empty)
    long = client.get("/vacancies?soeg=" + "a" * 101)
    assert long.status_code == 400 and "Skriv højst 100 tegn." in text(long)
    assert 'aria-invalid="true"' in text(long) and 'href="#citizen-search"' in text(long)
    nobody = page_of(client, "/vacancies?soeg=zzz")
    assert "Ingen borgere i jeres område passer til «zzz»." in nobody


def test_a_caseworker_is_told_when_another_jobcentre_handles_the_case(
    app: Flask, world: World
) -> None:
    """A vacancy at the citizen's own jobcentre is handled by its § 7 neighbour: the home jobcentre
    cannot apply for the citizen (403 not_handling_jobcentre), and the page says why."""
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer, workplace_jobcentre_code="751")
    client = browser(app, world.cw_aarhus)
    page = page_of(client, f"/vacancies/{v['id']}?borger={world.applicant.id}")
    refused = post(
        client,
        f"/vacancies/{v['id']}/apply",
        {"route": "via_jobcentre", "applicant_id": world.applicant.id},
        page,
    )
    assert refused.status_code == 403
    assert "Et andet jobcenter skal behandle sagen (bek. § 7)" in text(refused)
    assert "Borgeren kan selv søge stillingen." in text(refused)
    assert 'name="route"' not in text(refused)  # the same answers would be refused again
    assert cases_of(api, world) == []
    # The citizen can: routed to Skanderborg.
    _, sent = apply_on_the_page(browser(app, world.applicant), v["id"], "via_jobcentre")
    case = api.get(f"/api/v1/applications/{case_id_from(sent.headers['Location'])}", world.admin)
    assert case.json["handling_jobcentre_code"] == "746"


# --- who may, and the form's protection ----------------------------------------------------------


def test_the_employer_keeps_its_page_and_cannot_apply(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    client = browser(app, world.employer)
    page = page_of(client, f"/vacancies/{v['id']}")
    assert "Registrér stillingen som besat" in page and 'name="route"' not in page
    assert post(client, f"/vacancies/{v['id']}/apply", {"route": "direct"}, page).status_code == 403
    assert cases_of(api, world) == []


def test_applying_without_the_csrf_token_is_refused(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    client = browser(app, world.applicant)
    refused = client.post(
        f"/vacancies/{v['id']}/apply", data={"route": "direct", "confirmed": "yes"}
    )
    assert refused.status_code == 400
    assert cases_of(api, world) == []


def test_the_confirmation_is_only_the_applicants_and_only_for_its_vacancy(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    other = vacancy(api, world.employer, title="Pedel")
    _, sent = apply_on_the_page(browser(app, world.applicant), v["id"], "direct")
    case_id = case_id_from(sent.headers["Location"])
    stranger = browser(app, world.applicant_kbh)
    assert stranger.get(sent.headers["Location"]).status_code == 404
    mine = browser(app, world.applicant)
    assert mine.get(f"/vacancies/{other['id']}/applied/{case_id}").status_code == 404


def test_the_apply_pages_are_in_english_by_choice(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    client = browser(app, world.applicant)
    client.get("/language/en")
    page = page_of(client, f"/vacancies/{v['id']}")
    assert "Apply directly to the employer" in page and "Apply through the jobcentre" in page
    checked, _ = apply_on_the_page(client, v["id"], "direct")
    assert "Check the details before the application is sent" in text(checked)
