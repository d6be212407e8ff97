"""The whole story over HTTP, as people would live it (issue: "Done when").

A job applicant with a disability applies directly to Aarhus Kommune, is interviewed and not hired.
The employer gives its written statement, the jobcentre negotiates and writes minutes, the employer
refuses by ordinary letter, the window to Ankestyrelsen opens, and the applicant asks in time.
A second applicant, refused by Digital Post, asks a day late and is refused (opinion_window_closed).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.integration.conftest import PASSWORD, Api, World, apply, drive, ok


def sign_in(api: Api, email: str) -> dict[str, str]:
    response = api.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_direct_route_not_hired_statement_minutes_refusal_by_letter_and_opinion_request(
    app: Flask, api: Api, world: World
) -> None:
    client: Any = api.client
    hr = sign_in(api, world.employer.email)
    ida = sign_in(api, world.applicant.email)
    karen = sign_in(api, world.cw_aarhus.email)

    # The employer posts a vacancy requiring an office education.
    vacancy = client.post(
        "/api/v1/vacancies",
        headers=hr,
        json={
            "title": "Administrativ medarbejder, Borgerservice",
            "kind": "job",
            "formal_education_requirement": "Kontoruddannelse (EUD)",
            "application_deadline": "2026-12-15",
            "workplace_municipality_code": "751",
            "workplace_jobcentre_code": None,
        },
    ).json

    # Ida applies directly, stating that she uses her preferential access.
    case = client.post(
        "/api/v1/applications", headers=ida, json={"vacancy_id": vacancy["id"], "route": "direct"}
    )
    assert case.status_code == 201
    case_id = case.json["id"]
    events = f"/api/v1/applications/{case_id}/events"
    # Bo, from København, applies too; his case runs the same course (see drive()).
    bo_case = apply(api, world.applicant_kbh, vacancy["id"])["id"]
    drive(api, world, bo_case, "refusal_pending")

    def send(headers: dict[str, str], **body: Any) -> dict[str, Any]:
        return ok(client.post(events, headers=headers, json=body))

    assert send(
        hr,
        type="eligibility_check",
        eligible=True,
        reasoning="Ansøgeren har kontoruddannelsen, som opslaget kræver.",
    )["state"] == ("interview_required")
    assert (
        send(
            hr,
            type="interview_scheduled",
            starts_at="2026-12-03T10:00:00+01:00",
            location="Rådhuspladsen 2, Aarhus, mødelokale 4",
        )["state"]
        == "interview_scheduled"
    )

    app.config["FORTRIN_NOW"] = "2026-12-03T12:00:00+01:00"
    hr, ida, karen = (
        sign_in(api, u.email) for u in (world.employer, world.applicant, world.cw_aarhus)
    )
    assert send(hr, type="interview_held")["state"] == "interviewed"
    assert send(
        hr,
        type="decision",
        outcome="not_hired",
        reasoning="En anden ansøger har længere erfaring med borgerbetjening.",
    )["state"] == ("statement_required")
    # Until the statement and the negotiation are done, the vacancy may not be filled.
    refused = client.post(
        f"/api/v1/vacancies/{vacancy['id']}/fill", headers=hr, json={"filled_by": "external"}
    )
    assert refused.status_code == 409
    assert refused.json["error"]["outstanding"] == [
        {"application_id": case_id, "duty": "statement", "owner": "employer"}
    ]
    assert (
        send(
            hr,
            type="statement_submitted",
            text="Vi foretrækker en ansøger med fem års erfaring fra borgerservice.",
        )["state"]
        == "negotiation_required"
    )
    refused = client.post(
        f"/api/v1/vacancies/{vacancy['id']}/fill", headers=hr, json={"filled_by": "external"}
    )
    assert refused.json["error"]["outstanding"][0]["owner"] == "jobcentre"

    app.config["FORTRIN_NOW"] = "2026-12-07T14:00:00+01:00"
    hr, ida, karen = (
        sign_in(api, u.email) for u in (world.employer, world.applicant, world.cw_aarhus)
    )
    assert (
        send(
            karen,
            type="negotiation_held",
            held_on="2026-12-07",
            minutes="Ansøgerens kompetencer gennemgået; personlig assistance og "
            "arbejdsredskaber præsenteret. Arbejdsgiveren fastholder afslaget.",
            competences_considered=True,
            disability_not_decisive=True,
            schemes_presented=["personal_assistance", "assistive_devices"],
            outcome="no_hire",
        )["state"]
        == "refusal_pending"
    )
    ok(
        client.post(
            f"/api/v1/vacancies/{vacancy['id']}/fill", headers=hr, json={"filled_by": "external"}
        )
    )

    # The refusal goes by ordinary letter on Monday 7 December: received 6 working days later.
    window = send(
        hr,
        type="refusal_notified",
        channel="letter",
        sent_on="2026-12-07",
        reasoning="Du er ikke ansat, fordi en anden ansøger har mere erfaring.",
    )
    assert window["state"] == "opinion_window"
    deadline = window["deadlines"][0]
    assert (deadline["kind"], deadline["due"], deadline["basis"], deadline["received_on"]) == (
        "opinion_request",
        "2027-01-12",
        "received 2026-12-15 + 4 weeks",
        "2026-12-15",
    )
    assert "6 hverdage" in deadline["guidance"] and "12. januar 2027" in deadline["guidance"]

    # Bo was refused by Digital Post the same day: his last day is Monday 4 January.
    ok(
        client.post(
            f"/api/v1/applications/{bo_case}/events",
            headers=hr,
            json={
                "type": "refusal_notified",
                "channel": "digital_post",
                "sent_on": "2026-12-07",
                "reasoning": "Du er ikke ansat, fordi en anden ansøger har mere erfaring.",
            },
        )
    )

    app.config["FORTRIN_NOW"] = "2027-01-05T08:00:00+01:00"
    late = client.post(
        f"/api/v1/applications/{bo_case}/events",
        headers=sign_in(api, world.applicant_kbh.email),
        json={"type": "opinion_requested", "requested_on": "2027-01-05"},
    )
    assert late.status_code == 409
    assert late.json["error"]["code"] == "opinion_window_closed"
    assert "2027-01-04" in late.json["error"]["message"]

    # Ida asks Ankestyrelsen on 10 January 2027, in time.
    app.config["FORTRIN_NOW"] = "2027-01-10T20:00:00+01:00"
    ida = sign_in(api, world.applicant.email)
    requested = send(ida, type="opinion_requested", requested_on="2027-01-10")
    assert requested["state"] == "opinion_requested"
    assert [e["type"] for e in requested["timeline"]] == [
        "submitted",
        "eligibility_check",
        "interview_scheduled",
        "interview_held",
        "decision",
        "statement_submitted",
        "negotiation_held",
        "refusal_notified",
        "opinion_requested",
    ]
    assert requested["outstanding_duties"][0]["duty"] == "record_opinion"
