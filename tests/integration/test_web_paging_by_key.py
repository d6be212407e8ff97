"""Issue 12, point 3, on the web pages: the caseworker's queue and the admin's users are paged by key
("Forrige" and "Næste", cursors in the query string), never by OFFSET. Walking a list forward and
back by the links on its pages shows every row once, in the list's order, with its place in the
list; filters stay on the links; the statements a page runs do not depend on its length; a cursor
that is not one is a 400 with a Danish message and a link to the first page, on both databases."""

from __future__ import annotations

import base64
import json
import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event as sa_event
from sqlalchemy import insert, update
from sqlmodel import col, select

from fortrin import db, vacancies, work_queue
from fortrin.blueprints.web import admin, breach_register, pages
from fortrin.models import Application, Breach, Notification, User, Vacancy, new_id
from tests.integration.conftest import Api, World, apply, vacancy
from tests.integration.test_cards import conversation
from tests.integration.test_queue import at, listed, next_link, previous_link
from tests.integration.test_queue import insert as insert_cases
from tests.integration.test_reminder_batching import statements
from tests.integration.test_web_every_path import browser, page_of, post

BAD_CURSOR = "Adressen peger ikke på en side i listen."
# Few values, so that many cases share their due date, and their state's start too (the id decides).
DUES = (date(2026, 11, 10), date(2026, 11, 20), date(2026, 12, 7), None)
SINCES = (at("2026-10-01", 9), at("2026-10-01", 10), at("2026-10-02", 9))
COUNT = re.compile(
    r"Viser (\d+)-(\d+) af (\d+) (?:sager|brugere|stillinger|overtrædelser|beskeder)"
)


# --- helpers -------------------------------------------------------------------------------------


