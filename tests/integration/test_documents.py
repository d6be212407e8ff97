"""Issue 11, points 1 and 2: the letters of a case and the dossier for Ankestyrelsen as accessible
PDFs (api-contract.md, "Documents and figures"). Each PDF is opened and its text read: the parties'
names, the case reference, the exact last day as the service computed it, the complaint guidance
with where and how to send the request (domain.md sections 7 and 12), the companion right in the
invitation; none of the applicant's health data in anything the employer downloads; and the tags a
PDF/UA reader needs. The refusal is kept as sent. On SQLite and PostgreSQL.

PDFs are rendered sparingly (each takes a moment): one case through every step serves most checks.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlmodel import Session, select

from fortrin import clock, db, documents, retention
from fortrin.models import Application, CaseDocument, User
from tests.integration.conftest import (
    LEGAL,
    Api,
    World,
    apply,
    drive,
    event,
    ok,
    set_now,
    vacancy,
)
from tests.integration.test_web_every_path import browser, page_of, post, text

# A distinctive text about the applicant's health, written where the jobcentre writes (the
# assessment, the minutes, the bek. § 5 registration): it must never reach the employer.
HEALTH = "Multipel sklerose med udtalt træthed, kode HX-4471"
PROFILE = {
    "education": "Kontoruddannelse",
    "qualifications": "Ti års erfaring med sagsbehandling",
    "disability_nature": "Diagnose registreret af jobcenteret: HX-4471",
    "disability_extent": "Kan ikke stå i længere tid ad gangen (HX-4471)",
}
MINUTES = f"Forhandlingen gennemgik ansøgerens kompetencer. {HEALTH}. Arbejdsgiveren fastholder."
ASSESSMENT = f"Ansøgeren kan bestride stillingen. {HEALTH}."
STATEMENT = "Ansøgeren har mindre erfaring med økonomistyring end den ansatte kandidat."
REFUSAL = "Vi har ansat en ansøger med mere erfaring i økonomistyring og budgetopfølgning."
LOCATION = "Rådhuset, Rådhuspladsen 2, lokale 14"

PDF = "application/pdf"
# A folder to keep every PDF a test downloads in, to look at them (``pdftoppm -png``).
KEEP = os.environ.get("FORTRIN_KEEP_PDFS", "")


def path(case_id: str, kind: str) -> str:
    return f"/api/v1/applications/{case_id}/documents/{kind}.pdf"


def read(pdf: bytes) -> str:
    """The PDF's real text, whitespace made single spaces (lines break anywhere)."""
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def flat(value: str) -> str:
    return " ".join(value.split())


def fetch(api: Api, user: User, case_id: str, kind: str) -> bytes:
    response = api.get(path(case_id, kind), user)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == PDF
    assert "attachment" in response.headers["Content-Disposition"]
    if KEEP:
        with open(os.path.join(KEEP, f"{kind}-{user.role}.pdf"), "wb") as kept:
            kept.write(response.data)
    return bytes(response.data)


def assert_tagged_pdf_ua(pdf: bytes, title_part: str) -> None:
    """What a screen reader and PDF/UA (ISO 14289-1) need of the file: tagged (``/MarkInfo
    /Marked true`` and a structure tree with headings and paragraphs), the language, a title shown
    as the window's title, and the PDF/UA identification in the XMP metadata."""
    reader = PdfReader(io.BytesIO(pdf))
    root: Any = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"].get_object()
    assert tree["/Type"] == "/StructTreeRoot"
    assert root["/Lang"] == "da"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    info = reader.metadata
    assert info is not None and info.title is not None and title_part in info.title
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in xmp and title_part in xmp
    roles = set(re.findall(r"/S /(\w+)", str(_tags(tree))))
    assert {"Document", "H1", "H2", "P"} <= roles, roles


def _tags(node: Any, depth: int = 0) -> list[str]:
    """The structure types below ``node`` (a shallow walk is enough to find the headings)."""
    found: list[str] = []
    if depth > 12:
        return found
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        if "/S" in node:
            found.append(f"/S {node['/S']}")
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            found.extend(_tags(kid, depth + 1))
    return found


