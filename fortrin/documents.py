"""The letters and the dossier of a case (issue 11): the interview invitation, the employer's written
statement, the jobcentre's minutes, the refusal with its complaint guidance, and the dossier the
applicant sends to Ankestyrelsen.

One template per document under ``templates/documents/``: the same HTML is the browser's print view
and, through WeasyPrint, an accessible PDF (PDF/UA-1: tagged, ``/Lang da``, the document's title shown
as its title, real text in the service's typeface, IBM Plex Sans from ``static/``). Nothing is fetched
from the network: the renderer reads only the service's own static files.

The letters are Danish documents (the law's language), whatever language the reader chose for the
pages. Their content is what the case already says to that reader: the case as ``presenters.
application_out`` gives it to the caller (the employer never receives the jobcentre's assessment or
its minutes), read by the same field names as the case page (``blueprints/web/timeline.py``). The
complaint guidance and the last day are the ones the workflow computed when the refusal was
recorded (``pa.complaint_guidance_da``, ``deadlines.opinion_request_deadline``).

Who gets what (api-contract.md, "Documents and figures"): the employer the invitation, its statement
and its refusal; never the minutes (the jobcentre's record, which may touch on the applicant's
needs) and never the dossier, which holds them (domain.md section 1). The applicant, the handling
jobcentre and admins get all five. A case the caller may not see is a 404, as everywhere.

The refusal as sent: when the employer records ``refusal_notified`` the service renders the letter
and keeps it (``CaseDocument``: the PDF, its SHA-256 and the letter's HTML), so every later download
gives exactly that letter, not a new rendering with names or templates changed since. Before it is
recorded, the employer downloads the same letter from the answers it is about to record
(``refusal_draft``), sends it, and then records it. Retention deletes the kept letters with the
case's other free texts (``retention._erase_case``).
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from babel.dates import format_date, format_datetime
from flask import current_app, render_template
from markupsafe import Markup
from sqlmodel import Session, col, select
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from fortrin import audit, cases, clock, deadlines

# The case page's reading of the timeline (labels, values, names), so the dossier says what the page
# says. The web package imports this module in turn (its views, the case page): they use it only
# inside functions, never ``from fortrin.documents import ...``, so the import order does not matter.
from fortrin.blueprints.web.timeline import (
    EntryView,
    Names,
    codes_of,
    entry_fields,
    timeline_views,
)
from fortrin.errors import Forbidden, NotFound
from fortrin.i18n import N_
from fortrin.models import (
    Application,
    ApplicationEvent,
    CaseDocument,
    Jobcentre,
    Municipality,
    Scheme,
    User,
)
from fortrin.presenters import ApplicationOut, TimelineEntryOut, application_out
from fortrin.workflows import preferential_access as pa

# --- the documents and their readers -----------------------------------------------------------------

EVERYONE = frozenset({"admin", "caseworker", "employer", "applicant"})
# domain.md section 1: the employer never sees the applicant's disability details; the minutes and
# the dossier may hold them.
NOT_THE_EMPLOYER = frozenset({"admin", "caseworker", "applicant"})


@dataclass(frozen=True)
class Kind:
    """One kind of document: ``title`` is a message id (the pages name it in the reader's language;
    the document itself is Danish), ``step`` the timeline entry it is made from, ``missing`` the
    Danish answer while that step does not exist."""

    code: str
    title: str
    filename: str
    readers: frozenset[str]
    step: str
    missing: str


INVITATION = Kind(
    "invitation",
    N_("Indkaldelse til samtale"),
    "indkaldelse.pdf",
    EVERYONE,
    "interview_scheduled",
    "Der er ikke indkaldt til en samtale i sagen endnu.",
)
STATEMENT = Kind(
    "statement",
    N_("Skriftlig redegørelse til jobcenteret"),
    "redegoerelse.pdf",
    EVERYONE,
    "statement_submitted",
    "Arbejdsgiveren har ikke givet jobcenteret en skriftlig redegørelse i sagen endnu.",
)
MINUTES = Kind(
    "minutes",
    N_("Referat af forhandlingen"),
    "referat.pdf",
    NOT_THE_EMPLOYER,
    "negotiation_held",
    "Jobcenteret har ikke registreret et referat af en forhandling i sagen endnu.",
)
REFUSAL = Kind(
    "refusal",
    N_("Afslag med klagevejledning"),
    "afslag.pdf",
    EVERYONE,
    "refusal_notified",
    "Arbejdsgiveren har ikke registreret et skriftligt afslag i sagen endnu.",
)
DOSSIER = Kind(
    "dossier",
    N_("Sagens dokumenter til Ankestyrelsen"),
    "sagens-dokumenter.pdf",
    NOT_THE_EMPLOYER,
    "refusal_pending",  # the case's "no": the entry that took it to refusal_pending
    "Der er ikke givet afslag i sagen endnu, så der er ingen sag at sende til Ankestyrelsen.",
)
KINDS: dict[str, Kind] = {k.code: k for k in (INVITATION, STATEMENT, MINUTES, REFUSAL, DOSSIER)}
LETTERS = (INVITATION, STATEMENT, MINUTES, REFUSAL)  # the dossier's parts, in the case's order

# domain.md section 12: where and how the applicant sends the request to Ankestyrelsen.
ANKESTYRELSEN_POST = "Ankestyrelsen, 7998 Statsservice"
ANKESTYRELSEN_EMAIL = "ast@ast.dk"
ANKESTYRELSEN_SECURE_EMAIL = "sikkermail@ast.dk"

CHANNELS_DA = {
    "digital_post": "Digital Post",
    "letter": "almindeligt brev",
    "quickpost": "Quickpost",
}
ROLE_NAMES_DA = {
    "applicant": "ansøgeren",
    "employer": "arbejdsgiveren",
    "caseworker": "jobcenteret",
    "admin": "en administrator",
    "system": "systemet",
}


def kind_of(code: str) -> Kind:
    kind = KINDS.get(code)
    if kind is None:
        raise NotFound(
            "Dokumentet findes ikke. Vælg invitation, statement, minutes, refusal eller dossier."
        )
    return kind


def _step(case: ApplicationOut, kind: Kind) -> TimelineEntryOut | None:
    """The latest entry the document is made from (a moved interview: the newest invitation)."""
    if kind is DOSSIER:
        found = [e for e in case.timeline or [] if e.to_state == pa.State.REFUSAL_PENDING]
        found += [e for e in case.timeline or [] if e.type == REFUSAL.step]
    else:
        found = [e for e in case.timeline or [] if e.type == kind.step]
    return max(found, key=lambda e: e.seq) if found else None


def available(case: ApplicationOut, role: str) -> list[Kind]:
    """The documents the reader may download from the case as it stands (``case`` as the reader
    receives it). Shown on the case page; the same rules answer the downloads."""
    return [k for k in KINDS.values() if role in k.readers and _step(case, k) is not None]


# --- Danish dates, always (the documents are Danish whatever the page's language) ------------------


def da_date(value: date | str) -> str:
    """A date the Danish way: 3. december 2026."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, format="long", locale="da")


