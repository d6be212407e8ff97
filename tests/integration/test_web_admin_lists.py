"""Issue 10, points 8 and 10: the admin's two long lists. The bek. § 7 routing table (98
municipalities) under its five regions, each municipality and jobcentre by name with the code second,
searched and filtered by GET parameters, its history in words; the users searched by name or e-mail,
filtered by role and status, counted and paged in the database, each linking to the user's page,
where deactivation and a new role are checked first. A bad query parameter is named on the page,
never a server error."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert

from fortrin import db
from fortrin.blueprints.web.admin import danish_sort_key
from fortrin.models import User, new_id
from tests.integration.conftest import World, make_user
from tests.integration.test_queue import next_link, previous_link
from tests.integration.test_web_every_path import browser, page_of, post, text

REGIONS = (
    "Region Hovedstaden",
    "Region Midtjylland",
    "Region Nordjylland",
    "Region Sjælland",
    "Region Syddanmark",
)


def rows_of(page: str) -> list[str]:
    """The routing table's rows (one per municipality), as their ids."""
    return re.findall(r'<tr id="kommune-(\d{3})"', page)


def municipalities_of(page: str, region: str) -> list[str]:
    """The names of a region's municipalities, in the order shown."""
    section = page.split(f">{region}</h2>")[1].split("</table>")[0]
    return re.findall(r'<th scope="row"[^>]*>([^<]+) <span', section)


def stored(app: Flask, user_id: str) -> User:
    with app.app_context():
        user = db.session().get(User, user_id)
        assert user is not None
        return user


# --- the routing table ---------------------------------------------------------------------------


def test_the_routing_table_is_grouped_by_region_with_names_first(app: Flask, world: World) -> None:
    page = page_of(browser(app, world.admin), "/admin/routing")
    assert "<title>Nabojobcentre (bek. § 7)" in page
    assert len(rows_of(page)) == 98
    assert "98 kommuner i 5 regioner" in page
    headings = re.findall(r'<h2 id="region-\d+">([^<]+)</h2>', page)
    assert sorted(headings) == list(REGIONS)
    # Each region's municipalities are under its heading, in Danish alphabetical order.
    midtjylland = municipalities_of(page, "Region Midtjylland")
    assert len(midtjylland) == 19 and "Skanderborg" in midtjylland
    assert "København" not in midtjylland
    assert midtjylland == sorted(midtjylland, key=danish_sort_key)
    assert municipalities_of(page, "Region Syddanmark")[-1] == "Ærø"  # Æ after Z
    # Aarhus: its name, its code second; its jobcentre and neighbour by name with the code second.
    aarhus = page.split('<tr id="kommune-751">')[1].split("</tr>")[0]
    assert 'Aarhus <span class="code-secondary">' in aarhus
    assert "Jobcenter Aarhus" in aarhus and "Jobcenter Skanderborg" in aarhus
    assert re.search(r'<span class="sr-only">kode </span>751</span>', aarhus)
    assert 'href="/admin/routing/751"' in aarhus
    # No English on the Danish page: the history and the headings are in words.
    for english in ("municipality", "neighbour_jobcentre_code", "Code</th>"):
        assert english not in page


def test_the_routing_table_is_searched_by_name_or_code_and_filtered_by_region(
    app: Flask, world: World
) -> None:
    admin = browser(app, world.admin)
    by_name = page_of(admin, "/admin/routing?soeg=aarhus")
    assert rows_of(by_name) == ["751"] and "1 kommune passer til søgningen" in by_name
    assert 'value="aarhus"' in by_name and "Ryd søgningen" in by_name
    assert rows_of(page_of(admin, "/admin/routing?soeg=751")) == ["751"]
    assert rows_of(page_of(admin, "/admin/routing?soeg=Aarhus+Kommune")) == ["751"]
    assert rows_of(page_of(admin, "/admin/routing?soeg=%C3%A6R%C3%98")) == ["492"]  # "æRØ": Ærø
    # A code from its start: 1xx are the capital's.
    capital = page_of(admin, "/admin/routing?soeg=10")
    assert rows_of(capital) == ["101"]
    several = page_of(admin, "/admin/routing?soeg=BY")
    assert rows_of(several) == ["153", "173", "185"]  # Brøndby, Lyngby-Taarbæk, Tårnby
    assert "3 kommuner passer til søgningen" in several and "Aarhus" not in several
    region = page_of(admin, "/admin/routing?region=1082")
    assert len(rows_of(region)) == 19 and "Region Hovedstaden</h2>" not in region
    assert '<option value="1082" selected>' in region
    both = page_of(admin, "/admin/routing?soeg=skander&region=1082")
    assert rows_of(both) == ["746"]
    assert rows_of(page_of(admin, "/admin/routing?soeg=skander&region=1084")) == []
    none = page_of(admin, "/admin/routing?soeg=atlantis")
    assert rows_of(none) == [] and "Ingen kommuner passer til søgningen." in none
    assert "Ændringer" in none  # the history is still there