def refused_case(api: Api, world: World) -> dict[str, Any]:
    """A case through every step, each with words on it, to the refusal: via the jobcentre (whose
    assessment and minutes carry the health text), an interview, a statement, a negotiation, and a
    refusal sent by Digital Post on Friday 27 November 2026. Received that day; 4 weeks later is
    Christmas Day, so the last day moves to Monday 28 December 2026."""
    set_now(api.app, "2026-11-23T09:00:00+01:00")
    ok(api.put(f"/api/v1/applicants/{world.applicant.id}/profile", world.cw_aarhus, json=PROFILE))
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"], route="via_jobcentre")
    suitable = {"can_perform": True, "has_difficulty_getting_work": True}
    ok(event(api, world.cw_aarhus, case["id"], type="assessment", reasoning=ASSESSMENT, **suitable))
    ok(
        event(
            api,
            world.employer,
            case["id"],
            type="interview_scheduled",
            starts_at="2026-11-25T10:00:00+01:00",
            location=LOCATION,
        )
    )
    set_now(api.app, "2026-11-25T11:00:00+01:00")
    ok(event(api, world.employer, case["id"], type="interview_held"))
    ok(
        event(
            api, world.employer, case["id"], type="decision", outcome="not_hired", reasoning=LEGAL
        )
    )
    ok(event(api, world.employer, case["id"], type="statement_submitted", text=STATEMENT))
    set_now(api.app, "2026-11-26T10:00:00+01:00")
    ok(
        event(
            api,
            world.cw_aarhus,
            case["id"],
            type="negotiation_held",
            held_on="2026-11-26",
            minutes=MINUTES,
            competences_considered=True,
            disability_not_decisive=True,
            schemes_presented=["personal_assistance"],
            outcome="no_hire",
        )
    )
    set_now(api.app, "2026-11-27T10:00:00+01:00")
    refused = ok(
        event(
            api,
            world.employer,
            case["id"],
            type="refusal_notified",
            reasoning=REFUSAL,
            sent_on="2026-11-27",
            channel="digital_post",
        )
    )
    [deadline] = refused["deadlines"]
    assert deadline["due"] == "2026-12-28"  # as the service computed it (domain.md section 7)
    return refused


def refusal_entry(case: dict[str, Any]) -> dict[str, Any]:
    [entry] = [e for e in case["timeline"] if e["type"] == "refusal_notified"]
    return dict(entry["data"])


# --- the letters and the dossier -----------------------------------------------------------------


