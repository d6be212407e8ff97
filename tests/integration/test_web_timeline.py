"""Issue 10, point 3: what people write on a case is shown on the case page, each timeline entry
open to its content, filtered by role exactly as the API filters it (the employer never gets the
jobcentre's assessment reasoning or its minutes, nor card schemes the citizen has not shared).

For each role the texts on the web page are compared with the texts ``GET /api/v1/applications/{id}``
returns to the same user, on both databases."""

from __future__ import annotations

import html
import re
import typing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from fortrin import retention
from fortrin.blueprints.web import timeline
from fortrin.models import User
from fortrin.presenters import TimelineEntryOut
from fortrin.workflows import preferential_access as pa
from tests.integration.conftest import (
    Api,
    World,
    apply,
    event,
    now_of,
    ok,
    set_now,
    soon,
    vacancy,
)
from tests.integration.test_cards import issued_card
from tests.integration.test_web import sign_in

# What each party writes; line breaks and markup, to see that both survive as text.
ASSESSMENT = "Ida kan bestride stillingen med tolk.\nHelbred: nedsat hørelse på begge ører."
LOCATION = "Rådhuset, lokale 3 & 4"
NOTES = "Samtalen gik godt; <b>ingen</b> bemærkninger om hørelsen."
DECISION = "Vi har valgt en ansøger med mere erfaring i sagsbehandling."
STATEMENT = "Den valgte ansøger har\nfem års erfaring med ESDH og journalisering."
MINUTES = "Kompetencer gennemgået;\npersonlig assistance og tolkning præsenteret."
REFUSAL = 'Du er ikke ansat, fordi en anden ansøger havde mere erfaring ("ESDH").'

# Keys whose values people wrote (retention's classification, which this test does not share with
# the page), and the complaint guidance the service writes into the refusal.
WRITTEN_KEYS = (retention.FREE_TEXT_KEYS - {"card_id"}) | {"complaint_guidance"}
WRITTEN = re.compile(r'<dd class="written-text">(.*?)</dd>', re.S)
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


# --- helpers -------------------------------------------------------------------------------------