@pytest.mark.parametrize(
    ("query", "status", "said"),
    [
        ("region=9999", 400, "Vælg en region på listen."),
        ("region=%27%3B+drop+table", 400, "Vælg en region på listen."),
        ("soeg=" + "a" * 101, 400, "Skriv højst 100 tegn."),
        ("soeg=%01%1B", 200, "98 kommuner i 5 regioner"),  # control characters are dropped
        ("soeg=%00", 422, "Der opstod en fejl"),  # a NUL: refused before any view runs
        ("soeg=%25", 200, "Ingen kommuner passer til søgningen."),  # % is itself
        ("soeg=&region=", 200, "98 kommuner i 5 regioner"),
        ("soeg=a&soeg=b&region=1082&region=x", 200, "kommuner passer til søgningen"),
        ("side=-1&ukendt=1", 200, "98 kommuner i 5 regioner"),
    ],
)
def test_a_bad_query_on_the_routing_table_is_named_never_a_server_error(
    app: Flask, world: World, query: str, status: int, said: str
) -> None:
    page = page_of(browser(app, world.admin), f"/admin/routing?{query}", status)
    assert said in page
    if status == 400:
        assert "<title>Fejl:" in page and 'id="error-summary"' in page
        assert 'aria-invalid="true"' in page and rows_of(page) == []


def test_a_change_shows_in_the_history_in_words(app: Flask, world: World) -> None:
    admin = browser(app, world.admin)
    edit = page_of(admin, "/admin/routing/751")
    assert "Kommunens eget jobcenter" in edit and "Jobcenter Aarhus" in edit
    assert "Nabojobcenter nu" in edit and "Jobcenter Skanderborg" in edit
    assert "Region Midtjylland" in edit
    assert '<option value="751"' not in edit  # its own jobcentre is never offered
    missing = post(admin, "/admin/routing/751", {"neighbour": "727", "reason": ""}, edit)
    assert missing.status_code == 422
    assert "<title>Fejl:" in text(missing) and '<option value="727" selected>' in text(missing)
    saved = post(
        admin, "/admin/routing/751", {"neighbour": "727", "reason": "Ministeriets oversigt"}, edit
    )
    assert saved.status_code == 302
    page = page_of(admin, "/admin/routing")
    assert "Nabojobcenteret for Aarhus er gemt." in page
    history = page.split("<h2>Ændringer</h2>")[1]
    assert "Aarhus" in history and "Nabojobcenter" in history
    assert "Jobcenter Skanderborg" in history and "Jobcenter Odder" in history
    assert "Ministeriets oversigt" in history and html.escape(world.admin.name) in history
    assert "neighbour_jobcentre_code" not in history and "municipality" not in history
    page_of(admin, "/admin/routing/999", 404)


def test_each_municipalitys_basis_is_said_in_danish(app: Flask, world: World) -> None:
    """The default table's basis is loaded in English ("longest shared land border with ..."); each
    of the 98 edit pages says it in Danish."""
    admin = browser(app, world.admin)
    codes = rows_of(page_of(admin, "/admin/routing"))
    english = re.compile(r"\b(longest|border|island|ferry|skipped|same|alternative|former|is in)\b")
    for code in codes:
        page = page_of(admin, f"/admin/routing/{code}")
        basis = page.split("<dt>Grundlag</dt>")[1].split("</dd>")[0]
        assert basis.count("Standard (ikke ministeriets oversigt): ") == 1, basis
        assert not english.search(basis), basis
    aarhus = page_of(admin, "/admin/routing/751")
    assert "længste fælles landgrænse med Skanderborg (" in aarhus and " km, DAGI 1:500k)" in aarhus
    assert "færgen Sælvig–Hou (Hou ligger i Odder); alternativ: Kalundborg (326)" in page_of(
        admin, "/admin/routing/741"
    )