def test_each_party_gets_its_letters_with_names_reference_deadline_and_guidance(
    app: Flask, api: Api, world: World
) -> None:
    case = refused_case(api, world)
    case_id = case["id"]
    guidance = refusal_entry(case)["complaint_guidance"]
    assert "28. december 2026" in guidance

    # The employer: the invitation, its statement and the refusal; never the minutes or the dossier.
    employer = {
        kind: fetch(api, world.employer, case_id, kind)
        for kind in ("invitation", "statement", "refusal")
    }
    for kind in ("minutes", "dossier"):
        refused = api.get(path(case_id, kind), world.employer)
        assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    for kind, pdf in employer.items():
        words = read(pdf)
        for name in ("Ida Ansøger", "Aarhus Kommune", "Administrativ medarbejder", case_id):
            assert name in words, (kind, name)
        # No health data: not the assessment, not the minutes, not the bek. § 5 registration.
        assert "HX-4471" not in words and "sklerose" not in words.lower(), kind
        assert flat(MINUTES) not in words and "Forhandlingen gennemgik" not in words
    assert_tagged_pdf_ua(employer["refusal"], "Afslag med klagevejledning")
    assert_tagged_pdf_ua(employer["invitation"], "Indkaldelse til samtale")

    invitation = read(employer["invitation"])
    assert "onsdag den 25. november 2026 kl. 10:00" in invitation and LOCATION in invitation
    assert "bisidder" in invitation and "forvaltningslovens § 8" in invitation
    ics = f"http://fortrin.test/applications/{case_id}/samtale.ics"
    assert ics in invitation.replace(" ", "")  # a long address may break across lines
    links: Any = PdfReader(io.BytesIO(employer["invitation"])).pages[0]["/Annots"]
    assert ics in [link.get_object()["/A"]["/URI"] for link in links]  # and a link to it

    statement = read(employer["statement"])
    assert STATEMENT in statement and "Skriftlig redegørelse til jobcenteret" in statement
    assert "Jobcenter Aarhus" in statement  # the recipient, by name

    letter = read(employer["refusal"])
    assert REFUSAL in letter
    assert flat(guidance) in letter  # the service's own complaint guidance, word for word
    assert "Sidste frist: 28. december 2026" in letter
    assert "Fristen løber fra den dag, du modtog dette afslag" in letter
    for where in ("Ankestyrelsen, 7998 Statsservice", "ast@ast.dk", "sikkermail@ast.dk"):
        assert where in letter
    assert "Vedlæg dette afslag" in letter and "skriftlig" in letter
    # How it was computed: received the day it was sent, 4 weeks, a closing day, the next working day.
    assert "27. november 2026 med Digital Post" in letter
    assert "25. december 2026" in letter and "juledag" in letter.lower()

    # The jobcentre: the minutes, with the three points and the outcome, by name.
    minutes = read(fetch(api, world.cw_aarhus, case_id, "minutes"))
    assert flat(MINUTES) in minutes and "Personlig assistance" in minutes
    assert "26. november 2026" in minutes and "Arbejdsgiveren fastholder afslaget" in minutes
    for name in ("Ida Ansøger", "Aarhus Kommune", "Jobcenter Aarhus", case_id):
        assert name in minutes

    # The applicant: the dossier, the whole case for Ankestyrelsen.
    dossier_pdf = fetch(api, world.applicant, case_id, "dossier")
    assert_tagged_pdf_ua(dossier_pdf, "Sagens dokumenter til Ankestyrelsen")
    dossier = read(dossier_pdf)
    for part in (
        "Sagens forløb",
        "Ansøgningen er sendt",
        "Jobcenterets vurdering",
        "Indkaldelse til ansættelsessamtale",
        STATEMENT,
        flat(MINUTES),
        REFUSAL,
        flat(guidance),
        "Sidste frist 28. december 2026",
        "Ankestyrelsen, 7998 Statsservice",
        case_id,
    ):
        assert part in dossier, part
    assert len(PdfReader(io.BytesIO(dossier_pdf)).pages) >= 6  # each part on pages of its own