def browser(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def case_page(app: Flask, user: User, case_id: str) -> str:
    response = browser(app, user).get(f"/applications/{case_id}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def timeline_part(page: str) -> str:
    start = page.index('<ol class="accordion case-timeline">')
    return page[start : page.index("</ol>", start)]


def page_texts(part: str) -> set[str]:
    return {html.unescape(text) for text in WRITTEN.findall(part)}


def api_texts(case: dict[str, Any]) -> set[str]:
    return {
        value
        for entry in case["timeline"]
        for key, value in entry["data"].items()
        if key in WRITTEN_KEYS and isinstance(value, str) and value.strip()
    }


def refused_case(api: Api, world: World, from_card: bool = False) -> str:
    """Ida, via the jobcentre, interviewed, not hired, negotiated and refused by Digital Post; each
    step with its own text. ``from_card``: the minutes take schemes from her (unshared) card."""
    v = vacancy(api, world.employer)
    case_id = apply(api, world.applicant, v["id"], "via_jobcentre")["id"]
    ok(
        event(
            api,
            world.cw_aarhus,
            case_id,
            type="assessment",
            can_perform=True,
            has_difficulty_getting_work=True,
            reasoning=ASSESSMENT,
        )
    )
    starts = soon(api.app)
    ok(
        event(
            api,
            world.employer,
            case_id,
            type="interview_scheduled",
            starts_at=starts,
            location=LOCATION,
        )
    )
    set_now(api.app, datetime.fromisoformat(starts) + timedelta(minutes=5))
    ok(event(api, world.employer, case_id, type="interview_held", notes=NOTES))
    ok(
        event(
            api, world.employer, case_id, type="decision", outcome="not_hired", reasoning=DECISION
        )
    )
    ok(event(api, world.employer, case_id, type="statement_submitted", text=STATEMENT))
    today = now_of(api.app).date().isoformat()
    ok(
        event(
            api,
            world.cw_aarhus,
            case_id,
            type="negotiation_held",
            held_on=today,
            minutes=MINUTES,
            competences_considered=True,
            disability_not_decisive=True,
            schemes_presented=["personal_assistance"],
            outcome="no_hire",
            schemes_from_card=from_card,
        )
    )
    ok(
        event(
            api,
            world.employer,
            case_id,
            type="refusal_notified",
            reasoning=REFUSAL,
            sent_on=today,
            channel="digital_post",
        )
    )
    return case_id


def readers(world: World) -> dict[str, User]:
    return {
        "applicant": world.applicant,
        "employer": world.employer,
        "caseworker": world.cw_aarhus,
        "admin": world.admin,
    }


# --- the same texts as the API, role by role -------------------------------------------------------


def test_each_role_reads_on_the_page_exactly_the_texts_the_api_gives_it(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())  # not pytest-flask's client, which keeps its context
    case_id = refused_case(api, world)
    seen = {
        role: ok(api.get(f"/api/v1/applications/{case_id}", user))
        for role, user in readers(world).items()
    }
    everything = set[str]().union(*(api_texts(case) for case in seen.values()))
    assert {ASSESSMENT, LOCATION, NOTES, DECISION, STATEMENT, MINUTES, REFUSAL} <= everything
    # The API's rule, which the page must follow: the employer gets neither the jobcentre's
    # reasoning (health data) nor its minutes; everybody else gets every text.
    assert api_texts(seen["employer"]) == everything - {ASSESSMENT, MINUTES}
    for role in ("applicant", "caseworker", "admin"):
        assert api_texts(seen[role]) == everything, role

    for role, user in readers(world).items():
        page = case_page(app, user, case_id)
        expected = api_texts(seen[role])
        assert page_texts(timeline_part(page)) == expected, role
        assert page_texts(page) == expected, role  # nothing more elsewhere on the page
        for hidden in everything - expected:
            for fragment in hidden.splitlines():
                assert fragment not in page and str(escape(fragment)) not in page, (role, hidden)

    employer_page = case_page(app, world.employer, case_id)
    assert "<dt>Referat</dt>" not in employer_page
    assert "<dt>Resultat</dt>" in employer_page  # the outcome is not hidden from the employer
    assert "<dt>Referat</dt>" in case_page(app, world.cw_aarhus, case_id)


def test_card_schemes_in_the_minutes_reach_the_employers_page_only_as_the_api_gives_them(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())  # not pytest-flask's client, which keeps its context
    issued_card(api, world)  # interpretation, assistive_devices; not shared with employers
    case_id = refused_case(api, world, from_card=True)
    names = {
        code: ok(api.get(f"/api/v1/schemes/{code}", world.admin))["name"]
        for code in ("personal_assistance", "interpretation", "assistive_devices")
    }
    label = "<dt>2. Ordninger præsenteret for arbejdsgiveren</dt>"
    for role, user in readers(world).items():
        case = ok(api.get(f"/api/v1/applications/{case_id}", user))
        [minutes] = [e for e in case["timeline"] if e["type"] == "negotiation_held"]
        part = timeline_part(case_page(app, user, case_id))
        shown = part.split(label)[1].split("</dd>")[0].split("<dd>")[1]
        assert html.unescape(shown) == ", ".join(
            names[code] for code in minutes["data"]["schemes_presented"]
        ), role
        added = "<dt>Tilføjet fra kompensationskortet</dt>" in part
        assert added == ("card_schemes_added" in minutes["data"]), role
    employer = timeline_part(case_page(app, world.employer, case_id))
    assert names["interpretation"] not in employer and names["assistive_devices"] not in employer
    assert "Ordninger fra ansøgerens kompensationskort" not in employer


# --- Danish labels and values ----------------------------------------------------------------------


def test_the_entries_are_labelled_in_danish_with_danish_values_and_escaped_text(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())  # not pytest-flask's client, which keeps its context
    case_id = refused_case(api, world)
    page = case_page(app, world.admin, case_id)
    part = timeline_part(page)
    for label in (
        "Begrundelse",
        "Sted",
        "Tidspunkt",
        "Noter",
        "Redegørelse",
        "Referat",
        "Begrundelse i afslaget",
        "Afsendt",
        "Kanal",
        "Klagevejledning",
        "1. Er ansøgerens kompetencer taget i betragtning?",
        "Behandlende jobcenter",
    ):
        assert f"<dt>{label}</dt>" in part, label
    assert "<dd>Digital Post</dd>" in part
    assert "<dd>Ja</dd>" in part
    assert "<dd>Ansøgeren ansættes ikke</dd>" in part
    assert "<dd>Arbejdsgiveren fastholder afslaget</dd>" in part
    assert "<dd>Personlig assistance</dd>" in part
    assert "<dd>Via jobcenteret</dd>" in part
    today = now_of(app).date()
    assert f"<dd>{today.day}. december 2026</dd>" in part
    assert re.search(r"<dd>\d+\. december 2026 kl\. \d\d:\d\d</dd>", part)
    # Never a code or an English key.
    for raw in (
        "digital_post",
        "no_hire",
        "not_hired",
        "personal_assistance",
        "via_jobcentre",
        "reasoning",
        "minutes",
        "schemes_presented",
        "True",
        "False",
        "opinion_basis",
        "weeks",
    ):
        assert raw not in part, raw
    # What people wrote is escaped, never markup, and keeps its line breaks.
    assert "<b>ingen</b>" not in page
    assert "&lt;b&gt;ingen&lt;/b&gt;" in part
    assert str(escape(STATEMENT)) in part and "\n" in STATEMENT
    for name in ("macros.html", "application.html"):
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe", source), name


def test_a_move_names_the_municipalities_and_jobcentres(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    case_id = apply(api, world.applicant, v["id"], "via_jobcentre")["id"]
    ok(
        event(
            api,
            world.cw_aarhus,
            case_id,
            type="transferred",
            home_municipality_code="101",
            reason="Flyttet til København\nifølge folkeregisteret.",
        )
    )
    part = timeline_part(case_page(app, world.admin, case_id))
    for label, name in (
        ("Ny bopælskommune", "København"),
        ("Tidligere bopælskommune", "Aarhus"),
        ("Tidligere behandlende jobcenter", "Jobcenter Aarhus"),
        ("Behandlende jobcenter", "Jobcenter København"),
    ):
        assert f"<dt>{label}</dt>\n  <dd>{name}</dd>" in part, label
    assert '<dd class="written-text">Flyttet til København\nifølge folkeregisteret.</dd>' in part


def test_the_page_is_english_for_a_reader_who_chose_english(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())  # not pytest-flask's client, which keeps its context
    case_id = refused_case(api, world)
    client = browser(app, world.applicant)
    client.get("/language/en")
    part = timeline_part(client.get(f"/applications/{case_id}").get_data(as_text=True))
    assert "<dt>Channel</dt>" in part and "<dd>Digital Post</dd>" in part
    assert "<dd>Personal assistance at work</dd>" in part
    assert "<dt>Kanal</dt>" not in part and "<dd>Ja</dd>" not in part and "<dd>Yes</dd>" in part
    assert REFUSAL.split("(")[0] in html.unescape(part)  # what people wrote is never translated


# --- the most relevant content first -----------------------------------------------------------


def test_the_caseworker_reads_the_employers_statement_before_the_negotiation_form(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())  # not pytest-flask's client, which keeps its context
    v = vacancy(api, world.employer)
    case_id = apply(api, world.applicant, v["id"], "via_jobcentre")["id"]
    ok(
        event(
            api,
            world.cw_aarhus,
            case_id,
            type="assessment",
            can_perform=True,
            has_difficulty_getting_work=True,
            reasoning=ASSESSMENT,
        )
    )
    starts = soon(api.app)
    ok(
        event(
            api,
            world.employer,
            case_id,
            type="interview_scheduled",
            starts_at=starts,
            location=LOCATION,
        )
    )
    set_now(api.app, datetime.fromisoformat(starts) + timedelta(minutes=5))
    ok(event(api, world.employer, case_id, type="interview_held"))
    ok(
        event(
            api, world.employer, case_id, type="decision", outcome="not_hired", reasoning=DECISION
        )
    )
    case = ok(event(api, world.employer, case_id, type="statement_submitted", text=STATEMENT))
    [statement] = [e for e in case["timeline"] if e["type"] == "statement_submitted"]

    page = case_page(app, world.cw_aarhus, case_id)
    shown = str(escape(STATEMENT))
    assert page.index(shown) < page.index('id="form-negotiation_held"')
    assert 'id="focus-entry-heading">Skriftlig redegørelse til jobcenteret</h2>' in page
    anchor = f"timeline-entry-{statement['seq']}"
    assert f'aria-expanded="true" aria-controls="{anchor}"' in page
    assert f'id="{anchor}" aria-hidden="false"' in page
    assert page.count('aria-expanded="true"') == 1  # the others stay closed until opened
    # The employer, who wrote it, has no negotiation to record: nothing is pulled up for it.
    assert "focus-entry" not in case_page(app, world.employer, case_id)


def test_the_refused_applicant_reads_the_reasons_at_the_top(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())  # not pytest-flask's client, which keeps its context
    case_id = refused_case(api, world)
    case = ok(api.get(f"/api/v1/applications/{case_id}", world.applicant))
    [refusal] = [e for e in case["timeline"] if e["type"] == "refusal_notified"]
    page = case_page(app, world.applicant, case_id)
    focus = page.split('<section class="focus-entry"')[1].split("</section>")[0]
    assert "Skriftligt afslag med klagevejledning" in focus
    assert str(escape(REFUSAL)) in focus and "Klagevejledning" in focus
    assert page.index(str(escape(REFUSAL))) < page.index('id="timeline-heading"')
    assert f'aria-controls="timeline-entry-{refusal["seq"]}"' in page
    assert f'id="timeline-entry-{refusal["seq"]}" aria-hidden="false"' in page


def test_a_refusal_for_lack_of_formal_education_is_explained_before_the_written_refusal(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())  # not pytest-flask's client, which keeps its context
    v = vacancy(api, world.employer)
    case_id = apply(api, world.applicant, v["id"])["id"]
    ok(
        event(
            api,
            world.employer,
            case_id,
            type="eligibility_check",
            eligible=False,
            reasoning=DECISION,
        )
    )
    page = case_page(app, world.applicant, case_id)
    focus = page.split('<section class="focus-entry"')[1].split("</section>")[0]
    assert "Formelle krav" in focus and str(escape(DECISION)) in focus
    assert "<dd>Nej</dd>" in focus and "<dd>Formelle uddannelseskrav</dd>" in focus


# --- never a crash -------------------------------------------------------------------------------


def test_an_erased_or_odd_entry_is_shown_without_failing(app: Flask) -> None:
    """Retention erases the texts of an ended case, which nobody then sees; should an erased entry
    reach the page, it says so. Values of an unexpected form are shown as written, never a 500."""
    names = timeline.Names(jobcentres={}, municipalities={}, schemes={})
    erased = TimelineEntryOut(
        seq=1,
        at=datetime.fromisoformat("2026-12-01T09:00:00+01:00"),
        type="negotiation_held",
        actor_role="caseworker",
        from_state="negotiation_required",
        to_state="refusal_pending",
        data=retention.erased_data(
            {
                "held_on": "2026-12-01",
                "minutes": MINUTES,
                "outcome": "no_hire",
                "card_id": "abc",
                "schemes_presented": ["personal_assistance"],
            }
        ),
    )
    odd = erased.model_copy(
        update={
            "type": "no_such_event",
            "data": {
                "held_on": "not a date",
                "starts_at": "2026-12-01T10:00:00",  # no time zone
                "sent_on": 20261201,
                "outcome": "no_such_outcome",
                "channel": None,
                "reasoning": {"nested": True},
                "unknown_key": "x",
                "erased": ["minutes", "unknown_key", 7],
            },
        }
    )
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("macros.html").module
        shown = str(macros.timeline_fields(timeline.entry_fields(erased, names)))  # type: ignore[attr-defined]
        odd_shown = str(macros.timeline_fields(timeline.entry_fields(odd, names)))  # type: ignore[attr-defined]
    assert "<dt>Referat</dt>" in shown and "Slettet efter opbevaringsperioden" in shown
    assert MINUTES.splitlines()[0] not in shown
    assert "<dd>Arbejdsgiveren fastholder afslaget</dd>" in shown
    assert "abc" not in shown and "card_id" not in shown
    assert "<dd>not a date</dd>" in odd_shown and "<dd>20261201</dd>" in odd_shown
    assert "<dt>Andre oplysninger</dt>" in odd_shown and "unknown_key" not in odd_shown
    assert "nested" not in odd_shown
    assert timeline.EVENT_TITLES.get(odd.type, timeline.OTHER_EVENT) == "Sagen blev opdateret"


# --- every field the workflow records has a Danish name ------------------------------------------


def _literal_values(annotation: Any) -> set[str]:
    found: set[str] = set()
    for arg in typing.get_args(annotation):
        if isinstance(arg, str):
            found.add(arg)
        else:
            found |= _literal_values(arg)
    return found


def test_every_recorded_field_and_every_event_has_a_danish_name() -> None:
    keys = set(retention.KEPT_KEYS | retention.FREE_TEXT_KEYS)
    # Written by the guards and the service beside the posted fields.
    keys |= {
        "rescheduled",
        "statement_on",
        "wait_days",
        "opinion_due",
        "opinion_basis",
        "complaint_guidance",
        "previous_due",
    }
    for transition in pa.TRANSITIONS.values():
        keys |= set(transition.fields.model_fields)
    for key in keys:
        assert key in timeline.FIELDS or key in timeline.NOT_SHOWN, key
    events = set(pa.TRANSITIONS) | {
        "submitted",
        "vacancy_withdrawn",
        "vacancy_filled",
        "opinion_window_expired",
    }
    assert events <= set(timeline.EVENT_TITLES)
    # Every code a choice can hold has its name.
    for transition in pa.TRANSITIONS.values():
        for name, info in transition.fields.model_fields.items():
            codes = _literal_values(info.annotation)
            if codes:
                spec = timeline.spec_for(transition.event, name)
                assert spec is not None and spec.choices is not None, name
                assert codes <= set(spec.choices), (transition.event, name)
    assert set(timeline.ROUTES) == {"via_jobcentre", "direct"}
    assert set(timeline.FILLED_BY) == {"preferential_applicant", "internal", "external"}
    assert set(timeline.GROUNDS) >= {"formal_education", "obviously_less_qualified"}
