"""Issue 11, point 3: the figures of ``GET /api/v1/statistics`` (JSON and CSV) against a seeded set
of cases whose figures are counted by hand below, on SQLite and PostgreSQL.

The cases (2026; Copenhagen dates; Easter is 2-6 April, so 2, 3 and 6 April are not working days):

====  ======================  ============================================================================
case  who, route              steps (recorded on the day given unless a legal date is named)
====  ======================  ============================================================================
A     a1, via 751, Aarhus K.  applied 2 Mar; assessed 6 Mar (4 days); interview held 11 Mar; not hired 31 Mar;
                              statement 10 Apr (due 10 Apr: 5 working days, Easter skipped: on time);
                              negotiation recorded 20 Apr, held_on 17 Apr (due 24 Apr: on time; 7 days),
                              no hire; refusal sent 22 Apr (due 23 Apr: on time); opinion requested_on
                              30 Apr, recorded 4 May (counts in April); opinion 15 Jun: duties not kept,
                              so a breach found 15 Jun
B     a2, direct, Aarhus K.   applied 3 Mar; eligible 4 Mar; interview held 10 Mar; hired 12 Mar
C     a3, via 751, Aarhus K.  applied 16 Mar; assessed 26 Mar (10 days); interview held 1 Apr; not hired
                              1 Apr; statement 20 Apr (due 13 Apr: late); negotiation not held, recorded
                              6 May; refusal sent 12 May (due 11 May: late)
D     a4, via 751, Region     applied 7 Apr; assessed 9 Apr (2 days); interview held 14 Apr; not hired
                              15 Apr; statement 16 Apr (on time); negotiation held_on 4 May (due 30 Apr:
                              late; 18 days), hire
E     a5, via 751, Aarhus K.  applied 11 May; assessed 13 May (2 days): not suitable (the employer is never
                              contacted)
F     kbh, direct, Aarhus K.  applied 4 Mar: handled by København (101), not by Aarhus
H     a6, direct, Aarhus K.   applied 1 Jul 00:30 Copenhagen time (30 June 22:30 UTC): July
====  ======================  ============================================================================

and a breach the Aarhus caseworker records on 22 June, found 20 June, at Region Midtjylland.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fortrin import deadlines, statistics
from fortrin.blueprints.api.statistics import StatisticsOut
from fortrin.clock import COPENHAGEN
from fortrin.models import User
from tests.integration.conftest import (
    LEGAL,
    SUITABLE,
    Api,
    World,
    apply,
    event,
    make_user,
    ok,
    set_now,
    vacancy,
)
from tests.integration.test_cards import issued_card
from tests.integration.test_web import sign_in

PERIOD = "from=2026-03-01&to=2026-07-31"
MINUTES = {
    "minutes": LEGAL,
    "competences_considered": True,
    "disability_not_decisive": True,
    "schemes_presented": ["personal_assistance"],
}


@dataclass
class Seeded:
    a1: User
    cases: dict[str, str]


def at(app: Flask, moment: str) -> None:
    """Move the clock to a Copenhagen time (``2026-03-02 10:00``)."""
    set_now(app, datetime.fromisoformat(moment.replace(" ", "T")).isoformat())


def interview(api: Api, world: World, employer: User, case: str, booked: str, starts: str) -> None:
    at(api.app, booked)
    starts_at = datetime.fromisoformat(starts).replace(tzinfo=COPENHAGEN).isoformat()
    ok(
        event(
            api,
            employer,
            case,
            type="interview_scheduled",
            starts_at=starts_at,
            location="Rådhuset",
        )
    )
    at(api.app, (datetime.fromisoformat(starts) + timedelta(minutes=1)).isoformat())
    ok(event(api, employer, case, type="interview_held"))


def seed(api: Api, world: World) -> Seeded:
    app = api.app
    at(app, "2026-03-01 09:00")
    aarhus = vacancy(api, world.employer)["id"]
    region = vacancy(api, world.employer_region)["id"]
    a = [world.applicant] + [
        make_user(app, "applicant", home_municipality_code="751") for _ in range(5)
    ]
    cw, hr = world.cw_aarhus, world.employer

    # A: via the jobcentre, every duty, a breach.
    at(app, "2026-03-02 10:00")
    case_a = apply(api, a[0], aarhus, "via_jobcentre")["id"]
    at(app, "2026-03-06 11:00")
    ok(event(api, cw, case_a, type="assessment", reasoning=LEGAL, **SUITABLE))
    interview(api, world, hr, case_a, "2026-03-09 09:00", "2026-03-11 10:00")
    at(app, "2026-03-31 12:00")
    ok(event(api, hr, case_a, type="decision", outcome="not_hired", reasoning=LEGAL))
    at(app, "2026-04-10 12:00")
    ok(event(api, hr, case_a, type="statement_submitted", text=LEGAL))
    at(app, "2026-04-20 12:00")
    ok(
        event(
            api,
            cw,
            case_a,
            type="negotiation_held",
            held_on="2026-04-17",
            outcome="no_hire",
            **MINUTES,
        )
    )
    at(app, "2026-04-22 12:00")
    ok(
        event(
            api,
            hr,
            case_a,
            type="refusal_notified",
            reasoning=LEGAL,
            sent_on="2026-04-22",
            channel="digital_post",
        )
    )
    at(app, "2026-05-04 09:00")
    ok(event(api, a[0], case_a, type="opinion_requested", requested_on="2026-04-30"))
    at(app, "2026-06-15 09:00")
    ok(
        event(
            api,
            cw,
            case_a,
            type="opinion_received",
            received_on="2026-06-15",
            duties_kept=False,
            summary="Forhandlingen tog ikke stilling til kompensation.",
        )
    )

    # B: directly, hired.
    at(app, "2026-03-03 10:00")
    case_b = apply(api, a[1], aarhus)["id"]
    at(app, "2026-03-04 10:00")
    ok(event(api, hr, case_b, type="eligibility_check", eligible=True, reasoning=LEGAL))
    interview(api, world, hr, case_b, "2026-03-05 10:00", "2026-03-10 10:00")
    at(app, "2026-03-12 10:00")
    ok(event(api, hr, case_b, type="decision", outcome="hired"))

    # C: late statement, the negotiation not held, a late refusal.
    at(app, "2026-03-16 10:00")
    case_c = apply(api, a[2], aarhus, "via_jobcentre")["id"]
    at(app, "2026-03-26 10:00")
    ok(event(api, cw, case_c, type="assessment", reasoning=LEGAL, **SUITABLE))
    interview(api, world, hr, case_c, "2026-03-27 10:00", "2026-04-01 10:00")
    at(app, "2026-04-01 14:00")
    ok(event(api, hr, case_c, type="decision", outcome="not_hired", reasoning=LEGAL))
    at(app, "2026-04-20 14:00")
    ok(event(api, hr, case_c, type="statement_submitted", text=LEGAL))
    at(app, "2026-05-06 10:00")
    ok(event(api, hr, case_c, type="negotiation_not_held", attempts=LEGAL))
    at(app, "2026-05-12 10:00")
    ok(
        event(
            api,
            hr,
            case_c,
            type="refusal_notified",
            reasoning=LEGAL,
            sent_on="2026-05-12",
            channel="digital_post",
        )
    )

    # D: Region Midtjylland; a late negotiation that ends in a hire.
    at(app, "2026-04-07 10:00")
    case_d = apply(api, a[3], region, "via_jobcentre")["id"]
    at(app, "2026-04-09 10:00")
    ok(event(api, cw, case_d, type="assessment", reasoning=LEGAL, **SUITABLE))
    region_hr = world.employer_region
    interview(api, world, region_hr, case_d, "2026-04-10 10:00", "2026-04-14 10:00")
    at(app, "2026-04-15 10:00")
    ok(event(api, region_hr, case_d, type="decision", outcome="not_hired", reasoning=LEGAL))
    at(app, "2026-04-16 10:00")
    ok(event(api, region_hr, case_d, type="statement_submitted", text=LEGAL))
    at(app, "2026-05-04 15:00")
    ok(
        event(
            api,
            cw,
            case_d,
            type="negotiation_held",
            held_on="2026-05-04",
            outcome="hire",
            **MINUTES,
        )
    )

    # E: not suitable; the employer never hears of it.
    at(app, "2026-05-11 10:00")
    case_e = apply(api, a[4], aarhus, "via_jobcentre")["id"]
    at(app, "2026-05-13 10:00")
    ok(
        event(
            api,
            cw,
            case_e,
            type="assessment",
            can_perform=False,
            has_difficulty_getting_work=True,
            reasoning=LEGAL,
        )
    )

    # F: København's case; H: just after midnight on 1 July, Copenhagen time.
    at(app, "2026-03-04 10:00")
    case_f = apply(api, world.applicant_kbh, aarhus)["id"]
    at(app, "2026-07-01 00:30")
    case_h = apply(api, a[5], aarhus)["id"]

    at(app, "2026-06-22 10:00")
    breach = api.post(
        "/api/v1/breaches",
        cw,
        json={"organisation_id": world.org_region, "found_on": "2026-06-20", "summary": LEGAL},
    )
    assert breach.status_code == 201, breach.json
    set_now(app, "2026-12-01T09:00:00+01:00")
    cases = {"A": case_a, "B": case_b, "C": case_c, "D": case_d, "E": case_e}
    return Seeded(a[0], {**cases, "F": case_f, "H": case_h})


def zero(**figures: Any) -> dict[str, Any]:
    """A month's figures: 0 unless given, medians None unless given."""
    row: dict[str, Any] = {name: 0 for name in statistics.COUNTS}
    row.update({name: None for name in statistics.MEDIANS})
    row.update(figures)
    return row