def applicants(app: Flask, count: int) -> list[str]:
    """Applicants of Aarhus written in bulk (no password hash each)."""
    rows = [
        {
            "id": new_id(),
            "email": f"borger{n}@koe.example",
            "name": f"Borger {n} Kø",
            "password_hash": "!",
            "role": "applicant",
            "home_municipality_code": "751",
            "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        }
        for n in range(count)
    ]
    with app.app_context(), db.unit_of_work() as session:
        session.execute(insert(User), rows)
    return [str(row["id"]) for row in rows]


def queue_cases(app: Flask, api: Api, world: World, count: int) -> list[str]:
    """``count`` open cases of Aarhus, each of its own applicant, with due dates that tie and none
    (NULL) and the same few instants they entered their state; every third routed here under
    bek. § 7. The queue's ids in its order: the due date with none last, the instant, the id."""
    vacancy_id = vacancy(api, world.employer)["id"]
    chance = random.Random(12)
    specs = [
        {
            "state": "awaiting_assessment",
            "since": chance.choice(SINCES),
            "applicant_id": applicant,
            "routed_to_neighbour": n % 3 == 0,
        }
        for n, applicant in enumerate(applicants(app, count))
    ]
    ids = insert_cases(app, vacancy_id, world.applicant.id, *specs)
    dues = [DUES[n % len(DUES)] for n in range(count)]  # a quarter without a due date
    chance.shuffle(dues)
    with app.app_context(), db.unit_of_work() as session:
        for case_id, due in zip(ids, dues, strict=True):  # the stored date the queue sorts by
            session.execute(
                update(Application)
                .where(col(Application.id) == case_id)
                .values(queue_due_on=due)
                .execution_options(synchronize_session=False)
            )
    return queue_order(app, ids)


def queue_order(app: Flask, ids: list[str]) -> list[str]:
    with app.app_context():
        rows = db.session().exec(
            select(
                col(Application.id), col(Application.queue_due_on), col(Application.state_since)
            ).where(col(Application.id).in_(ids))
        )
        keyed = [(due is None, due or date.min, since, case_id) for case_id, due, since in rows]
    return [key[-1] for key in sorted(keyed)]


def routed(app: Flask, ids: list[str]) -> set[str]:
    with app.app_context():
        return set(
            db.session().exec(
                select(Application.id).where(
                    col(Application.id).in_(ids), col(Application.routed_to_neighbour).is_(True)
                )
            )
        )


def user_rows(page: str) -> list[str]:
    return re.findall(r'href="/admin/users/([0-9a-f]+)"', page.split("<tbody>")[1])


def walk(
    client: FlaskClient, path: str, rows_of: Callable[[str], list[str]], kept: str = ""
) -> list[str]:
    """Every row of a list from its first page by "Næste", then back by "Forrige", which must show
    the same pages with the same places in the list ("Viser 8-14 af 41"); each link keeps
    ``kept`` (the filters). The rows in the order shown."""
    pages = [page_of(client, path)]
    assert previous_link(pages[0]) is None
    while (link := next_link(pages[-1])) is not None:
        assert kept in link and "side=" not in link
        pages.append(page_of(client, link))
        assert len(pages) < 100
    forward = [(rows_of(page), COUNT.findall(page)) for page in pages]
    back = [forward[-1]]
    page = pages[-1]
    while (link := previous_link(page)) is not None:
        assert kept in link
        page = page_of(client, link)
        back.append((rows_of(page), COUNT.findall(page)))
    assert back[::-1] == forward
    shown = [row for rows, _ in forward for row in rows]
    places = [(int(first), int(last)) for _, counts in forward for first, last, _ in counts[:1]]
    ends = [0] + [sum(len(rows) for rows, _ in forward[: n + 1]) for n in range(len(forward))]
    assert places == [(ends[n] + 1, ends[n + 1]) for n in range(len(forward))]
    return shown


@contextmanager
def rows_skipped(app: Flask) -> Iterator[list[Any]]:
    """How many rows each OFFSET in the statements run meanwhile skipped. SQLite's dialect writes
    "OFFSET ?" with 0 after every LIMIT: only a value other than 0 counts its way down a list."""
    skipped: list[Any] = []

    def seen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        for match in re.finditer(r"\bOFFSET (\?|%\((\w+)\)s|\d+)", statement):
            if match.group(1) == "?":
                skipped.append(parameters[statement[: match.start()].count("?")])
            elif match.group(2):
                skipped.append(parameters[match.group(2)])
            else:
                skipped.append(int(match.group(1)))

    with app.app_context():
        engine = db.engine()
        sa_event.listen(engine, "before_cursor_execute", seen)
        try:
            yield skipped
        finally:
            sa_event.remove(engine, "before_cursor_execute", seen)


def cursor_of(link: str) -> tuple[str, str]:
    name, value = re.findall(r"[?&](efter|foer)=([^&]+)", link)[0]
    return name, value


def encoded(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def tampered(link: str) -> Iterator[str]:
    """Query strings with cursors that are not the list's: garbage, cut short, of another shape, a
    place outside the list, values of the wrong kind, both directions at once, far too long."""
    name, value = cursor_of(link)
    values = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    bad = [
        "abc",
        value[:-6],
        "%E2%9C%93",
        "x" * 600,
        encoded({"a": 1}),
        encoded(values[:-1]),
        encoded([0, *values[1:]]),
        encoded([10**10, *values[1:]]),
        encoded([True, *values[1:]]),
        encoded([*values[:-1], 17]),
        encoded([values[0], "ikke en dato", *values[2:]]),
        encoded([values[0], "2026-11-10T09:00:00", *values[2:]]),  # no time zone
    ]
    yield from (f"{name}={cursor}" for cursor in bad)
    yield f"efter={value}&foer={value}"


# --- the caseworker's queue ----------------------------------------------------------------------


@pytest.mark.parametrize("per_page", [4, 7, 50])
def test_the_queue_walked_forward_and_back_shows_every_case_once_in_order(
    app: Flask, api: Api, world: World, monkeypatch: pytest.MonkeyPatch, per_page: int
) -> None:
    order = queue_cases(app, api, world, 41)
    monkeypatch.setattr(work_queue, "QUEUE_PAGE_SIZE", per_page)
    client = browser(app, world.cw_aarhus)
    assert walk(client, "/", listed) == order
    # A filter stays on every link: only the cases routed here under bek. § 7, in the same order.
    neighbours = routed(app, order)
    shown = walk(client, "/?paragraf7=1", listed, kept="paragraf7=1")
    assert shown == [case_id for case_id in order if case_id in neighbours]
    # Several filters and a search together.
    shown = walk(client, "/?soeg=borger&paragraf7=1&overskredet=1", listed, kept="soeg=borger")
    with app.app_context():
        overdue = set(
            db.session().exec(
                select(Application.id).where(col(Application.queue_due_on) < date(2026, 12, 1))
            )
        )
    assert shown == [c for c in order if c in neighbours and c in overdue] and shown


def test_a_queue_page_runs_as_many_statements_for_5_cases_as_for_50_and_no_offset(
    app: Flask, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_cases(app, api, world, 120)
    client = browser(app, world.cw_aarhus)
    counted: dict[int, int] = {}
    for per_page in (5, 50):
        monkeypatch.setattr(work_queue, "QUEUE_PAGE_SIZE", per_page)
        first = page_of(client, "/")  # the calendar feed's address is made on the first visit
        link = next_link(first)
        assert link is not None
        with statements(app) as seen, rows_skipped(app) as skipped:
            second = page_of(client, link)
            back = page_of(client, str(previous_link(second)))
        assert len(listed(second)) == per_page and listed(back) == listed(first)
        assert set(skipped) <= {0}, skipped
        counted[per_page] = len(seen)
    assert counted[5] == counted[50], counted


def test_a_cursor_that_is_not_one_is_named_on_the_page(
    app: Flask, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_cases(app, api, world, 12)
    monkeypatch.setattr(work_queue, "QUEUE_PAGE_SIZE", 5)
    client = browser(app, world.cw_aarhus)
    second = page_of(client, str(next_link(page_of(client, "/?mine=&status=awaiting_assessment"))))
    for query in tampered(str(previous_link(second))):
        page = page_of(client, f"/?status=awaiting_assessment&{query}", 400)
        assert BAD_CURSOR in page and not listed(page), query
        assert 'href="/?status=awaiting_assessment">Gå til første side' in page
    # The users' cursor is not the queue's.
    users_cursor = encoded([6, "2025-01-01T08:00:00+00:00", "0" * 32])
    assert BAD_CURSOR in page_of(client, f"/?efter={users_cursor}", 400)
    # An address from before the pages were read by key.
    page = page_of(client, "/?status=awaiting_assessment&side=2", 400)
    assert "Siderne har ikke længere numre" in page and not listed(page)


def test_a_page_beyond_the_end_of_a_queue_that_changed_says_so(
    app: Flask, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = queue_cases(app, api, world, 8)
    monkeypatch.setattr(work_queue, "QUEUE_PAGE_SIZE", 5)
    client = browser(app, world.cw_aarhus)
    link = str(next_link(page_of(client, "/")))
    with app.app_context(), db.unit_of_work() as session:
        session.execute(
            update(Application)
            .where(col(Application.id).in_(order[5:]))
            .values(state="withdrawn")
            .execution_options(synchronize_session=False)
        )
    page = page_of(client, link)
    assert "Der er ikke flere på denne side" in page and not listed(page)
    assert 'href="/">Gå til første side' in page


# --- the admin's users ---------------------------------------------------------------------------


def many_users(app: Flask, count: int) -> None:
    """Users made at the same few instants (the id decides between them); every fourth
    deactivated."""
    start = datetime(2025, 1, 1, 8, tzinfo=UTC)
    rows = [
        {
            "id": new_id(),
            "email": f"bruger{n}@mange.example",
            "name": f"Bruger {n} Mange",
            "password_hash": "!",
            "role": "applicant" if n % 2 else "caseworker",
            "jobcentre_code": None if n % 2 else "751",
            "home_municipality_code": "101" if n % 2 else None,
            "active": n % 4 != 0,
            "created_at": start + timedelta(hours=n % 3),
        }
        for n in range(count)
    ]
    with app.app_context(), db.unit_of_work() as session:
        session.execute(insert(User), rows)


def users_order(app: Flask, *conditions: Any) -> list[str]:
    with app.app_context():
        rows = db.session().exec(select(User.created_at, User.id).where(*conditions)).all()
    return [user_id for _, user_id in sorted(rows, reverse=True)]


@pytest.mark.parametrize("per_page", [6, 50])
def test_the_users_walked_forward_and_back_show_everyone_once_newest_first(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch, per_page: int
) -> None:
    many_users(app, 61)
    monkeypatch.setattr(admin, "USERS_PER_PAGE", per_page)
    client = browser(app, world.admin)
    assert walk(client, "/admin/users", user_rows) == users_order(app)
    kept = "rolle=caseworker&status=deaktiverede"
    shown = walk(client, f"/admin/users?{kept}", user_rows, kept=kept)
    wanted = (col(User.role) == "caseworker", col(User.active).is_(False))
    assert shown == users_order(app, *wanted) and shown


def test_a_users_page_runs_as_many_statements_for_5_users_as_for_50_and_no_offset(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    many_users(app, 120)
    client = browser(app, world.admin)
    counted: dict[int, int] = {}
    for per_page in (5, 50):
        monkeypatch.setattr(admin, "USERS_PER_PAGE", per_page)
        link = str(next_link(page_of(client, "/admin/users")))
        with statements(app) as seen, rows_skipped(app) as skipped:
            page = page_of(client, link)
            back = page_of(client, str(previous_link(page)))
        assert len(user_rows(page)) == per_page and len(user_rows(back)) == per_page
        assert set(skipped) <= {0}, skipped
        counted[per_page] = len(seen)
    assert counted[5] == counted[50], counted


def test_a_users_cursor_that_is_not_one_is_named_on_the_page(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    many_users(app, 12)
    monkeypatch.setattr(admin, "USERS_PER_PAGE", 5)
    client = browser(app, world.admin)
    second = page_of(client, str(next_link(page_of(client, "/admin/users?rolle=applicant"))))
    for query in tampered(str(previous_link(second))):
        page = page_of(client, f"/admin/users?rolle=applicant&{query}", 400)
        assert BAD_CURSOR in page and "<tbody>" not in page, query
        assert 'href="/admin/users?rolle=applicant">Gå til første side' in page
    page = page_of(client, "/admin/users?side=2", 400)
    assert "Siderne har ikke længere numre" in page and "<tbody>" not in page


# --- the other lists that grow with the country --------------------------------------------------

# Made at the same few instants, so the id decides between them.
INSTANTS = tuple(datetime(2026, 11, 20, 8, tzinfo=UTC) + timedelta(hours=n) for n in range(3))


def newest_first(rows: Any) -> list[Any]:
    """The last value of each row, by the row's values, newest (greatest) first."""
    return [row[-1] for row in sorted(rows, reverse=True)]


def many_vacancies(app: Flask, world: World, count: int) -> list[dict[str, Any]]:
    """Vacancies of Aarhus Kommune (three in four) and Region Midtjylland; one in five past its
    application deadline."""
    rows = [
        {
            "id": new_id(),
            "organisation_id": world.org_aarhus if n % 4 else world.org_region,
            "title": f"Stilling nr. {n}",
            "kind": "job",
            "application_deadline": date(2026, 12, 20) if n % 5 else date(2026, 11, 20),
            "workplace_municipality_code": "751",
            "created_at": INSTANTS[n % 3],
        }
        for n in range(count)
    ]
    with app.app_context(), db.unit_of_work() as session:
        session.execute(insert(Vacancy), rows)
    return rows


def many_breaches(app: Flask, world: World, count: int) -> list[str]:
    """Breaches at Aarhus Kommune, found on a few days; their numbers, newest finding first."""
    rows: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "organisation_id": world.org_aarhus,
            "jobcentre_code": "751",
            "found_on": date(2026, 11, 2 + n % 4),
            "source": "jobcentre",
            "summary": f"Overtrædelse nr. {n}, fundet af jobcenteret.",
            "created_at": INSTANTS[n % 2],
        }
        for n in range(count)
    ]
    with app.app_context(), db.unit_of_work() as session:
        session.execute(insert(Breach), rows)
    return newest_first(
        (r["found_on"], r["created_at"], r["id"], str(n)) for n, r in enumerate(rows)
    )


def many_messages(app: Flask, world: World, count: int) -> list[str]:
    """Messages to the applicant; their subjects, newest first."""
    rows = [
        {
            "subject_key": f"application:test{n}",
            "kind": "reminder",
            "recipient_id": world.applicant.id,
            "created_at": INSTANTS[n % 3],
            "subject": f"Besked nr. {n}",
            "body": "En påmindelse.",
            "link": "/",
            "channel": "in_app",
            "status": "sent",
        }
        for n in range(count)
    ]
    with app.app_context(), db.unit_of_work() as session:
        session.execute(insert(Notification), rows)
        stored = session.exec(
            select(Notification.created_at, Notification.id, Notification.subject)
        ).all()
    return newest_first(stored)


def vacancy_rows(page: str) -> list[str]:
    return re.findall(r'href="/vacancies/([0-9a-f]{32})"', page)


def breach_rows(page: str) -> list[str]:
    return re.findall(r"Overtrædelse nr\. (\d+),", page)


def message_rows(page: str) -> list[str]:
    return re.findall(r"<strong>(Besked nr\. \d+)</strong>", page)


@pytest.mark.parametrize("who", ["applicant", "employer", "admin"])
def test_the_vacancies_are_paged_by_key_wherever_they_are_listed(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch, who: str
) -> None:
    """The applicant's list of vacancies to apply to, the employer's and the admin's home pages."""
    rows = many_vacancies(app, world, 23)
    monkeypatch.setattr(vacancies, "VACANCY_PAGE_SIZE", 4)
    wanted = {
        "applicant": lambda row: row["application_deadline"] >= date(2026, 12, 1),  # accepting
        "employer": lambda row: row["organisation_id"] == world.org_aarhus,
        "admin": lambda row: True,
    }[who]
    expected = newest_first((r["created_at"], r["id"]) for r in rows if wanted(r))
    path = "/vacancies" if who == "applicant" else "/"
    assert walk(browser(app, getattr(world, who)), path, vacancy_rows) == expected


def test_the_breach_register_is_paged_by_key(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = many_breaches(app, world, 23)
    monkeypatch.setattr(breach_register, "BREACHES_PER_PAGE", 5)
    for user in (world.admin, world.cw_aarhus):
        assert walk(browser(app, user), "/breaches", breach_rows) == expected
    page = page_of(browser(app, world.admin), "/breaches?efter=abc", 400)
    assert BAD_CURSOR in page and "Registrér overtrædelsen" in page  # the form is still there


def test_all_messages_are_paged_by_key_and_the_home_page_shows_the_newest(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = many_messages(app, world, 23)
    monkeypatch.setattr(pages, "MESSAGES_PER_PAGE", 5)
    client = browser(app, world.applicant)
    home = page_of(client, "/")
    assert message_rows(home) == expected[:10]
    assert 'href="/notifications">Se alle beskeder' in home
    assert walk(client, "/notifications", message_rows) == expected
    # Marked as read on a later page, the reader comes back to that page.
    second = str(next_link(page_of(client, "/notifications")))
    page = page_of(client, second)
    marked = re.findall(r'action="(/notifications/\d+/read)"', page)[0]
    response = post(client, marked, {"next": second}, page)
    assert response.status_code == 302 and response.headers["Location"] == second
    assert post(client, marked, {"next": "https://example.org/"}, page).headers["Location"] == "/"


@pytest.mark.parametrize(
    ("who", "path", "module", "size"),
    [
        ("applicant", "/vacancies", vacancies, "VACANCY_PAGE_SIZE"),
        ("employer", "/", vacancies, "VACANCY_PAGE_SIZE"),
        ("admin", "/", vacancies, "VACANCY_PAGE_SIZE"),
        ("admin", "/breaches", breach_register, "BREACHES_PER_PAGE"),
        ("applicant", "/notifications", pages, "MESSAGES_PER_PAGE"),
    ],
)
def test_each_list_runs_as_many_statements_for_a_page_of_5_as_of_50_and_no_offset(
    app: Flask,
    api: Api,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    who: str,
    path: str,
    module: Any,
    size: str,
) -> None:
    many_vacancies(app, world, 150)
    blocked = vacancy(api, world.employer)["id"]  # the newest: on the first page, with a duty
    apply(api, world.applicant, blocked)
    many_breaches(app, world, 120)
    many_messages(app, world, 120)
    client = browser(app, getattr(world, who))
    counted: dict[int, int] = {}
    for per_page in (5, 50):
        monkeypatch.setattr(module, size, per_page)
        first = page_of(client, path)
        with statements(app) as seen, rows_skipped(app) as skipped:
            second = page_of(client, str(next_link(first)))
        assert f"Viser {per_page + 1}-{2 * per_page} af" in second
        assert set(skipped) <= {0}, skipped
        counted[per_page] = len(seen)
    assert counted[5] == counted[50], counted


def test_the_caseworker_home_names_the_applicant_of_each_draft_card(
    app: Flask, api: Api, world: World
) -> None:
    talk = conversation(api, world)
    body = {
        "applicant_id": world.applicant.id,
        "conversation_ids": [talk["id"]],
        "template_code": "hearing",
        "valid_until": "2027-06-30",
        "fast_track": {"responsible": "Karen", "max_days": 14},
    }
    draft = api.post("/api/v1/compensation-cards", world.cw_aarhus, json=body)
    assert draft.status_code == 201, draft.json
    page = page_of(browser(app, world.cw_aarhus), "/")
    link = f'<a href="/cards/{draft.json["id"]}">{world.applicant.name}</a>'
    assert f"Kladde til kompensationskort: {link}" in page