def test_the_routing_table_in_english(app: Flask, world: World) -> None:
    admin = browser(app, world.admin)
    admin.get("/language/en")
    page = page_of(admin, "/admin/routing?soeg=aarhus")
    assert "1 municipality matches the search" in page
    assert "Search by the municipality's name or code" in page
    assert "Show municipalities" in page and "All regions" in page
    assert "kommune passer" not in page


def test_the_admin_lists_are_for_admins_only(app: Flask, world: World) -> None:
    caseworker = browser(app, world.cw_aarhus)
    for path in ("/admin/routing", "/admin/routing?soeg=aarhus", "/admin/users?soeg=a"):
        page_of(caseworker, path, 403)
    assert app.test_client().get("/admin/users").status_code == 302  # to the sign-in page


# --- the users -----------------------------------------------------------------------------------


def many_users(app: Flask, count: int) -> None:
    """``count`` applicants in bulk, older than the world's users (through the service they would
    take a password hash each)."""
    start = datetime(2025, 1, 1, 8, tzinfo=UTC)
    rows: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "email": f"borger{n}@masse.example",
            "name": f"Borger {n} Masse",
            "password_hash": "!",
            "role": "applicant",
            "home_municipality_code": "101",
            "active": n % 10 != 0,
            "created_at": start + timedelta(minutes=n),
        }
        for n in range(1, count + 1)
    ]
    with app.app_context(), db.unit_of_work() as session:
        session.execute(insert(User), rows)


def user_rows(page: str) -> list[str]:
    return re.findall(r'href="/admin/users/([0-9a-f]+)"', page.split("<tbody>")[1])


def test_the_users_are_counted_and_paged_in_the_database(app: Flask, world: World) -> None:
    many_users(app, 1100)
    admin = browser(app, world.admin)
    everyone = 1100 + 8  # and the world's eight
    page = page_of(admin, "/admin/users")
    assert f"Brugere i alt: <strong>{everyone:,}".replace(",", ".") in page  # 1.108
    assert "Deaktiverede: <strong>110</strong>" in page and "Aktive: <strong>998</strong>" in page
    assert "Viser 1-50 af 1.108 brugere" in page and len(user_rows(page)) == 50
    assert world.admin.id in user_rows(page)[:8]  # the newest first
    # Paged by key (issue 12): "Forrige" and "Næste", no page numbers.
    assert previous_link(page) is None and "side=" not in page
    second = page_of(admin, str(next_link(page)))
    assert "Viser 51-100 af 1.108 brugere" in second and set(user_rows(second)).isdisjoint(
        user_rows(page)
    )
    last = second
    for _ in range(21):
        last = page_of(admin, str(next_link(last)))
    assert "Viser 1.101-1.108 af 1.108 brugere" in last and len(user_rows(last)) == 8
    assert "Borger 1 Masse" in last and next_link(last) is None  # the oldest last
    # The filters are kept on the page links.
    deactivated = page_of(admin, "/admin/users?status=deaktiverede&rolle=applicant")
    assert "Viser 1-50 af 110 brugere" in deactivated
    assert str(next_link(deactivated)).startswith(
        "/admin/users?rolle=applicant&status=deaktiverede&efter="
    )
    assert '<option value="deaktiverede" selected>' in deactivated


def test_the_users_are_searched_by_name_or_email_and_filtered(app: Flask, world: World) -> None:
    make_user(
        app, "caseworker", name="Øjvind Ærlig", email="oe@jobcenter.example", jobcentre_code="751"
    )
    admin = browser(app, world.admin)
    found = page_of(admin, "/admin/users?soeg=%C3%B8JVIND")  # "øJVIND"
    assert "Viser 1 bruger" in found and "Øjvind Ærlig" in found
    assert "Jobcenter Aarhus" in found and "Sagsbehandler" in found
    by_email = page_of(admin, "/admin/users?soeg=JOBCENTER.EXAMPLE")
    assert "Øjvind Ærlig" in by_email and len(user_rows(by_email)) == 1
    employers = page_of(admin, "/admin/users?rolle=employer")
    assert len(user_rows(employers)) == 2 and "Aarhus Kommune" in employers
    assert "Region Midtjylland" in employers
    applicants = page_of(admin, "/admin/users?rolle=applicant&soeg=ida")
    assert user_rows(applicants) == [world.applicant.id] and "Aarhus" in applicants
    nobody = page_of(admin, "/admin/users?soeg=%25_")
    assert "Ingen brugere passer til søgningen og filtrene." in nobody
    assert "Ryd søgning og filtre" in nobody
    active_only = page_of(admin, "/admin/users?status=aktive")
    assert "Viser 1-9 af 9 brugere" in active_only