def test_the_refusal_is_kept_as_sent_and_the_draft_is_that_letter(
    app: Flask, api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case_id = apply(api, world.applicant, v["id"])["id"]
    ok(
        event(
            api, world.employer, case_id, type="eligibility_check", eligible=False, reasoning=LEGAL
        )
    )
    fields = {"reasoning": REFUSAL, "sent_on": "2026-12-01", "channel": "letter"}
    # Before it is recorded the employer downloads the letter its answers make, to send it.
    draft = api.post(path(case_id, "refusal"), world.employer, json=fields)
    assert draft.status_code == 200 and draft.mimetype == PDF
    assert api.get(path(case_id, "refusal"), world.employer).status_code == 404  # nothing stored
    # The same checks as the event: another role 403, bad fields 422 naming them.
    assert api.post(path(case_id, "refusal"), world.applicant, json=fields).status_code == 403
    wrong = api.post(path(case_id, "refusal"), world.employer, json={**fields, "channel": "fax"})
    assert wrong.status_code == 422 and "channel" in wrong.json["error"]["fields"]

    refused = ok(event(api, world.employer, case_id, type="refusal_notified", **fields))
    sent = fetch(api, world.employer, case_id, "refusal")
    assert read(sent) == read(draft.data)  # the letter sent is the letter kept
    assert fetch(api, world.applicant, case_id, "refusal") == sent
    with app.app_context(), Session(db.engine()) as session:
        [kept] = session.exec(select(CaseDocument)).all()
        assert kept.application_id == case_id and kept.kind == "refusal"
        assert kept.sha256 == hashlib.sha256(sent).hexdigest() and bytes(kept.pdf) == sent
    # Sent by letter on Tuesday 1 December: received 6 working days later, Wednesday 9 December.
    assert refused["deadlines"][0]["due"] == "2027-01-06" and "6. januar 2027" in read(sent)

    # Later changes: a name, the vacancy's title, a later receipt that moves the deadline. The
    # refusal stays the letter sent; the dossier tells the deadline as it is now.
    with app.app_context(), Session(db.engine()) as session:
        applicant = session.get(User, world.applicant.id)
        assert applicant is not None
        applicant.name = "Ida Omdøbt"
        session.add(applicant)
        session.commit()
    set_now(app, "2026-12-14T10:00:00+01:00")
    moved = ok(
        event(api, world.applicant, case_id, type="receipt_recorded", received_on="2026-12-14")
    )
    assert moved["deadlines"][0]["due"] == "2027-01-11"
    later = fetch(api, world.applicant, case_id, "refusal")
    assert later == sent and "Ida Ansøger" in read(later) and "Ida Omdøbt" not in read(later)
    dossier = read(fetch(api, world.applicant, case_id, "dossier"))
    assert "Ida Omdøbt" in dossier and "11. januar 2027" in dossier
    assert "faktisk kom frem den 14. december 2026" in dossier
    assert "6. januar 2027" in dossier  # the refusal as it was sent, and the deadline before


def test_a_document_whose_step_has_not_happened_or_that_does_not_exist_is_refused(
    app: Flask, api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case_id = apply(api, world.applicant, v["id"])["id"]
    for kind, user, words in (
        ("invitation", world.employer, "ikke indkaldt til en samtale"),
        ("statement", world.applicant, "skriftlig redegørelse"),
        ("minutes", world.admin, "referat"),
        ("refusal", world.employer, "skriftligt afslag"),
        ("dossier", world.applicant, "ikke givet afslag"),
    ):
        answer = api.get(path(case_id, kind), user)
        assert answer.status_code == 404, kind
        assert (
            answer.json["error"]["code"] == "not_found" and words in answer.json["error"]["message"]
        )
    unknown = api.get(path(case_id, "kontrakt"), world.employer)
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "not_found"
    # Role before step: the employer never gets the minutes, whether or not there are any.
    assert api.get(path(case_id, "minutes"), world.employer).status_code == 403
    # A case one may not see: the same answer as for the case itself, for every kind.
    hidden = api.get(f"/api/v1/applications/{case_id}", world.employer_region)
    assert hidden.status_code == 404
    for user in (world.employer_region, world.applicant_kbh, world.cw_kbh):
        for kind in ("invitation", "minutes", "dossier", "kontrakt"):
            answer = api.get(path(case_id, kind), user)
            assert (answer.status_code, answer.json) == (404, hidden.json) or kind == "kontrakt"
            assert answer.status_code == 404
    assert api.get(path("0" * 32, "refusal"), world.employer).status_code == 404
    assert api.get(path(case_id, "refusal")).status_code == 401
    # The draft: only in its state, only to the employer.
    fields = {"reasoning": REFUSAL, "sent_on": "2026-12-01", "channel": "digital_post"}
    assert api.post(path(case_id, "refusal"), world.employer, json=fields).status_code == 409
    assert api.post(path(case_id, "refusal"), world.employer_region, json=fields).status_code == 404
    assert api.post(path(case_id, "refusal"), world.employer, data="x").status_code == 400


def test_retention_deletes_the_kept_letters_of_an_erased_case(
    app: Flask, api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case_id = apply(api, world.applicant, v["id"])["id"]
    ok(
        event(
            api, world.employer, case_id, type="eligibility_check", eligible=False, reasoning=LEGAL
        )
    )
    case = drive(api, world, case_id, "opinion_window")
    ended = date.fromisoformat(case["deadlines"][0]["due"])
    set_now(app, f"{(ended + timedelta(days=1096)).isoformat()}T09:00:00+01:00")
    with app.app_context():
        assert retention.run(db.engine(), clock.today(), 1095).cases == [case_id]
        with Session(db.engine()) as session:
            application = session.get(Application, case_id)
            assert application is not None and application.erased_at is not None
            assert session.exec(select(CaseDocument)).all() == []


# --- the pages -------------------------------------------------------------------------------------


def test_the_pages_offer_each_party_its_documents_and_the_print_view_is_the_letter(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    case_id = apply(api, world.applicant, v["id"])["id"]
    ok(
        event(
            api, world.employer, case_id, type="eligibility_check", eligible=False, reasoning=LEGAL
        )
    )

    # The employer checks its answers, downloads the letter from them, then records the refusal.
    employer = browser(app, world.employer)
    answers = {"type": "refusal_notified", "reasoning": REFUSAL, "sent_on": "2026-12-01"}
    answers["channel"] = "digital_post"
    check = post(
        employer, f"/applications/{case_id}", answers, page_of(employer, f"/applications/{case_id}")
    )
    assert check.status_code == 200 and "Hent brevet som PDF" in text(check)
    action = f"/applications/{case_id}/dokumenter/afslag.pdf"
    assert f'formaction="{action}"' in text(check)
    draft = post(employer, action, answers, text(check))
    assert draft.status_code == 200 and draft.mimetype == PDF and REFUSAL in read(draft.data)
    done = post(employer, f"/applications/{case_id}", {**answers, "confirmed": "yes"}, text(check))
    assert done.status_code == 302
    with app.app_context(), Session(db.engine()) as session:
        assert len(session.exec(select(CaseDocument)).all()) == 1  # kept on the web too

    # The case page lists what each may download; the print view is the letter, Danish, with a
    # link to the PDF; the PDF is the letter kept.
    page = page_of(employer, f"/applications/{case_id}")
    assert "Sagens dokumenter" in page and "Afslag med klagevejledning" in page
    assert f"/applications/{case_id}/dokumenter/refusal.pdf" in page
    assert "dokumenter/dossier" not in page and "dokumenter/minutes" not in page
    view = page_of(employer, f"/applications/{case_id}/dokumenter/refusal")
    assert '<html lang="da">' in view and "<title>Afslag med klagevejledning" in view
    assert "Hent som PDF" in view and "sikkermail@ast.dk" in view and REFUSAL in view
    assert "<style" not in view and " style=" not in view  # the CSP forbids inline styles
    pdf = employer.get(f"/applications/{case_id}/dokumenter/refusal.pdf")
    assert pdf.status_code == 200 and pdf.data == fetch(api, world.employer, case_id, "refusal")
    assert employer.get(f"/applications/{case_id}/dokumenter/dossier").status_code == 403
    assert employer.get(f"/applications/{case_id}/dokumenter/kontrakt").status_code == 404
    assert (
        browser(app, world.employer_region)
        .get(f"/applications/{case_id}/dokumenter/refusal")
        .status_code
        == 404
    )

    # The applicant's Ankestyrelsen page offers the refusal and the whole case for enclosure.
    applicant = browser(app, world.applicant)
    opinion = page_of(applicant, f"/applications/{case_id}/ankestyrelsen")
    assert "Hent sagens dokumenter (PDF)" in opinion
    assert f"/applications/{case_id}/dokumenter/dossier.pdf" in opinion
    assert f"/applications/{case_id}/dokumenter/refusal.pdf" in opinion
    own = page_of(applicant, f"/applications/{case_id}")
    assert "Sagens dokumenter til Ankestyrelsen" in own
    view = page_of(applicant, f"/applications/{case_id}/dokumenter/dossier")
    assert "Sagens forløb" in view and REFUSAL in view
    # In English the page around the letter follows the reader; the letter stays Danish.
    applicant.get("/language/en")
    view = page_of(applicant, f"/applications/{case_id}/dokumenter/refusal")
    assert '<html lang="da">' in view and 'class="letter-toolbar"' in view and 'lang="en"' in view
    assert "Afslag på din ansøgning" in view and "Sidste frist" in view


def test_the_renderer_reads_only_the_services_static_files(app: Flask) -> None:
    with app.app_context():
        root = Path(str(app.static_folder))
        fetcher = documents._StaticFiles(root)
        assert fetcher.fetch((root / "letters.css").as_uri()).read().startswith(b"/*")
        for url in (
            "http://example.com/font.ttf",
            "https://fonts.example/plex.woff2",
            (root.parent / "pyproject.toml").as_uri(),
            (root / ".." / "README.md").as_uri(),
        ):
            with pytest.raises(ValueError):
                fetcher.fetch(url)
