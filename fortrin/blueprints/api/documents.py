"""The case's letters and its dossier as tagged PDF (issue 11; api-contract.md, "Documents and
figures"). The service decides who gets what and renders (``fortrin/documents.py``); these views
only answer."""

from __future__ import annotations

from flask import Response

from fortrin import cases, db, documents
from fortrin.blueprints.api import bp, caller, json_object
from fortrin.blueprints.api.spec import api_route
from fortrin.workflows import preferential_access as pa


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@api_route(
    bp,
    "/applications/<application_id>/documents/<kind>.pdf",
    "GET",
    "A document of the case as tagged PDF (PDF/UA-1, Danish): `invitation`, `statement`, "
    "`minutes`, `refusal` (the letter kept as sent) or `dossier` (the whole case for "
    "Ankestyrelsen). 404 for an unknown kind, a case the caller may not see, or a step that does "
    "not exist yet (the message says which); 403 for a document the caller's role never gets (the "
    "employer: the minutes and the dossier)",
    "documents",
    errors=(403, 404),
    content_type="application/pdf",
)
def get_document(application_id: str, kind: str) -> Response:
    with db.unit_of_work() as session:  # commits the audit row of the read
        document = documents.get(session, caller(), application_id, kind)
    return pdf_response(documents.to_pdf(document), document.filename)


@api_route(
    bp,
    "/applications/<application_id>/documents/refusal.pdf",
    "POST",
    "The refusal letter (reasoning, complaint guidance and the exact last day) as recording "
    "`refusal_notified` with these fields would keep it: the employer downloads it, sends it, then "
    "records the event. Checked like the event (403, 409, 422); nothing is stored",
    "documents",
    body=pa.RefusalFields,
    errors=(403, 404, 409),
    content_type="application/pdf",
)
def draft_refusal(application_id: str) -> Response:
    session = db.session()
    cases.find_application(session, caller(), application_id)
    body = json_object()
    document = documents.refusal_draft(session, caller(), application_id, body)
    return pdf_response(documents.to_pdf(document), document.filename)