@pytest.mark.parametrize(
    ("query", "status", "said"),
    [
        ("rolle=superuser", 400, "Vælg en rolle på listen."),
        ("status=maybe", 400, "Vælg en status på listen."),
        ("soeg=" + "x" * 101, 400, "Skriv højst 100 tegn."),
        # Page numbers are gone (issue 12): the pages are read by key.
        ("side=2", 400, "Siderne har ikke længere numre"),
        ("side=abc", 400, "Siderne har ikke længere numre"),
        ("side=0", 400, "Siderne har ikke længere numre"),
        ("side=%EF%BC%91", 400, "Siderne har ikke længere numre"),  # a full-width digit one
        ("side=1", 200, "Viser 1-8 af 8 brugere"),
        ("efter=abc", 400, "Adressen peger ikke på en side i listen."),
        ("foer=" + "A" * 600, 400, "Adressen peger ikke på en side i listen."),
        ("soeg=%07%1F", 200, "Viser 1-8 af 8 brugere"),
        ("soeg=%00", 422, "Der opstod en fejl"),
        ("soeg=%27%20OR%201%3D1--", 200, "Ingen brugere passer"),
        ("rolle=&status=&soeg=", 200, "Viser 1-8 af 8 brugere"),
    ],
)
def test_a_bad_query_on_the_users_is_named_never_a_server_error(
    app: Flask, world: World, query: str, status: int, said: str
) -> None:
    page = page_of(browser(app, world.admin), f"/admin/users?{query}", status)
    assert html.unescape(said) in html.unescape(page)
    if status == 400:
        assert "<tbody>" not in page


# --- one user: deactivation and a new role, checked first ----------------------------------------


def test_deactivation_is_confirmed_first_and_reactivation_is_at_once(
    app: Flask, world: World
) -> None:
    admin = browser(app, world.admin)
    target = browser(app, world.employer)
    path = f"/admin/users/{world.employer.id}"
    page = page_of(admin, path)
    assert "Du bliver bedt om at bekræfte først." in page
    asked = post(admin, f"{path}/active", {"active": "no"}, page)
    assert asked.status_code == 200
    check = text(asked)
    assert f"Deaktivér {html.escape(world.employer.name)}?" in check
    assert "Brugeren kan ikke logge ind, før kontoen er genaktiveret." in check
    assert "Arbejdsgiver" in check and html.escape(world.employer.email) in check
    assert 'name="active" value="no"' in check
    assert stored(app, world.employer.id).active is True  # nothing yet
    assert target.get("/").status_code == 200
    back = post(admin, f"{path}/active", {"active": "no", "confirmed": "edit"}, check)
    assert back.status_code == 200 and "<h1>" + html.escape(world.employer.name) in text(back)
    assert stored(app, world.employer.id).active is True
    done = post(admin, f"{path}/active", {"active": "no", "confirmed": "yes"}, check)
    assert done.status_code == 302 and done.headers["Location"] == path
    assert stored(app, world.employer.id).active is False
    assert target.get("/").status_code == 302  # signed out
    listing = page_of(admin, "/admin/users?status=deaktiverede")
    assert user_rows(listing) == [world.employer.id] and "Deaktiveret" in listing
    page = page_of(admin, path)
    again = post(admin, f"{path}/active", {"active": "yes"}, page)
    assert again.status_code == 302 and stored(app, world.employer.id).active is True


def test_the_last_admin_is_refused_at_the_check_not_after(app: Flask, world: World) -> None:
    admin = browser(app, world.admin)
    path = f"/admin/users/{world.admin.id}"
    page = page_of(admin, path)
    refused = post(admin, f"{path}/active", {"active": "no"}, page)
    assert refused.status_code == 409
    said = text(refused)
    assert "Ikke gemt." in said and "Den sidste aktive administrator" in said
    assert "<title>Fejl:" in said
    assert stored(app, world.admin.id).active is True
    # A second admin: then the first may deactivate themselves, told that it signs them out.
    make_user(app, "admin")
    asked = text(post(admin, f"{path}/active", {"active": "no"}, page))
    assert "Det er din egen konto: du bliver logget ud." in asked