def figures_of(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in statistics.FIGURES}


def stats(api: Api, user: User, query: str = PERIOD) -> dict[str, Any]:
    response = api.get(f"/api/v1/statistics?{query}", user)
    assert response.status_code == 200, response.json
    StatisticsOut.model_validate(response.json)  # the shape the OpenAPI description gives
    return dict(response.json)


# Aarhus (751), March to July, counted by hand from the table above.
AARHUS_MONTHS = {
    "2026-03": zero(
        applications=3,  # A, B, C
        assessments=2,  # A 4 days, C 10 days
        median_days_to_assessment=7.0,
        interviews_held=2,  # A, B
        hires=1,  # B
    ),
    "2026-04": zero(
        applications=1,  # D
        assessments=1,  # D 2 days
        median_days_to_assessment=2.0,
        interviews_held=2,  # C, D
        statements=3,  # A on time, C late, D on time
        statements_on_time=2,
        negotiations=1,  # A, held_on 17 April, 7 days after the statement
        negotiations_on_time=1,
        median_days_statement_to_negotiation=7.0,
        refusals=1,  # A
        refusals_on_time=1,
        opinions_requested=1,  # A: requested_on 30 April, recorded 4 May
    ),
    "2026-05": zero(
        applications=1,  # E
        assessments=1,  # E 2 days
        median_days_to_assessment=2.0,
        hires=1,  # D, by the negotiation held_on 4 May
        negotiations=1,  # D, 18 days, late
        median_days_statement_to_negotiation=18.0,
        negotiations_not_held=1,  # C
        refusals=1,  # C, late
    ),
    "2026-06": zero(breaches=2),  # A's (15 June) and the one recorded (20 June)
    "2026-07": zero(applications=1),  # H: 1 July in Copenhagen, 30 June in UTC
}
AARHUS_TOTAL = zero(
    applications=6,
    assessments=4,
    median_days_to_assessment=3.0,  # 2, 2, 4, 10
    interviews_held=4,
    hires=2,
    statements=3,
    statements_on_time=2,
    negotiations=2,
    negotiations_on_time=1,
    median_days_statement_to_negotiation=12.5,  # 7, 18
    negotiations_not_held=1,
    refusals=2,
    refusals_on_time=1,
    opinions_requested=1,
    breaches=2,
)


