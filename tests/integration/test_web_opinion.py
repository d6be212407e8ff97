"""The Ankestyrelsen page (issue 10, point 2; domain.md section 12): where and how to send the
request, the case reference and the refusal to enclose, a copy button; registering that it was sent
happens on the page, and afterwards it says "Du bad om en udtalelse den ..." and urges nothing more.
On SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask

from tests.integration.conftest import LEGAL, Api, World, apply, drive, vacancy
from tests.integration.test_web_every_path import browser, case_of, page_of, post, text


def test_the_page_says_where_how_and_with_what_and_records_the_request(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "opinion_window")
    applicant = browser(app, world.applicant)
    path = f"/applications/{case['id']}/ankestyrelsen"
    page = page_of(applicant, path)
    for where in ("sikkermail@ast.dk", "ast@ast.dk", "Ankestyrelsen, 7998 Statsservice"):
        assert where in page
    assert "Fortrin sender ikke anmodningen for dig." in page
    assert page.count(case["id"]) >= 2  # shown, and in the draft to copy
    assert 'data-copy="request-text"' in page and "Kopiér teksten" in page
    assert "Vedlæg afslaget fra" in page and LEGAL in page  # the refusal to enclose
    assert "Jeg har sendt anmodningen" in page

    # A date in the future: the same page, the error named, "Fejl:" in the title.
    refused = post(
        applicant,
        path.replace("/ankestyrelsen", ""),
        {
            "type": "opinion_requested",
            "return_to": "ankestyrelsen",
            "requested_on": "2099-01-01",
        },
        page,
    )
    assert refused.status_code == 422
    body = text(refused)
    assert "<title>Fejl:" in body and 'id="error-summary"' in body
    assert 'href="#opinion-requested-requested-on"' in body
    assert case_of(api, world, case["id"])["state"] == "opinion_window"

    done = post(
        applicant,
        path.replace("/ankestyrelsen", ""),
        {
            "type": "opinion_requested",
            "return_to": "ankestyrelsen",
            "requested_on": "2026-12-01",
        },
        page,
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(path)
    assert case_of(api, world, case["id"])["state"] == "opinion_requested"
    after = page_of(applicant, path)
    assert "Du bad om en udtalelse den 1. december 2026" in after
    assert "request-text" not in after and "Jeg har sendt anmodningen" not in after
    assert "Sidste frist" not in after
    case_page = page_of(applicant, f"/applications/{case['id']}")
    assert "Ankestyrelsen blev bedt om en udtalelse den 1. december 2026" in case_page
    assert "Sådan beder du Ankestyrelsen om en udtalelse" not in case_page


def test_the_page_is_the_applicants_not_the_employers(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "opinion_window")
    employer = browser(app, world.employer)
    page_of(employer, f"/applications/{case['id']}/ankestyrelsen", 404)
    refused = post(
        employer,
        f"/applications/{case['id']}",
        {"type": "opinion_requested", "return_to": "ankestyrelsen", "requested_on": "2026-12-01"},
    )
    assert refused.status_code == 403
    assert case_of(api, world, case["id"])["state"] == "opinion_window"
