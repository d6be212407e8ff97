"""The case's letters and its dossier in the browser (issue 11): a print view of each (the same
template as the PDF, with "Hent som PDF") and the PDF itself, for the signed-in user; and, for the
employer about to send the refusal, the letter from the answers on the check-your-answers page.
Who gets what is the service's (``fortrin/documents.py``): 404 for a case one may not see, 403 for a
document the role never gets."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fortrin import db, documents
from fortrin.blueprints.web import bp
from fortrin.blueprints.web.forms import body_from_form
from fortrin.blueprints.web.pages import signed_in_user
from fortrin.presenters import ApplicationOut


def _pdf(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class DocumentLink:
    kind: str
    title: str  # a message id: the page translates it
    page_url: str
    pdf_url: str


@bp.app_template_global("case_documents")
def case_documents(case: ApplicationOut) -> list[DocumentLink]:
    """The documents the signed-in user may download from the case as the page shows it."""
    return [
        DocumentLink(
            kind.code,
            kind.title,
            url_for("web.document_page", application_id=case.id, kind=kind.code),
            url_for("web.document_pdf", application_id=case.id, kind=kind.code),
        )
        for kind in documents.available(case, signed_in_user().role)
    ]


@bp.get("/applications/<application_id>/dokumenter/<kind>")
@login_required
def document_page(application_id: str, kind: str) -> ResponseReturnValue:
    with db.unit_of_work() as session:  # commits the audit row of the read
        document = documents.get(session, signed_in_user(), application_id, kind)
    return documents.html_of(
        document,
        "screen",
        pdf_url=url_for("web.document_pdf", application_id=application_id, kind=kind),
        back_url=url_for("web.application_page", application_id=application_id),
    )


@bp.get("/applications/<application_id>/dokumenter/<kind>.pdf")
@login_required
def document_pdf(application_id: str, kind: str) -> ResponseReturnValue:
    with db.unit_of_work() as session:  # commits the audit row of the read
        document = documents.get(session, signed_in_user(), application_id, kind)
    return _pdf(documents.to_pdf(document), document.filename)


@bp.post("/applications/<application_id>/dokumenter/afslag.pdf")
@login_required
def refusal_draft_pdf(application_id: str) -> ResponseReturnValue:
    """The refusal letter from the answers on the check-your-answers page (the same checks as
    recording it; nothing is stored): the employer sends it, then records the refusal."""
    body = body_from_form("refusal_notified", request.form)
    document = documents.refusal_draft(db.session(), signed_in_user(), application_id, body)
    return _pdf(documents.to_pdf(document), document.filename)