def da_datetime(value: datetime | str) -> str:
    """An instant the Danish way, Copenhagen time: tirsdag den 8. december 2026 kl. 10:00."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(clock.local(moment), "EEEE 'den' d. MMMM y 'kl.' HH:mm", locale="da")


def da_short(value: datetime) -> str:
    """An instant, shorter: 1. december 2026 kl. 09:00 (Copenhagen time)."""
    return format_datetime(clock.local(value), "d. MMMM y 'kl.' HH:mm", locale="da")


def _day_of(moment: datetime) -> date:
    return clock.local(moment).date()


# --- what a document is made of --------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    email: str = ""


@dataclass(frozen=True)
class Parties:
    """Who the case is between, by name (never a code), and its reference."""

    reference: str
    applicant: str
    organisation: str
    jobcentre: str
    vacancy: str
    licence: bool


@dataclass
class Document:
    """One document as its reader gets it: ``body`` is the document's HTML (for a refusal that was
    sent, the letter kept when it was recorded), ``stored`` that kept letter if there is one."""

    kind: Kind
    application_id: str
    title: str
    author: str
    dated: date
    body: Markup
    stored: CaseDocument | None = None
    _pdf: bytes | None = field(default=None, repr=False)

    @property
    def filename(self) -> str:
        return self.kind.filename


def _parties(db: Session, application: Application, case: ApplicationOut) -> Parties:
    jobcentre = db.get(Jobcentre, application.handling_jobcentre_code)
    return Parties(
        reference=application.id,
        applicant=case.applicant.name,
        organisation=case.vacancy.organisation_name,
        jobcentre=jobcentre.name if jobcentre is not None else application.handling_jobcentre_code,
        vacancy=case.vacancy.title,
        licence=case.vacancy.kind in pa.LICENCE_KINDS,
    )


def _actor(db: Session, application_id: str, seq: int) -> Person | None:
    """The person who recorded the entry (the letter's sender), by name and e-mail."""
    event = db.exec(
        select(ApplicationEvent).where(
            ApplicationEvent.application_id == application_id, ApplicationEvent.seq == seq
        )
    ).first()
    user = db.get(User, event.actor_id) if event is not None and event.actor_id else None
    return Person(user.name, user.email) if user is not None else None


def _names(db: Session, case: ApplicationOut) -> Names:
    """The codes the timeline names, in Danish."""
    entries = case.timeline or []
    jobcentres = codes_of(entries, "jobcentre")
    municipalities = codes_of(entries, "municipality")
    return Names(
        jobcentres={
            j.code: j.name
            for j in db.exec(select(Jobcentre).where(col(Jobcentre.code).in_(jobcentres)))
        }
        if jobcentres
        else {},
        municipalities={
            m.code: m.name
            for m in db.exec(select(Municipality).where(col(Municipality.code).in_(municipalities)))
        }
        if municipalities
        else {},
        schemes={s.code: s.name for s in db.exec(select(Scheme)).all()}
        if codes_of(entries, "schemes")
        else {},
    )


@dataclass(frozen=True)
class DeadlineView:
    """How the last day to ask Ankestyrelsen was computed (domain.md section 7), step by step."""

    sent_on: date
    channel: str
    received_on: date
    receipt_basis: str
    four_weeks: date
    due: date
    moved_because: str | None


def deadline_view(sent_on: date, channel: str, received_on: date | None) -> DeadlineView:
    computed = deadlines.opinion_request_deadline(sent_on, channel, received_on)
    four_weeks = computed.received_on + deadlines.OPINION_WINDOW
    moved = None
    if computed.due != four_weeks:
        closed = deadlines.closed_day_name(four_weeks)
        moved = closed.lower() if closed else format_date(four_weeks, "EEEE", locale="da")
    return DeadlineView(
        sent_on=sent_on,
        channel=CHANNELS_DA.get(channel, channel),
        received_on=computed.received_on,
        receipt_basis=(
            "den dag, det faktisk kom frem"
            if received_on is not None
            else computed.receipt_basis_da
        ),
        four_weeks=four_weeks,
        due=computed.due,
        moved_because=moved,
    )


def _date_in(data: dict[str, Any], key: str) -> date | None:
    value = data.get(key)
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# --- the bodies ------------------------------------------------------------------------------------


def _common(parties: Parties) -> dict[str, Any]:
    base = str(current_app.config["FORTRIN_BASE_URL"]).rstrip("/")
    return {
        "parties": parties,
        "case_url": f"{base}/applications/{parties.reference}",
        "da_date": da_date,
        "da_datetime": da_datetime,
        "da_short": da_short,
        "role_names": ROLE_NAMES_DA,
        "state_labels": pa.STATE_LABELS_DA,
        "ankestyrelsen": {
            "post": ANKESTYRELSEN_POST,
            "email": ANKESTYRELSEN_EMAIL,
            "secure_email": ANKESTYRELSEN_SECURE_EMAIL,
        },
    }


def _invitation(parties: Parties, entry: TimelineEntryOut) -> dict[str, Any]:
    base = str(current_app.config["FORTRIN_BASE_URL"]).rstrip("/")
    return {
        "starts_at": entry.data.get("starts_at"),
        "location": entry.data.get("location"),
        "rescheduled": bool(entry.data.get("rescheduled")),
        "ics_url": f"{base}/applications/{parties.reference}/samtale.ics",
    }


def _minutes(entry: TimelineEntryOut, names: Names) -> dict[str, Any]:
    """The three points and the outcome as the case page names them; the minutes' text apart."""
    return {
        "facts": [f for f in entry_fields(entry, names) if f.kind != "text"],
        "minutes": entry.data.get("minutes"),
    }


def _refusal(entry: TimelineEntryOut) -> dict[str, Any]:
    data = entry.data
    sent_on = _date_in(data, "sent_on")
    channel = str(data.get("channel") or "digital_post")
    view = (
        deadline_view(sent_on, channel, _date_in(data, "received_on"))
        if sent_on is not None and channel in deadlines.CHANNELS
        else None
    )
    return {
        "reasoning": data.get("reasoning"),
        "sent_on": sent_on,
        # As recorded with the refusal: the letter says what the service computed then.
        "due": _date_in(data, "opinion_due") or (view.due if view else None),
        "guidance": data.get("complaint_guidance"),
        "computed": view,
    }


def _letter_body(
    db: Session, user: User, application: Application, case: ApplicationOut, kind: Kind
) -> tuple[Markup, str, date, str]:
    """The letter's HTML, its sender, date and PDF title; 404 while its step does not exist."""
    entry = _step(case, kind)
    if entry is None:
        raise NotFound(kind.missing)
    parties = _parties(db, application, case)
    sender = _actor(db, application.id, entry.seq)
    context: dict[str, Any] = {
        **_common(parties),
        "entry": entry,
        "sender": sender,
        "dated": _day_of(entry.at),
    }
    author = parties.organisation
    if kind is INVITATION:
        context.update(_invitation(parties, entry))
    elif kind is STATEMENT:
        context["text"] = entry.data.get("text")
    elif kind is MINUTES:
        context.update(_minutes(entry, _names(db, case)))
        author = parties.jobcentre
    elif kind is REFUSAL:
        context.update(_refusal(entry))
        context["dated"] = context["sent_on"] or context["dated"]
    body = Markup(render_template(f"documents/{kind.code}.html", **context))
    # The kind's title is a message id, which is the Danish title.
    title = f"{kind.title}: {parties.applicant}, {parties.vacancy}"
    return body, author, context["dated"], title


def _dossier_body(
    db: Session, user: User, application: Application, case: ApplicationOut
) -> tuple[Markup, str, date, str]:
    if _step(case, DOSSIER) is None:
        raise NotFound(DOSSIER.missing)
    parties = _parties(db, application, case)
    parts: list[tuple[Kind, Markup]] = []
    absent: list[Kind] = []
    for kind in LETTERS:
        if _step(case, kind) is None:
            absent.append(kind)
            continue
        stored = _kept(db, application.id, case, kind)
        body = Markup(stored.html) if stored else _letter_body(db, user, application, case, kind)[0]
        parts.append((kind, body))
    entries: list[EntryView] = timeline_views(case, user.role, _names(db, case))
    deadline = case.deadlines[0] if case.deadlines else None
    current = (
        deadline_view(
            application.refusal_sent_on,
            application.refusal_channel,
            application.refusal_received_on,
        )
        if application.refusal_sent_on is not None
        and application.refusal_channel in deadlines.CHANNELS
        else None
    )
    context = {
        **_common(parties),
        "case": case,
        "entries": entries,
        "parts": parts,
        "absent": absent,
        "deadline": deadline,
        "computed": current,
        "receipts": [e for e in case.timeline or [] if e.type == "receipt_recorded"],
        "requests": [e for e in case.timeline or [] if e.type == "opinion_requested"],
        "state_label": pa.STATE_LABELS_DA.get(case.state, case.state),
        "dated": clock.today(),
        "printed_by": Person(user.name),
    }
    body = Markup(render_template("documents/dossier.html", **context))
    title = f"{DOSSIER.title}: {parties.applicant}, {parties.vacancy}"
    return body, parties.applicant, clock.today(), title


def _kept(
    db: Session, application_id: str, case: ApplicationOut, kind: Kind
) -> CaseDocument | None:
    """The letter kept when its step was recorded (the refusal as sent), if there is one."""
    entry = _step(case, kind)
    if kind is not REFUSAL or entry is None:
        return None
    return db.exec(
        select(CaseDocument).where(
            CaseDocument.application_id == application_id,
            CaseDocument.kind == kind.code,
            CaseDocument.event_seq == entry.seq,
        )
    ).first()


def _build(db: Session, user: User, application: Application, kind: Kind) -> Document:
    case = application_out(db, user, application)
    if kind is DOSSIER:
        body, author, dated, title = _dossier_body(db, user, application, case)
        return Document(kind, application.id, title, author, dated, body)
    stored = _kept(db, application.id, case, kind)
    if stored is not None:
        return Document(
            kind,
            application.id,
            stored.title,
            stored.author,
            stored.dated,
            Markup(stored.html),
            stored,
        )
    body, author, dated, title = _letter_body(db, user, application, case, kind)
    return Document(kind, application.id, title, author, dated, body)


def get(db: Session, user: User, application_id: str, code: str) -> Document:
    """The document ``code`` of a case, for ``user``. 404: no such kind, a case the caller may not
    see, or a step that does not exist yet (a Danish message says which); 403: a document the
    caller's role never gets (the employer: the minutes and the dossier). The read is audited."""
    kind = kind_of(code)
    application = cases.find_application(db, user, application_id)
    if user.role not in kind.readers:
        raise Forbidden(
            "Arbejdsgiveren kan ikke hente dette dokument: det kan indeholde oplysninger om "
            "ansøgerens helbred, som kun ansøgeren og jobcenteret må se."
        )
    document = _build(db, user, application, kind)
    audit.record(
        db,
        user,
        audit.READ,
        audit.APPLICATION,
        application.id,
        application.applicant_id,
        f"document {kind.code}",
    )
    return document


# --- the refusal as sent -----------------------------------------------------------------------------


def keep_sent_refusal(db: Session, user: User, application: Application) -> CaseDocument:
    """Called in the unit of work that records ``refusal_notified``: render the letter from what was
    just recorded and keep it (PDF, SHA-256, HTML), so later downloads give exactly this letter."""
    case = application_out(db, user, application)
    entry = _step(case, REFUSAL)
    assert entry is not None, "called after refusal_notified was recorded"
    body, author, dated, title = _letter_body(db, user, application, case, REFUSAL)
    document = Document(REFUSAL, application.id, title, author, dated, body)
    pdf = to_pdf(document)
    kept = CaseDocument(
        application_id=application.id,
        kind=REFUSAL.code,
        event_seq=entry.seq,
        created_at=clock.now(),
        created_by=user.id,
        title=title,
        author=author,
        dated=dated,
        html=str(body),
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    db.add(kept)
    db.flush()
    return kept


@contextmanager
def _undone(db: Session) -> Iterator[Session]:
    """Run writes only to see what they would do, then undo all of them."""
    try:
        yield db
    finally:
        db.rollback()


def refusal_draft(db: Session, user: User, application_id: str, body: dict[str, Any]) -> Document:
    """The refusal letter exactly as recording ``refusal_notified`` with these fields would keep it,
    for the employer to send first: the event is recorded through the workflow (the same checks: 403,
    409, 422), the letter rendered, and everything rolled back. Nothing is stored."""
    with _undone(db):
        application = cases.record_event(db, user, application_id, {**body, "type": REFUSAL.step})
        case = application_out(db, user, application)
        letter, author, dated, title = _letter_body(db, user, application, case, REFUSAL)
    return Document(REFUSAL, application_id, title, author, dated, letter)


# --- rendering -------------------------------------------------------------------------------------


class _StaticFiles(URLFetcher):
    """WeasyPrint's only source: files under ``static/`` (the stylesheet and the typeface). Anything
    else, the network above all, is refused (WeasyPrint logs it and goes on without it)."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("file",))
        self._root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith("file:"):
            raise ValueError("only the service's own static files")
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self._root) or not path.is_file():
            raise ValueError("not one of the service's static files")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _static_root() -> Path:
    return Path(str(current_app.static_folder))


def html_of(document: Document, medium: str, **links: str) -> str:
    """The whole HTML document: ``medium`` "pdf" (links relative to ``static/``) or "screen" (the
    print view, with ``links``: pdf_url and back_url)."""
    return render_template(
        "documents/_letter.html",
        document=document,
        medium=medium,
        created=document.dated.isoformat(),
        **links,
    )


def to_pdf(document: Document) -> bytes:
    """The document as tagged PDF (PDF/UA-1). A kept letter is returned as it was kept."""
    if document.stored is not None:
        return bytes(document.stored.pdf)
    if document._pdf is None:
        root = _static_root()
        html = HTML(
            string=html_of(document, "pdf"),
            base_url=root.as_uri() + "/",
            url_fetcher=_StaticFiles(root),
        )
        document._pdf = bytes(html.write_pdf(pdf_variant="pdf/ua-1"))
    return document._pdf