def test_an_admin_gets_the_hand_counted_figures_of_a_jobcentre(api: Api, world: World) -> None:
    seed(api, world)
    body = stats(api, world.admin, f"{PERIOD}&jobcentre=751")
    assert (body["from"], body["to"], body["jobcentre"], body["organisation_id"]) == (
        "2026-03-01",
        "2026-07-31",
        "751",
        None,
    )
    assert body["time_zone"] == "Europe/Copenhagen"
    assert body["small_counts_hidden_below"] is None  # an admin sees every figure
    assert [(p["period"], p["from"], p["to"]) for p in body["periods"]] == [
        ("2026-03", "2026-03-01", "2026-03-31"),
        ("2026-04", "2026-04-01", "2026-04-30"),
        ("2026-05", "2026-05-01", "2026-05-31"),
        ("2026-06", "2026-06-01", "2026-06-30"),
        ("2026-07", "2026-07-01", "2026-07-31"),
    ]
    assert {p["period"]: figures_of(p) for p in body["periods"]} == AARHUS_MONTHS
    assert figures_of(body["total"]) == AARHUS_TOTAL
    assert all(p["suppressed"] == [] for p in [*body["periods"], body["total"]])
    assert body["duties_on_time"] == [
        {"duty": "statement", "threshold_working_days": 5, "due": 3, "on_time": 2, "share": 0.667},
        {
            "duty": "negotiation",
            "threshold_working_days": 10,
            "due": 3,
            "on_time": 1,
            "share": 0.333,
        },
        {"duty": "refusal", "threshold_working_days": 3, "due": 2, "on_time": 1, "share": 0.5},
    ]
    # The card figures of the trial's evaluation (001) are the card report's, for the same period.
    report = api.get(
        "/api/v1/reports/compensation-cards?jobcentre=751&from=2026-03-01&to=2026-07-31",
        world.admin,
    )
    assert body["compensation_cards"] == report.json