def test_a_new_role_is_confirmed_first_with_only_the_roles_own_field(
    app: Flask, world: World
) -> None:
    admin = browser(app, world.admin)
    target = browser(app, world.cw_aarhus)
    path = f"/admin/users/{world.cw_aarhus.id}"
    page = page_of(admin, path)
    same = post(admin, f"{path}/role", {"role": "caseworker", "jobcentre_code": "751"}, page)
    assert same.status_code == 302
    assert "Intet er ændret" in page_of(admin, path)
    # Employer, with the jobcentre still chosen in its select: only the organisation is sent.
    answers = {"role": "employer", "jobcentre_code": "751", "organisation_id": world.org_aarhus}
    asked = post(admin, f"{path}/role", answers, page)
    assert asked.status_code == 200
    check = text(asked)
    assert f"Skift rolle for {html.escape(world.cw_aarhus.name)}?" in check
    assert "Rolle nu" in check and "Sagsbehandler" in check and "Arbejdsgiver" in check
    assert "Brugeren mister adgangen til sagerne i Jobcenter Aarhus." in check
    assert "Brugeren handler derefter for Aarhus Kommune." in check
    assert "Brugeren logges ud med det samme" in check
    assert stored(app, world.cw_aarhus.id).role == "caseworker"
    # "Tilbage og ret" keeps the answers.
    back = text(post(admin, f"{path}/role", {**answers, "confirmed": "edit"}, check))
    assert f'<option value="{world.org_aarhus}" selected>' in back
    assert '<option value="employer" selected>' in back
    done = post(admin, f"{path}/role", {**answers, "confirmed": "yes"}, check)
    assert done.status_code == 302
    changed = stored(app, world.cw_aarhus.id)
    assert changed.role == "employer" and changed.organisation_id == world.org_aarhus
    assert changed.jobcentre_code is None
    assert target.get("/").status_code == 302  # signed out
    assert "Rollen er ændret." in page_of(admin, path)


def test_a_refused_role_is_said_in_words_with_the_answers_kept(app: Flask, world: World) -> None:
    admin = browser(app, world.admin)
    path = f"/admin/users/{world.employer.id}"
    page = page_of(admin, path)
    refused = post(admin, f"{path}/role", {"role": "caseworker", "jobcentre_code": ""}, page)
    assert refused.status_code == 422
    said = text(refused)
    assert "Jobcenter (sagsbehandlere): skal udfyldes for den valgte rolle" in said
    assert "for rollen caseworker" not in said and "<title>Fejl:" in said
    assert '<option value="caseworker" selected>' in said
    assert stored(app, world.employer.id).role == "employer"
    for role in ("", "superuser", "applicant"):
        answer = post(admin, f"{path}/role", {"role": role}, page)
        assert answer.status_code == 422 and "Ikke gemt." in text(answer)
    assert stored(app, world.employer.id).role == "employer"
    # An applicant's account keeps its role; the page says so instead of a form.
    applicant = page_of(admin, f"/admin/users/{world.applicant.id}")
    assert "En ansøgers konto skifter ikke rolle" in applicant
    assert "Bopælskommune" in applicant and "Aarhus" in applicant


def test_a_user_page_in_english(app: Flask, world: World) -> None:
    admin = browser(app, world.admin)
    admin.get("/language/en")
    path = f"/admin/users/{world.employer.id}"
    check = text(post(admin, f"{path}/active", {"active": "no"}, page_of(admin, path)))
    assert "The user cannot sign in until the account is reactivated." in check
    listing = page_of(admin, "/admin/users?rolle=employer")
    assert "Showing 1-2 of 2 users" in listing and "Search by name or e-mail" in listing


def test_each_user_on_the_list_links_to_their_page(app: Flask, world: World) -> None:
    admin: FlaskClient = browser(app, world.admin)
    listing = page_of(admin, "/admin/users")
    assert len(user_rows(listing)) == 8
    for user_id in user_rows(listing):
        page = page_of(admin, f"/admin/users/{user_id}")
        assert html.escape(stored(app, user_id).email) in page
