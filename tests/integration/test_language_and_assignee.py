"""Issue 10: a person's chosen language reaches what the service writes to them (pages, notices,
e-mails, scheme names), and a caseworker takes cases (the queue's "Mine")."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlmodel import select

from fortrin import db
from fortrin.models import AuditEvent, Notification, User
from fortrin.scheduler import reminder_pass
from tests.integration.conftest import (
    Api,
    World,
    apply,
    drive,
    event,
    make_user,
    now_of,
    ok,
    set_now,
    vacancy,
)
from tests.integration.test_web_every_path import browser, case_of, page_of, post, text


def notices(app: Flask, user: User, kind: str) -> list[Notification]:
    with app.app_context():
        return list(
            db.session()
            .exec(select(Notification).where(Notification.recipient_id == user.id))
            .all()
            if kind == "*"
            else db.session()
            .exec(
                select(Notification).where(
                    Notification.recipient_id == user.id, Notification.kind == kind
                )
            )
            .all()
        )


def language_of(app: Flask, user: User) -> str | None:
    with app.app_context():
        found = db.session().get(User, user.id)
        assert found is not None
        return found.language


# --- the language ------------------------------------------------------------------------------


def test_the_api_keeps_the_callers_language_and_refuses_others(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    assert ok(api.get("/api/v1/me", world.applicant))["language"] == "da"
    chosen = api.call("PATCH", "/api/v1/me", world.applicant, json={"language": "en"})
    assert chosen.status_code == 200 and chosen.json["language"] == "en"
    assert language_of(app, world.applicant) == "en"
    for bad in ({"language": "de"}, {"language": None}, {}, {"language": "en", "role": "admin"}):
        refused = api.call("PATCH", "/api/v1/me", world.applicant, json=bad)
        assert refused.status_code == 422, bad
        assert "fields" in refused.json["error"]
    assert language_of(app, world.applicant) == "en"  # nothing half-written
    back = api.call("PATCH", "/api/v1/me", world.applicant, json={"language": "da"})
    assert back.json["language"] == "da" and language_of(app, world.applicant) is None


def test_the_footer_switch_is_kept_on_the_account_and_restored_at_sign_in(
    app: Flask, world: World
) -> None:
    citizen = browser(app, world.applicant)
    assert citizen.get("/language/en").status_code == 302
    assert language_of(app, world.applicant) == "en"
    fresh = browser(app, world.applicant)  # another device: English from the account
    assert '<html lang="en">' in page_of(fresh, "/")
    assert fresh.get("/language/da").status_code == 302
    assert language_of(app, world.applicant) is None
    assert '<html lang="da">' in page_of(browser(app, world.applicant), "/")


def test_every_notice_is_written_in_both_languages_and_read_in_the_readers(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "interview_scheduled")  # told while she still reads Danish
    (invitation,) = notices(app, world.applicant, "interview_invitation")
    assert invitation.subject == "Du er indkaldt til ansættelsessamtale 3. december 2026 kl. 09:00"
    assert invitation.subject_en == "You are invited to a job interview 3 December 2026 at 09:00"
    assert invitation.body_en is not None
    assert "has invited you to a job interview about" in invitation.body_en
    assert "«Administrativ medarbejder» at Aarhus Kommune" in invitation.body_en
    assert "Add the interview to your calendar:" in invitation.body_en
    assert "See the case:" in invitation.body_en
    assert "indkaldt" not in invitation.body_en and "december" not in invitation.body_en

    listed = api.get("/api/v1/me/notifications", world.applicant).json
    assert [n["subject"] for n in listed] == [invitation.subject]
    ok(api.call("PATCH", "/api/v1/me", world.applicant, json={"language": "en"}))
    # What was written before the change is read in English now, in the API and on the page.
    listed = api.get("/api/v1/me/notifications", world.applicant).json
    assert [n["subject"] for n in listed] == [invitation.subject_en]
    assert listed[0]["body"] == invitation.body_en
    assert invitation.subject_en in page_of(browser(app, world.applicant), "/")

    # The scheduled pass (no request, its own language) the day before the interview.
    set_now(app, "2026-12-02T09:00:00+01:00")
    with app.app_context():
        reminder_pass()
    (to_applicant,) = notices(app, world.applicant, "interview_reminder")
    assert len(notices(app, world.employer, "interview_reminder")) == 1
    assert to_applicant.in_language("en")[0] == "Job interview 3 December 2026 at 09:00"
    assert to_applicant.in_language("en")[1].startswith(
        "Remember your job interview about «Administrativ"
    )
    employer_view = api.get("/api/v1/me/notifications", world.employer).json
    subject = next(n["subject"] for n in employer_view if n["kind"] == "interview_reminder")
    assert subject.startswith("Ansættelsessamtale med Ida Ansøger 3. december 2026")


def test_an_email_goes_out_in_the_language_its_reader_chose(app: Flask, world: World) -> None:
    from fortrin.notifications import deliver_due

    api = Api(app, app.test_client())
    ok(api.call("PATCH", "/api/v1/me", world.applicant, json={"language": "en"}))
    app.config["FORTRIN_SMTP_URL"] = "smtp://127.0.0.1:1"  # e-mails are queued; none really sent
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "interview_scheduled")
    sent: list[Any] = []

    class Outbox:
        def send(self, message: Any) -> None:
            sent.append(message)

    with app.app_context():
        deliver_due(db.engine(), now_of(app), Outbox())
    by_address = {m["To"]: m for m in sent}
    to_her = by_address[world.applicant.email]
    assert to_her["Subject"] == "You are invited to a job interview 3 December 2026 at 09:00"
    assert to_her["Content-Language"] == "en"
    assert "See the case:" in to_her.get_content()


def test_every_notice_text_has_its_english(app: Flask) -> None:
    """Each Danish text of the notices and reminders is in the English catalogue: rendered in
    English, none of the Danish words that every Danish text of them has is left."""
    from flask_babel import force_locale

    from fortrin.workflows import notices as n
    from fortrin.workflows import reminders as r

    with app.test_request_context(), force_locale("en"):
        english = [
            n.right_to_opinion(),
            r.case_title("X", "Y"),
            r.see_case("https://x"),
            r.long_date(__import__("datetime").date(2026, 12, 1)),
        ]
    assert english == [
        "You have the right to ask Ankestyrelsen's Employment Committee for an opinion on "
        "whether the employer kept the rules on the interview and the negotiation (Act on "
        "Compensation for Disabled Persons in Employment § 17 a(3)).",
        "«X» at Y",
        "\n\nSee the case: https://x",
        "1 December 2026",
    ]


# --- taking cases ------------------------------------------------------------------------------


def _assign(api: Api, user: User, case_id: str, assignee: Any) -> Any:
    return api.put(f"/api/v1/applications/{case_id}/assignee", user, json={"assignee_id": assignee})


def test_a_caseworker_takes_a_case_gives_it_on_and_lets_it_go(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    colleague = make_user(app, "caseworker", jobcentre_code="751", name="Bo Kollega")
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"], "via_jobcentre")
    path = f"/api/v1/applications/{case['id']}"
    assert case_of(api, world, case["id"])["assignee_id"] is None
    taken = _assign(api, world.cw_aarhus, case["id"], world.cw_aarhus.id)
    assert taken.status_code == 200 and taken.json["assignee_id"] == world.cw_aarhus.id
    # Who may not: another jobcentre (the case is none of its business), an employer, the citizen.
    assert _assign(api, world.cw_kbh, case["id"], world.cw_kbh.id).status_code == 404
    assert _assign(api, world.employer, case["id"], None).status_code == 403
    assert _assign(api, world.applicant, case["id"], None).status_code == 403
    # Whom it may not go to: a caseworker elsewhere, an employer, no one known; bad bodies.
    for bad in (world.cw_kbh.id, world.employer.id, "x" * 32):
        refused = _assign(api, world.cw_aarhus, case["id"], bad)
        assert refused.status_code == 422 and "assignee_id" in refused.json["error"]["fields"], bad
    for body in ({}, {"assignee_id": 7}, {"assignee_id": ""}, {"assignee_id": None, "x": 1}):
        refused = api.put(f"{path}/assignee", world.cw_aarhus, json=body)
        assert refused.status_code == 422, body
    assert case_of(api, world, case["id"])["assignee_id"] == world.cw_aarhus.id
    given = _assign(api, world.cw_aarhus, case["id"], colleague.id)
    assert given.json["assignee_id"] == colleague.id
    # The applicant and the employer do not see who has it.
    assert ok(api.get(path, world.applicant))["assignee_id"] is None
    released = _assign(api, colleague, case["id"], None)
    assert released.status_code == 200 and released.json["assignee_id"] is None
    with app.app_context():
        changes = db.session().exec(
            select(AuditEvent.detail).where(
                AuditEvent.entity_id == case["id"], AuditEvent.action == "update"
            )
        )
        assert sorted(changes.all()) == sorted(
            [f"assignee={world.cw_aarhus.id}", f"assignee={colleague.id}", "assignee=-"]
        )


def test_the_caseworker_who_took_the_case_is_the_one_reminded(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    colleague = make_user(app, "caseworker", jobcentre_code="751", name="Bo Kollega")
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"], "via_jobcentre")
    ok(_assign(api, colleague, case["id"], colleague.id))
    set_now(app, "2026-12-10T09:00:00+01:00")  # 7 working days without an assessment
    with app.app_context():
        reminder_pass()
    assert [n.kind for n in notices(app, colleague, "assessment_due")] == ["assessment_due"]
    assert notices(app, world.cw_aarhus, "assessment_due") == []


def test_a_move_to_another_jobcentre_lets_the_case_go(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"], "via_jobcentre")
    ok(_assign(api, world.cw_aarhus, case["id"], world.cw_aarhus.id))
    moved = event(
        api,
        world.cw_aarhus,
        case["id"],
        type="transferred",
        home_municipality_code="101",
        reason="Flyttet til København",
    )
    assert moved.status_code == 200, moved.json
    assert case_of(api, world, case["id"])["assignee_id"] is None


def test_the_queue_shows_mine_and_the_case_page_takes_it(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    first = apply(api, world.applicant, vacancy(api, world.employer)["id"], "via_jobcentre")
    other = vacancy(api, world.employer, title="Pedel")
    second = apply(api, world.applicant, other["id"], "via_jobcentre")
    caseworker = browser(app, world.cw_aarhus)
    page = page_of(caseworker, f"/applications/{first['id']}")
    assert "Ingen har taget sagen endnu." in page and "Tag sagen" in page
    taken = post(
        caseworker,
        f"/applications/{first['id']}/sagsbehandler",
        {"assignee_id": world.cw_aarhus.id},
        page,
    )
    assert taken.status_code == 302
    page = page_of(caseworker, f"/applications/{first['id']}")
    assert "Du har taget sagen." in page and "Tag sagen</button>" not in page
    home = page_of(caseworker, "/")
    assert "Mine sager: <strong>1</strong>" in home
    mine = page_of(caseworker, "/?mine=1")
    assert "Viser 1 sag" in mine and "Administrativ medarbejder" in mine and "Pedel" not in mine
    assert 'id="queue-mine" name="mine" value="1" checked' in mine
    everyone = page_of(caseworker, "/")
    assert "Pedel" in everyone and "Min sag" in everyone
    # A colleague chosen from the list; a bad choice is named, never a server error.
    bad = post(
        caseworker,
        f"/applications/{second['id']}/sagsbehandler",
        {"assignee_choice": world.cw_kbh.id},
        page_of(caseworker, f"/applications/{second['id']}"),
    )
    assert bad.status_code == 422 and "Vælg en sagsbehandler fra listen." in text(bad)
    assert case_of(api, world, second["id"])["assignee_id"] is None
    # An employer has no such form, and cannot post it.
    employer = browser(app, world.employer)
    drive(api, world, first["id"], "interview_required")
    assert "Tag sagen" not in page_of(employer, f"/applications/{first['id']}")
    refused = post(
        employer,
        f"/applications/{first['id']}/sagsbehandler",
        {"assignee_id": world.employer.id},
        page_of(employer, f"/applications/{first['id']}"),
    )
    assert refused.status_code == 403