def test_the_thresholds_are_the_reminder_settings(api: Api, world: World) -> None:
    """A longer statement threshold (the reminder's setting) makes C's statement on time."""
    seed(api, world)
    api.app.config["FORTRIN_STATEMENT_EMPLOYER_DAYS"] = 10
    body = stats(api, world.admin, f"{PERIOD}&jobcentre=751")
    assert body["duties_on_time"][0] == {
        "duty": "statement",
        "threshold_working_days": 10,
        "due": 3,
        "on_time": 3,
        "share": 1.0,
    }


def test_a_period_a_month_an_employer_and_everything(api: Api, world: World) -> None:
    seeded = seed(api, world)
    april = stats(api, world.admin, "from=2026-04-10&to=2026-04-20&jobcentre=751")
    assert [p["period"] for p in april["periods"]] == ["2026-04"]
    assert (april["periods"][0]["from"], april["periods"][0]["to"]) == ("2026-04-10", "2026-04-20")
    # D's interview (14 April) and A's, C's and D's statements; A's negotiation (held_on 17 April).
    assert figures_of(april["total"]) == zero(
        interviews_held=1,
        statements=3,
        statements_on_time=2,
        negotiations=1,
        negotiations_on_time=1,
        median_days_statement_to_negotiation=7.0,
    )
    # Aarhus Kommune's vacancy, every jobcentre: A, B, C, E, F in March to May, H in July.
    employer = stats(api, world.admin, f"{PERIOD}&organisation_id={world.org_aarhus}")
    assert [p["applications"] for p in employer["periods"]] == [4, 0, 1, 0, 1]
    assert employer["total"]["breaches"] == 1  # A's; the one recorded is Region Midtjylland's
    assert employer["total"]["hires"] == 1  # B (D is the region's)
    everything = stats(api, world.admin, PERIOD)
    assert [p["applications"] for p in everything["periods"]] == [4, 1, 1, 0, 1]
    assert everything["jobcentre"] is None
    assert everything["compensation_cards"]["jobcentre"] is None
    assert seeded.cases["F"] not in str(everything)  # figures, never cases


