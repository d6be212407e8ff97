"""The caseworker's queue (issue 10, point 4): the open cases the jobcentre handles, sorted and paged
in the database, with counts, filters and search; on both databases. Cases are written straight
into the database (their states and ages are the point here, not how they got there)."""

from __future__ import annotations

import html
import random
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from fortrin import cases, clock, db, work_queue
from fortrin.models import Application, AuditEvent, User
from tests.integration.conftest import (
    Api,
    World,
    apply,
    make_user,
    set_now,
    vacancy,
)
from tests.integration.test_web import sign_in

DAY = timedelta(days=1)


def at(day: str | date, hour: int = 10) -> datetime:
    """An instant on a Copenhagen day."""
    on = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(on, time(hour), tzinfo=clock.COPENHAGEN)


def insert(app: Flask, vacancy_id: str, applicant_id: str, *specs: dict[str, Any]) -> list[str]:
    """Cases as they would stand after their events: a state and since when (the timeline is not
    the point here). Handled by Aarhus (751) unless a spec says otherwise."""
    with app.app_context(), db.unit_of_work() as session:
        rows = []
        for spec in specs:
            fields = dict(spec)
            since = fields.pop("since")
            fields.setdefault("created_at", since - timedelta(days=3))
            rows.append(
                Application(
                    vacancy_id=fields.pop("vacancy_id", vacancy_id),
                    applicant_id=fields.pop("applicant_id", applicant_id),
                    route="via_jobcentre",
                    handling_jobcentre_code=fields.pop("jobcentre", "751"),
                    home_jobcentre_code="751",
                    employer_contacted=True,
                    updated_at=since,
                    state_since=since,
                    **fields,
                )
            )
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def queue_html(client: FlaskClient, query: str = "", status: int = 200) -> str:
    """The home page with ``query`` ("?status=..."), or at the path of a link ("/?efter=...")."""
    response = client.get(query if query.startswith("/") else f"/{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:3000]
    return page


def listed(page: str) -> list[str]:
    """The case ids in the queue's table, in order."""
    match = re.search(r'<table class="table table--compact.*?</table>', page, re.S)
    return re.findall(r'href="/applications/([0-9a-f]+)"', match.group(0)) if match else []


def _arrow(page: str, which: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" class="button button-arrow button-{which}"', page)
    return html.unescape(match.group(1)) if match else None


def next_link(page: str) -> str | None:
    """Where the page's "Næste" goes (a list paged by key, issue 12), None without one."""
    return _arrow(page, "next")


def previous_link(page: str) -> str | None:
    """Where the page's "Forrige" goes, None without one."""
    return _arrow(page, "previous")


def setup(app: Flask, api: Api, world: World) -> tuple[str, str]:
    """A vacancy of Aarhus Kommune and the applicant (Ida Ansøger, Aarhus)."""
    return vacancy(api, world.employer)["id"], world.applicant.id


def test_overdue_first_oldest_first_then_by_due_date_then_without_one(
    app: Flask, api: Api, client: FlaskClient, world: World
) -> None:
    # The clock: Tuesday 1 December 2026. Assessment is due 5 working days after the case entered
    # its state, statement and negotiation 10; a refusal given is due on its opinion deadline.
    vacancy_id, applicant_id = setup(app, api, world)
    ids = insert(
        app,
        vacancy_id,
        applicant_id,
        {"state": "interview_scheduled", "since": at("2026-09-01")},  # no due date: last
        {"state": "negotiation_required", "since": at("2026-11-10")},  # due 24/11: overdue
        {"state": "awaiting_assessment", "since": at("2026-11-02")},  # due 9/11: the oldest
        {"state": "statement_required", "since": at("2026-11-30")},  # due 14/12
        {"state": "awaiting_assessment", "since": at("2026-11-30")},  # due 7/12
        {
            "state": "opinion_window",
            "since": at("2026-11-20"),
            "refusal_sent_on": date(2026, 11, 20),
            "opinion_due": date(2026, 12, 18),
        },
        {
            "state": "opinion_requested",
            "since": at("2026-11-25"),
            "refusal_sent_on": date(2026, 11, 5),
            "opinion_due": date(2026, 12, 3),
        },
        # Not open: a final state, and a window whose last day has passed (it reads as closed).
        {"state": "hired", "since": at("2026-11-28")},
        {
            "state": "opinion_window",
            "since": at("2026-10-20"),
            "refusal_sent_on": date(2026, 10, 20),
            "opinion_due": date(2026, 11, 17),
        },
    )
    sign_in(client, world.cw_aarhus.email)
    page = queue_html(client)
    assert listed(page) == [ids[2], ids[1], ids[6], ids[4], ids[3], ids[5], ids[0]]
    assert "Viser 1-7 af 7 sager" in page
    assert re.search(r"Åbne sager: <strong>7</strong>", page)
    assert re.search(r"Overskredet frist: <strong>2</strong>", page)
    rows = page.split("<tbody>")[1].split("</tr>")
    assert "9. november 2026" in rows[0] and "fristen er overskredet" in rows[0]
    assert "3. december 2026" in rows[2] and "om 2 dage" in rows[2]
    assert "Ida Ansøger: Administrativ medarbejder" in rows[0]
    assert "Jobcenteret" in rows[0] and "Arbejdsgiveren" in rows[4]


def test_the_sql_due_date_is_the_working_day_rule_over_christmas(
    app: Flask, api: Api, world: World
) -> None:
    """The order is that of the Python rule (holidays, 24 and 31 December), overdue or not."""
    vacancy_id, applicant_id = setup(app, api, world)
    set_now(app, "2026-12-28T09:00:00+01:00")  # Monday after Christmas
    chance = random.Random(10)
    states = ["awaiting_assessment", "statement_required", "negotiation_required"]
    specs: list[dict[str, Any]] = [
        {
            "state": chance.choice(states),
            "since": at(
                date(2026, 12, 28) - chance.randrange(0, 60) * DAY, chance.randrange(0, 24)
            ),
        }
        for _ in range(150)
    ]
    insert(app, vacancy_id, applicant_id, *specs)
    with app.app_context():
        session = db.session()
        user = session.get(User, world.cw_aarhus.id)
        assert user is not None
        queue = work_queue.caseworker_queue(session, user, per_page=200)
        today = clock.today()
        keyed = [(cases.queue_due(a), a.state_since) for a in queue.rows]
        assert len(keyed) == 150 and keyed == sorted(keyed)
        overdue = [due is not None and due < today for due, _ in keyed]
        assert queue.overdue_total == sum(overdue) and 20 < sum(overdue) < 130
        # Not the order of the day entered: the thresholds differ between the states.
        assert keyed != sorted(keyed, key=lambda item: item[1])
        session.rollback()


def test_cases_overdue_for_more_than_400_days_come_first_oldest_first(
    app: Flask, api: Api, client: FlaskClient, world: World
) -> None:
    vacancy_id, applicant_id = setup(app, api, world)
    ids = insert(
        app,
        vacancy_id,
        applicant_id,
        {"state": "statement_required", "since": at("2025-10-28")},  # due 11/11 2025
        {"state": "awaiting_assessment", "since": at("2025-07-01")},  # before the 400 days
        {"state": "negotiation_required", "since": at("2025-06-02")},  # before the 400 days
        {"state": "awaiting_assessment", "since": at("2025-11-03")},  # due 10/11 2025
    )
    sign_in(client, world.cw_aarhus.email)
    assert listed(queue_html(client)) == [ids[2], ids[1], ids[3], ids[0]]


def test_pages_of_fifty_with_danish_counts_and_one_audit_row_per_case_shown(
    app: Flask, api: Api, client: FlaskClient, world: World
) -> None:
    vacancy_id, applicant_id = setup(app, api, world)
    start = at("2026-10-01")
    ids = insert(
        app,
        vacancy_id,
        applicant_id,
        *(
            {"state": "awaiting_assessment", "since": start + timedelta(minutes=i)}
            for i in range(1050)
        ),
    )
    sign_in(client, world.cw_aarhus.email)
    first = queue_html(client)
    assert "Viser 1-50 af 1.050 sager" in first
    assert listed(first) == ids[:50]  # all overdue: the oldest first
    assert previous_link(first) is None and "side=" not in first  # no page numbers (issue 12)
    second = queue_html(client, str(next_link(first)))
    assert "Viser 51-100 af 1.050 sager" in second and listed(second) == ids[50:100]
    back = queue_html(client, str(previous_link(second)))
    assert "Viser 1-50 af 1.050 sager" in back and listed(back) == ids[:50]
    last = second
    for _ in range(19):
        last = queue_html(client, str(next_link(last)))
    assert "Viser 1.001-1.050 af 1.050 sager" in last and listed(last) == ids[1000:]
    assert next_link(last) is None and "1.001-1.050 af 1.050" in last  # also between the arrows
    with app.app_context():
        shown = db.session().exec(
            select(AuditEvent.entity_id).where(
                AuditEvent.action == "list", AuditEvent.actor_id == world.cw_aarhus.id
            )
        )
        assert sorted(shown) == sorted(ids[:50] + ids)  # the first page twice


def test_filters_and_search(app: Flask, api: Api, client: FlaskClient, world: World) -> None:
    vacancy_id, applicant_id = setup(app, api, world)
    porter = vacancy(api, world.employer, title="Portør 100%_sikker")["id"]
    soren = make_user(app, "applicant", home_municipality_code="751", name="Søren Østergaard")
    ids = insert(
        app,
        vacancy_id,
        applicant_id,
        {"state": "awaiting_assessment", "since": at("2026-11-02")},  # overdue
        {"state": "awaiting_assessment", "since": at("2026-11-30"), "routed_to_neighbour": True},
        {"state": "interview_required", "since": at("2026-11-20"), "applicant_id": soren.id},
        {"state": "negotiation_required", "since": at("2026-11-30"), "vacancy_id": porter},
    )
    sign_in(client, world.cw_aarhus.email)
    assert listed(queue_html(client, "?status=awaiting_assessment")) == ids[:2]
    assert listed(queue_html(client, "?overskredet=1")) == ids[:1]
    page = queue_html(client, "?paragraf7=1")
    assert listed(page) == [ids[1]] and "Nabojobcenter (bek. § 7)" in page
    assert 'id="queue-neighbour" name="paragraf7" value="1" checked' in page
    combined = "?status=awaiting_assessment&overskredet=1&paragraf7=1"
    assert "Ingen åbne sager passer til søgningen og filtrene." in queue_html(client, combined)
    # The applicant's name or the vacancy's title, whatever the case of the letters.
    assert listed(queue_html(client, "?soeg=søren")) == [ids[2]]
    assert listed(queue_html(client, "?soeg=ØSTERGAARD")) == [ids[2]]
    assert listed(queue_html(client, "?soeg=ida")) == [ids[0], ids[1], ids[3]]
    assert listed(queue_html(client, "?soeg=PORTØR")) == [ids[3]]
    # % and _ are letters to search for, not wildcards.
    assert listed(queue_html(client, "?soeg=100%25_")) == [ids[3]]
    assert listed(queue_html(client, "?soeg=%25")) == [ids[3]]
    assert listed(queue_html(client, "?soeg=_s")) == [ids[3]]
    # The filters stay on the page links and in the form.
    page = queue_html(client, "?soeg=ida&status=awaiting_assessment")
    assert 'value="ida"' in page and '<option value="awaiting_assessment" selected>' in page
    assert "Viser 1-2 af 2 sager" in page
    assert re.search(r"Åbne sager: <strong>4</strong>", page)  # the counts are of the whole queue


def test_another_jobcentres_cases_never_appear(
    app: Flask, api: Api, client: FlaskClient, world: World
) -> None:
    vacancy_id = vacancy(api, world.employer)["id"]
    own = apply(api, world.applicant, vacancy_id, route="via_jobcentre")
    # The vacancy is at the Aarhus jobcentre itself: bek. § 7 sends the case to Skanderborg.
    at_jobcentre = vacancy(api, world.employer, workplace_jobcentre_code="751")["id"]
    routed = apply(api, world.applicant, at_jobcentre, route="via_jobcentre")
    assert routed["handling_jobcentre_code"] == "746" and routed["routed_to_neighbour"]
    other = insert(
        app,
        vacancy_id,
        world.applicant_kbh.id,
        {"state": "awaiting_assessment", "since": at("2026-11-02"), "jobcentre": "101"},
        {"state": "awaiting_assessment", "since": at("2026-11-02"), "erased_at": at("2026-11-30")},
    )
    sign_in(client, world.cw_aarhus.email)
    page = queue_html(client, "?soeg=a")
    assert listed(page) == [own["id"]]
    assert re.search(r"Åbne sager: <strong>1</strong>", page)
    for hidden in (routed["id"], *other):
        assert hidden not in page
    client.post("/logout", data={"csrf_token": re.findall(r'csrf_token" value="([^"]+)', page)[0]})
    sign_in(client, world.cw_skanderborg.email)
    page = queue_html(client)
    assert listed(page) == [routed["id"]] and "Nabojobcenter (bek. § 7)" in page
    assert re.search(r"Fra et nabojobcenter \(bek. § 7\): <strong>1</strong>", page)


def test_bad_parameters_are_named_on_the_page_never_a_server_error(
    app: Flask, api: Api, client: FlaskClient, world: World
) -> None:
    vacancy_id, applicant_id = setup(app, api, world)
    insert(
        app,
        vacancy_id,
        applicant_id,
        *({"state": "awaiting_assessment", "since": at("2026-11-02")} for _ in range(60)),
    )
    sign_in(client, world.cw_aarhus.email)
    for state in ("bogus", "hired", "closed", "x" * 500):
        page = queue_html(client, f"?status={state}", 400)
        assert 'id="error-summary"' in page and "Vælg en status på listen." in page
        assert 'id="queue-state"' in page and 'aria-invalid="true"' in page and not listed(page)
    page = queue_html(client, "?soeg=" + "a" * 101, 400)
    assert "Skriv højst 100 tegn." in page and not listed(page)
    # An address with a page number from before the pages were read by key (issue 12).
    for side in ("2", "abc", "0", "-1", "1.5", "9999999", "%D9%A3"):
        page = queue_html(client, f"?side={side}", 400)
        assert "Siderne har ikke længere numre" in page and not listed(page)
        assert 'href="/">Gå til første side' in page
    page = queue_html(client, "?side=3&overskredet=1", 400)
    assert 'href="/?overskredet=1">Gå til første side' in page and not listed(page)
    # Values the form never sends are ignored; control characters are dropped.
    assert len(listed(queue_html(client, "?overskredet=ja&paragraf7=on&side=%201"))) == 50
    assert len(listed(queue_html(client, "?soeg=%01&status=%1Fawaiting_assessment"))) == 50
    queue_html(client, "?soeg=%00", 422)  # a NUL is refused before any view (validation.py)
    assert "Ingen åbne sager passer" in queue_html(client, "?soeg=%F0%9F%98%80%C3%A5")
