"""Issue 10, point 7: the applicant is told when she is invited (and when the interview is moved) and
can put the interview in her calendar from the case page; a card holder finds her cards and their
sharing choice on her home page; an employer checks a card's code without signing in, typed as
people type it (no dashes, spaces, small letters).

Each test calls the API through a test client of its own (as test_web_every_path.py does): the
shared ``client`` fixture keeps its last request's context pushed, and with it one ``g``, which
would mix the CSRF tokens of the browsers signed in here."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import func
from sqlmodel import col, select

from fortrin import clock, db
from fortrin.blueprints.web.admin_and_cards import normalised_code
from fortrin.models import AuditEvent, Notification
from fortrin.scheduler import reminder_pass
from tests.integration.conftest import Api, World, apply, drive, event, ok, vacancy
from tests.integration.test_cards import IMPAIRMENT, card_body, conversation, issued_card
from tests.integration.test_web_every_path import browser, page_of, post, text

PLACE = "Rådhuset, lokale 12, Rådhuspladsen 2, 8000 Aarhus C"


def notices(app: Flask, user_id: str, kind: str | None = None) -> list[Notification]:
    with app.app_context():
        query = select(Notification).where(Notification.recipient_id == user_id)
        if kind is not None:
            query = query.where(Notification.kind == kind)
        return list(db.session().exec(query.order_by(col(Notification.id))).all())


def invited(api: Api, world: World) -> dict[str, Any]:
    """A case whose interview is booked for 3 December 2026 at 09:00 (Copenhagen) in the town hall."""
    v = vacancy(api, world.employer, title="Pedel, Rådhuset")
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_required")
    return ok(
        event(
            api,
            world.employer,
            case["id"],
            type="interview_scheduled",
            starts_at="2026-12-03T09:00:00+01:00",
            location=PLACE,
        )
    )


# --- the invitation: a notice, once per scheduling -------------------------------------------------


def test_the_applicant_is_told_of_the_invitation_and_of_each_move_once(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = invited(api, world)
    [invitation] = notices(app, world.applicant.id, "interview_invitation")
    assert invitation.application_id == case["id"]
    assert invitation.subject == "Du er indkaldt til ansættelsessamtale 3. december 2026 kl. 09:00"
    assert "«Pedel, Rådhuset» hos Aarhus Kommune" in invitation.body
    assert f"Sted: {PLACE}." in invitation.body
    assert f"http://fortrin.test/applications/{case['id']}/samtale.ics" in invitation.body
    assert invitation.link == f"http://fortrin.test/applications/{case['id']}"
    assert (invitation.channel, invitation.status) == ("in_app", "sent")
    # Nothing about health, and the employer (who booked it) is not told of its own booking.
    assert "Epilepsi" not in invitation.body and IMPAIRMENT not in invitation.body
    assert notices(app, world.employer.id, "interview_invitation") == []

    # Moved: told again, once, with the new time (summer time is +02:00 in Copenhagen).
    ok(
        event(
            api,
            world.employer,
            case["id"],
            type="interview_scheduled",
            starts_at="2026-12-04T13:30:00+01:00",
            location="Rådhuset, lokale 3",
        )
    )
    [moved] = notices(app, world.applicant.id, "interview_moved")
    assert moved.subject == "Din ansættelsessamtale er flyttet til 4. december 2026 kl. 13:30"
    assert "Sted: Rådhuset, lokale 3." in moved.body
    # A reminder pass makes no second notice of either.
    with app.app_context():
        reminder_pass()
    assert len(notices(app, world.applicant.id, "interview_invitation")) == 1
    assert len(notices(app, world.applicant.id, "interview_moved")) == 1


def test_the_invitation_is_e_mailed_when_mail_is_configured(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    app.config["FORTRIN_SMTP_URL"] = "smtp://mail.test:25"
    invited(api, world)
    [invitation] = notices(app, world.applicant.id, "interview_invitation")
    assert (invitation.channel, invitation.status) == ("email", "pending")


def test_the_notice_is_in_the_applicants_inbox_on_her_home_page(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    invited(api, world)
    home = page_of(browser(app, world.applicant), "/")
    assert "Du er indkaldt til ansættelsessamtale 3. december 2026 kl. 09:00" in home


# --- the interview in a calendar -------------------------------------------------------------------


def test_the_case_page_links_the_interview_as_ics_scoped_like_the_case(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = invited(api, world)
    path = f"/applications/{case['id']}/samtale.ics"
    for user in (world.applicant, world.employer):
        client = browser(app, user)
        page = page_of(client, f"/applications/{case['id']}")
        assert f'href="{path}"' in page and "Læg samtalen i din kalender" in page
        assert 'href="/#calendar-url"' in page  # the feed of all interviews and deadlines
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.headers["Cache-Control"] == "no-store"
        calendar = Calendar.from_ical(text(response))
        assert str(calendar["method"]) == "PUBLISH"
        [interview] = calendar.walk("VEVENT")
        start = interview.decoded("dtstart")
        assert start == datetime(2026, 12, 3, 9, 0, tzinfo=clock.COPENHAGEN)
        assert str(interview["dtstart"].params["TZID"]) == "Europe/Copenhagen"
        assert interview.decoded("dtend") - start == timedelta(hours=1)
        assert str(interview["location"]) == PLACE
        assert str(interview["uid"]) == f"interview-{case['id']}@fortrin"
        assert "VTIMEZONE" in text(response)
        assert "Epilepsi" not in text(response)
    # The caseworker of the handling jobcentre may see the case, so its interview too.
    assert browser(app, world.cw_aarhus).get(path).status_code == 200
    for stranger in (world.applicant_kbh, world.employer_region, world.cw_kbh):
        client = browser(app, stranger)
        assert client.get(path).status_code == 404
        assert client.get(f"/applications/{case['id']}").status_code == 404
    # Signed out: to the sign-in page, nothing of the case.
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_ics_follows_a_move_and_is_404_before_an_interview_is_booked(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    client = browser(app, world.applicant)
    path = f"/applications/{case['id']}/samtale.ics"
    assert client.get(path).status_code == 404
    assert "Læg samtalen i din kalender" not in page_of(client, f"/applications/{case['id']}")
    drive(api, world, case["id"], "interview_scheduled")
    first = Calendar.from_ical(text(client.get(path))).walk("VEVENT")[0]
    ok(
        event(
            api,
            world.employer,
            case["id"],
            type="interview_scheduled",
            starts_at="2026-12-10T10:15:00+01:00",
            location="Kantinen",
        )
    )
    moved = Calendar.from_ical(text(client.get(path))).walk("VEVENT")[0]
    assert moved.decoded("dtstart") == datetime(2026, 12, 10, 10, 15, tzinfo=clock.COPENHAGEN)
    assert str(moved["location"]) == "Kantinen"
    assert str(moved["uid"]) == str(first["uid"])  # the calendar updates the event, no duplicate
    assert int(moved.decoded("sequence")) > int(first.decoded("sequence"))


def test_reading_the_ics_is_an_audited_read_of_the_case(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    case = invited(api, world)

    def reads() -> int:
        with app.app_context():
            return int(
                db.session()
                .exec(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(
                        AuditEvent.actor_id == world.applicant.id,
                        AuditEvent.entity_id == case["id"],
                    )
                )
                .one()
            )

    before = reads()
    assert browser(app, world.applicant).get(f"/applications/{case['id']}/samtale.ics").status_code
    assert reads() > before


# --- the card holder's cards on her home page --------------------------------------------------


def test_the_applicant_finds_her_cards_and_changes_her_sharing_choice(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    client = browser(app, world.applicant)
    assert "Du har ikke et kompensationskort" in page_of(client, "/")
    card = issued_card(api, world)
    home = page_of(client, "/")
    assert "Mine kompensationskort" in home
    assert f'href="/cards/{card["id"]}"' in home
    assert "Kompensationskort fra Jobcenter Aarhus" in home
    assert "Gyldigt til og med 31. december 2027." in home
    assert "Udstedt 1. december 2026" in home
    assert "Ikke delt" in home
    assert IMPAIRMENT not in home

    page = page_of(client, f"/cards/{card['id']}")
    assert "Deling med arbejdsgivere" in page
    assert "Kortet er ikke delt med arbejdsgivere." in page
    assert re.search(r'id="share-no"[^>]*checked', page)
    assert card["verification_code"] in page and 'href="http://fortrin.test/kort/tjek"' in page
    shared = post(client, f"/cards/{card['id']}/share", {"shared": "yes"}, page)
    assert shared.status_code == 302 and shared.headers["Location"] == f"/cards/{card['id']}"
    page = page_of(client, f"/cards/{card['id']}")
    assert "Dit valg om deling er gemt." in page
    assert re.search(r'id="share-yes"[^>]*checked', page)
    stored = ok(api.get(f"/api/v1/compensation-cards/{card['id']}", world.applicant))
    assert stored["shared_with_employers"] is True
    assert "Delt med arbejdsgivere i dine sager" in page_of(client, "/")
    post(client, f"/cards/{card['id']}/share", {"shared": "no"}, page)
    stored = ok(api.get(f"/api/v1/compensation-cards/{card['id']}", world.applicant))
    assert stored["shared_with_employers"] is False

    # Another applicant neither sees the card nor changes its sharing.
    other = browser(app, world.applicant_kbh)
    assert other.get(f"/cards/{card['id']}").status_code == 404
    assert card["id"] not in page_of(other, "/")
    post(other, f"/cards/{card['id']}/share", {"shared": "yes"})
    stored = ok(api.get(f"/api/v1/compensation-cards/{card['id']}", world.applicant))
    assert stored["shared_with_employers"] is False


def test_expired_and_revoked_cards_are_listed_as_not_valid_and_drafts_not_at_all(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    card = issued_card(api, world)
    revoked = issued_card(api, world)
    ok(
        api.post(
            f"/api/v1/compensation-cards/{revoked['id']}/revoke",
            world.cw_aarhus,
            json={"reason": "Skrevet med forkert ordning"},
        )
    )
    client = browser(app, world.applicant)
    home = page_of(client, "/")
    assert home.count("Kompensationskort fra Jobcenter Aarhus</a>") == 2
    assert "Tilbagekaldt: ikke gyldigt." in home
    page = page_of(client, f"/cards/{revoked['id']}")
    assert "tilbagekaldt 1. december 2026" in page
    assert "Kortet er ikke gyldigt, så arbejdsgivere ser ikke dets ordninger" in page
    assert 'id="share-yes"' not in page

    app.config["FORTRIN_NOW"] = "2028-01-02T10:00:00+01:00"
    client = browser(app, world.applicant)
    home = page_of(client, "/")
    assert "Udløbet: gyldigt til og med 31. december 2027." in home
    assert 'id="share-yes"' not in page_of(client, f"/cards/{card['id']}")

    app.config["FORTRIN_NOW"] = "2026-12-01T09:00:00+01:00"
    talk = conversation(api, world)
    draft = api.post(
        "/api/v1/compensation-cards", world.cw_aarhus, json=card_body(world, talk["id"])
    ).json
    assert draft["id"] not in page_of(browser(app, world.applicant), "/")


# --- the employer's check of a card, without signing in --------------------------------------------


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("7K3M-Q9TX-4HND-W2PB", "7K3M-Q9TX-4HND-W2PB"),
        ("7k3mq9tx4hndw2pb", "7K3M-Q9TX-4HND-W2PB"),
        ("  7K3M Q9TX 4HND W2PB ", "7K3M-Q9TX-4HND-W2PB"),
        ("7k3m–q9tx—4hnd.w2pb", "7K3M-Q9TX-4HND-W2PB"),  # en and em dashes, a full stop
        ("7K3M-Q9TX-4HNO-WIPL", "7K3M-Q9TX-4HN0-W1P1"),  # O, I, L read as 0, 1, 1
        ("", ""),
        ("7K3M", "7K3M"),
    ],
)
def test_a_typed_code_is_read_as_printed(typed: str, printed: str) -> None:
    assert normalised_code(typed) == printed


def test_an_employer_checks_a_code_typed_any_way_without_signing_in(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    card = issued_card(api, world)
    code = card["verification_code"]
    anonymous = app.test_client()
    form = page_of(anonymous, "/kort/tjek")
    assert "<h1>Tjek et kompensationskort</h1>" in form
    assert 'name="kode"' in form and 'method="get"' in form
    assert "Du behøver ikke logge ind" in form
    for typed in (code, code.lower(), code.replace("-", ""), " ".join(code.split("-"))):
        response = anonymous.get("/kort/tjek", query_string={"kode": typed})
        assert response.status_code == 200, typed
        page = text(response)
        assert "Kortet er gyldigt" in page and "31. december 2027" in page
        assert "Ida Ansøger" in page and "Jobcenter Aarhus" in page
        assert "Tegnsprogs- og skrivetolkning som personlig assistance" in page
        assert "Ja: jobcenteret har givet forhåndstilsagn" in page
        assert "Nej: søges ved ansættelse" in page
        assert response.headers["X-Robots-Tag"] == "noindex"
        assert response.headers["Cache-Control"] == "no-store"
        # Never more than the API's public verification: not the impairment, the needs written
        # for the jobcentre, the CPR number, the e-mail, the amount limit.
        for secret in (
            IMPAIRMENT,
            "Tegnsprogstolk ved møder",
            "000101-0000",
            "20.000",
            "Teleslynge",
        ):
            assert secret not in page, secret
        assert world.applicant.email not in page


def test_the_check_says_clearly_when_no_card_has_the_code(app: Flask, world: World) -> None:
    anonymous = app.test_client()
    response = anonymous.get("/kort/tjek", query_string={"kode": "zzzz zzzz zzzz zzzz"})
    assert response.status_code == 404
    page = text(response)
    assert "Ingen kort har koden ZZZZ-ZZZZ-ZZZZ-ZZZZ" in page
    assert "Kontrollér, at koden er skrevet rigtigt." in page
    assert "<title>Ingen kort har koden – Tjek et kompensationskort – Fortrin</title>" in page
    assert 'value="zzzz zzzz zzzz zzzz"' in page  # kept, to be corrected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "Skriv kortets kode."),
        ("   - ", "Skriv kortets kode."),
        ("7K3M-Q9TX", "Koden har 16 tegn"),
        ("7K3M-Q9TX-4HND-W2PB-XXXX", "Koden har 16 tegn"),
    ],
)
def test_a_code_that_cannot_be_a_card_is_named_in_an_error_summary(
    app: Flask, typed: str, problem: str
) -> None:
    response = app.test_client().get("/kort/tjek", query_string={"kode": typed})
    assert response.status_code == 400
    page = text(response)
    assert 'id="error-summary"' in page and '<a href="#card-code">Kortets kode: ' in page
    assert problem in page and "<title>Fejl:" in page
    assert 'aria-invalid="true"' in page


def test_the_qr_page_is_public_and_offers_the_form_too(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    card = issued_card(api, world)
    page = api.client.get(f"/cards/verify/{card['verification_code']}")
    assert page.status_code == 200
    assert "Kortet er gyldigt" in text(page) and 'action="/kort/tjek"' in text(page)
    assert IMPAIRMENT not in text(page)


def test_the_check_is_linked_from_the_sign_in_page_and_the_employers_home(
    app: Flask, world: World
) -> None:
    assert 'href="/kort/tjek"' in page_of(app.test_client(), "/login")
    assert 'href="/kort/tjek"' in page_of(browser(app, world.employer), "/")


def test_the_check_in_english(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    card = issued_card(api, world)
    client = app.test_client()
    client.get("/language/en")
    page = text(client.get("/kort/tjek", query_string={"kode": card["verification_code"]}))
    assert "Check a compensation card" in page and "The card is valid" in page
    assert "31 December 2027" in page