def test_small_counts_are_hidden_from_caseworkers(api: Api, world: World) -> None:
    seed(api, world)
    body = stats(api, world.cw_aarhus, PERIOD)  # no jobcentre: their own
    assert body["jobcentre"] == "751"
    assert body["small_counts_hidden_below"] == 3
    months = {p["period"]: p for p in body["periods"]}
    total = body["total"]
    # Applications 3, 1, 1, 0, 1: the ones are hidden, and since the total (6) would then show they
    # are all ones, March is hidden too.
    assert [p["applications"] for p in body["periods"]] == [None, None, None, 0, None]
    assert total["applications"] == 6
    # Assessments 2, 1, 1: hidden, the total 4 and its median stay (it cannot tell 2+1+1 apart).
    assert [p["assessments"] for p in body["periods"]] == [None, None, None, 0, 0]
    assert months["2026-03"]["median_days_to_assessment"] is None
    assert (total["assessments"], total["median_days_to_assessment"]) == (4, 3.0)
    # Interviews 2 and 2: the total (4) would give both away, and no other month can be hidden.
    assert [p["interviews_held"] for p in body["periods"]] == [None, None, 0, 0, 0]
    assert total["interviews_held"] is None and "interviews_held" in total["suppressed"]
    # Three statements in April are shown, with the on-time count.
    assert (months["2026-04"]["statements"], months["2026-04"]["statements_on_time"]) == (3, 2)
    # Two negotiations in all: hidden, and the on-time count and the median with them.
    assert (total["negotiations"], total["negotiations_on_time"]) == (None, None)
    assert total["median_days_statement_to_negotiation"] is None
    assert set(total["suppressed"]) == {
        "hires",
        "interviews_held",
        "negotiations",
        "negotiations_on_time",
        "median_days_statement_to_negotiation",
        "negotiations_not_held",
        "refusals",
        "refusals_on_time",
        "opinions_requested",
    }
    assert total["breaches"] == 2  # findings about employers, named in the breach register anyway
    assert body["duties_on_time"][0] == {
        "duty": "statement",
        "threshold_working_days": 5,
        "due": 3,
        "on_time": 2,
        "share": 0.667,
    }
    assert body["duties_on_time"][1]["share"] is None
    assert body["compensation_cards"]["jobcentre"] == "751"


def test_an_employer_sees_only_the_cases_it_was_contacted_about(api: Api, world: World) -> None:
    seed(api, world)
    body = stats(api, world.employer, PERIOD)
    assert body["organisation_id"] == world.org_aarhus
    assert body["compensation_cards"] is None  # the card is the jobcentre's work
    # A, B, C and F in March, H in July; E (not suitable) never reached the employer. July alone
    # would be hidden and give itself away through the total: March is hidden with it.
    assert [p["applications"] for p in body["periods"]] == [None, 0, 0, 0, None]
    assert body["total"]["applications"] == 5
    assert body["total"]["assessments"] is None  # A and C; E is not the employer's


@pytest.mark.parametrize(
    ("who", "query", "status"),
    [
        ("cw_aarhus", "jobcentre=101", 403),  # another jobcentre's area
        ("cw_kbh", "jobcentre=751", 403),
        ("employer", "organisation_id={org_region}", 403),  # another employer
        ("applicant", "", 403),
        ("anonymous", "", 401),
    ],
)
def test_who_may_see_what(api: Api, world: World, who: str, query: str, status: int) -> None:
    user = None if who == "anonymous" else getattr(world, who)
    response = api.get(f"/api/v1/statistics?{query.format(org_region=world.org_region)}", user)
    assert response.status_code == status
    assert response.json["error"]["code"] == {401: "unauthenticated", 403: "forbidden"}[status]


def test_a_caseworker_sees_the_cases_its_jobcentre_handles(api: Api, world: World) -> None:
    seed(api, world)
    kbh = stats(api, world.cw_kbh, PERIOD)
    assert kbh["jobcentre"] == "101"
    assert kbh["periods"][0]["applications"] is None  # F, one case: hidden
    assert kbh["periods"][0]["suppressed"] == ["applications"]
    assert stats(api, world.admin, f"{PERIOD}&jobcentre=101")["total"]["applications"] == 1


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("from=2026-05-01&to=2026-04-01", {"to": "skal ligge på eller efter from"}),
        ("from=2026-13-01", {"from": "skal være en dato (ÅÅÅÅ-MM-DD)"}),
        (
            "from=1.5.2026&to=yesterday",
            {"from": "skal være en dato (ÅÅÅÅ-MM-DD)", "to": "skal være en dato (ÅÅÅÅ-MM-DD)"},
        ),
        ("to=2101-01-01", {"to": "skal ligge mellem år 1900 og 2100"}),
        ("from=2000-01-01&to=2026-01-01", {"from": "perioden må højst være 10 år"}),
        ("jobcentre=999", {"jobcentre": "jobcenteret findes ikke"}),
        ("jobcentre=75100000", {"jobcentre": "jobcenteret findes ikke"}),
        ("organisation_id=nope", {"organisation_id": "organisationen findes ikke"}),
    ],
)
def test_bad_input_is_named(api: Api, world: World, query: str, fields: dict[str, str]) -> None:
    response = api.get(f"/api/v1/statistics?{query}", world.admin)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_failed"
    assert response.json["error"]["fields"] == fields


def test_a_nul_character_is_refused(api: Api, world: World) -> None:
    response = api.get("/api/v1/statistics?jobcentre=7%0051", world.admin)
    assert response.status_code == 422


def test_the_default_period_is_the_last_twelve_months(api: Api, world: World) -> None:
    body = stats(api, world.admin, "")  # the clock: 1 December 2026
    assert (body["from"], body["to"]) == ("2026-01-01", "2026-12-01")
    assert len(body["periods"]) == 12
    assert body["periods"][-1] == {
        "period": "2026-12",
        "from": "2026-12-01",
        "to": "2026-12-01",
        **zero(),
        "suppressed": [],
    }
    assert stats(api, world.admin, "to=2026-06-15")["from"] == "2025-07-01"


def test_the_same_figures_as_csv(api: Api, world: World) -> None:
    seed(api, world)
    json_body = stats(api, world.admin, f"{PERIOD}&jobcentre=751")
    response = api.get(
        f"/api/v1/statistics?{PERIOD}&jobcentre=751", world.admin, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="fortrin-statistik-751-2026-03-01-2026-07-31.csv"'
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffperiod;from;to;applications;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["period", "from", "to", *statistics.FIGURES]
    assert [row[0] for row in rows[1:]] == [
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
        "2026-07",
        "total",
    ]
    named = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert named[0]["applications"] == "3"
    assert named[0]["median_days_to_assessment"] == "7,0"  # a decimal comma, for Danish Excel
    assert named[0]["median_days_statement_to_negotiation"] == ""  # no negotiation in March
    assert named[-1]["median_days_statement_to_negotiation"] == "12,5"
    # Every cell is the JSON's figure.
    for row, period in zip(named, [*json_body["periods"], json_body["total"]], strict=True):
        for name in statistics.FIGURES:
            value = period[name]
            expected = "" if value is None else str(value).replace(".", ",")
            assert row[name] == expected, (row["period"], name)


def test_csv_marks_what_is_hidden(api: Api, world: World) -> None:
    seed(api, world)
    response = api.get(
        f"/api/v1/statistics?{PERIOD}", world.cw_aarhus, headers={"Accept": "text/csv"}
    )
    rows = list(
        csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert [row["applications"] for row in rows] == ["..", "..", "..", "0", "..", "6"]
    # JSON is the default, also for a client that accepts anything.
    assert api.get(f"/api/v1/statistics?{PERIOD}", world.cw_aarhus, headers={"Accept": "*/*"}).json


def test_cards_alongside_for_every_jobcentre(api: Api, world: World) -> None:
    issued_card(api, world)  # Aarhus: a conversation on 20 November, issued 1 December
    body = stats(api, world.admin, "from=2026-11-01&to=2026-12-01")
    cards = body["compensation_cards"]
    assert (cards["conversations"], cards["cards_issued"], cards["cards_per_conversation"]) == (
        1,
        1,
        1.0,
    )
    assert (
        stats(api, world.cw_kbh, "from=2026-11-01&to=2026-12-01")["compensation_cards"][
            "cards_issued"
        ]
        == 0
    )


def test_the_description_declares_the_parameters_and_csv(api: Api) -> None:
    operation = api.get("/api/v1/openapi.json").json["paths"]["/api/v1/statistics"]["get"]
    assert [p["name"] for p in operation["parameters"]] == [
        "from",
        "to",
        "jobcentre",
        "organisation_id",
    ]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert {"401", "403", "422"} <= set(operation["responses"])


# --- the calendar, without a database -----------------------------------------------------------------


def test_the_due_days_are_the_working_day_rule() -> None:
    first = date(2025, 12, 1)
    days = [first + timedelta(days=n) for n in range(200)]
    for count in (0, 1, 3, 5, 10):
        due = statistics.due_days(days, count, first + timedelta(days=260))
        assert all(due[day] == deadlines.add_working_days(day, count) for day in days), count


def test_a_recorded_instant_is_placed_on_its_copenhagen_day() -> None:
    assert statistics.sqlite_copenhagen_day(
        "2026-06-30 22:30:00.000000"
    ) == statistics.as_day_number(date(2026, 7, 1))
    assert statistics.sqlite_copenhagen_day("2026-01-31 22:59:59") == statistics.as_day_number(
        date(2026, 1, 31)
    )
    assert statistics.sqlite_copenhagen_day(None) is None


# --- the page -------------------------------------------------------------------------------------------


def browser(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def cells(page: str, table: str) -> dict[str, str]:
    """The figures of a table on the page: ``data-figure`` -> the text shown."""
    body = page.split(f'id="{table}"')[1].split("</table>")[0]
    return dict(re.findall(r'<td data-figure="([a-z_]+)">([^<]*)</td>', body))


def test_the_page_shows_the_apis_figures_beside_its_charts(api: Api, world: World) -> None:
    seed(api, world)
    client = browser(api.app, world.admin)
    response = client.get("/statistik?fra=2026-03-01&til=2026-07-31&jobcenter=751")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('role="img"') == 4  # the period, the duties, the trend, the cards
    assert page.count("<table") == 4
    key = cells(page, "table-key")
    assert key == {
        "applications": "6",
        "assessments": "4",
        "interviews_held": "4",
        "hires": "2",
        "statements": "3",
        "negotiations": "2",
        "refusals": "2",
        "opinions_requested": "1",
        "breaches": "2",
        "median_days_to_assessment": "3",
        "median_days_statement_to_negotiation": "12,5",
    }
    assert "Ansøgninger: 6; Vurderinger: 4" in page  # the chart's text alternative
    assert "2 af 3 (67\xa0%)" in page  # the statements kept on time, written at the bar
    months = page.split('id="table-months"')[1]
    assert "marts 2026" in months and "Hele perioden" in months
    assert 'href="/statistik.csv?fra=2026-03-01&amp;til=2026-07-31&amp;jobcenter=751"' in page
    download = client.get("/statistik.csv?fra=2026-03-01&til=2026-07-31&jobcenter=751")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    api_csv = api.get(
        f"/api/v1/statistics?{PERIOD}&jobcentre=751", world.admin, headers={"Accept": "text/csv"}
    )
    assert download.get_data() == api_csv.get_data()
    # In English the dates and numbers are the reader's too (the texts once the catalogue has them).
    client.get("/language/en")
    english = client.get("/statistik?fra=2026-03-01&til=2026-07-31&jobcenter=751")
    assert english.status_code == 200
    assert "March 2026" in english.get_data(as_text=True)
    assert (
        cells(english.get_data(as_text=True), "table-key")["median_days_statement_to_negotiation"]
        == "12.5"
    )


def test_a_caseworker_sees_its_area_with_small_counts_hidden(api: Api, world: World) -> None:
    seed(api, world)
    client = browser(api.app, world.cw_aarhus)
    page = client.get("/statistik?fra=2026-03-01&til=2026-07-31").get_data(as_text=True)
    assert 'href="/statistik"' in page  # in the main menu
    assert "Tal for de sager, Jobcenter Aarhus behandler" in page
    assert 'id="stat-jobcentre"' not in page  # no choice of jobcentre
    key = cells(page, "table-key")
    assert (key["applications"], key["interviews_held"]) == ("6", "skjult")
    assert client.get("/statistik?jobcenter=101").status_code == 403


def test_the_page_names_bad_input_next_to_the_fields(api: Api, world: World) -> None:
    client = browser(api.app, world.admin)
    response = client.get("/statistik?fra=2026-05-01&til=2026-04-01&jobcenter=999")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-summary"' in page
    assert '<a href="#stat-to">Til: Til-datoen skal ligge på eller efter fra-datoen.</a>' in page
    assert '<a href="#stat-jobcentre">Jobcenter: Vælg et jobcenter på listen.</a>' in page
    assert 'id="stat-to" name="til" value="2026-04-01" aria-invalid="true"' in page


@pytest.mark.parametrize("who", ["employer", "applicant"])
def test_the_page_is_for_jobcentres_and_admins(api: Api, world: World, who: str) -> None:
    client = browser(api.app, getattr(world, who))
    assert client.get("/statistik").status_code == 403
    assert client.get("/statistik.csv").status_code == 403
    assert 'href="/statistik"' not in client.get("/").get_data(as_text=True)
