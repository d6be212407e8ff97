"""Domain errors and their one mapping to the contract's error shape.

Service and workflow code raises these; ``register(app)`` turns them (and every HTTP error under
``/api/``) into ``{"error": {"code", "message", "fields"?, "outstanding"?}}``. Messages are Danish.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, render_template, request
from flask_babel import gettext
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from fortrin.i18n import N_

log = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def __init__(self, message: str = "Findes ikke.") -> None:
        super().__init__(message)


class Conflict(DomainError):
    """The request is well formed but the case's state or the law forbids it now."""

    status = 409
    code = "invalid_transition"

    def __init__(
        self, message: str, code: str | None = None, outstanding: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message, code)
        self.outstanding = outstanding

    def body(self) -> dict[str, Any]:
        result = super().body()
        if self.outstanding is not None:
            result["outstanding"] = self.outstanding
        return result


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"

    def __init__(
        self, fields: dict[str, str], message: str = "Et eller flere felter er forkerte."
    ) -> None:
        super().__init__(message)
        self.fields = fields

    def body(self) -> dict[str, Any]:
        return {**super().body(), "fields": self.fields}


# Danish texts for the pydantic error types a client can provoke.
_PROBLEMS = {
    "missing": N_("skal udfyldes"),
    "bool_type": N_("skal være true eller false"),
    "bool_parsing": N_("skal være true eller false"),
    "string_type": N_("skal være tekst"),
    "string_too_short": N_("er for kort"),
    "string_too_long": N_("er for lang"),
    "string_pattern_mismatch": N_("har ikke det rigtige format"),
    "int_type": N_("skal være et heltal"),
    "int_parsing": N_("skal være et heltal"),
    "int_from_float": N_("skal være et heltal"),
    "float_type": N_("skal være et tal"),
    "float_parsing": N_("skal være et tal"),
    "decimal_type": N_("skal være et tal"),
    "decimal_parsing": N_("skal være et tal"),
    "finite_number": N_("skal være et endeligt tal"),
    "greater_than": N_("er for lille"),
    "greater_than_equal": N_("er for lille"),
    "less_than": N_("er for stor"),
    "less_than_equal": N_("er for stor"),
    "date_type": N_("skal være en dato (ÅÅÅÅ-MM-DD)"),
    "date_parsing": N_("skal være en dato (ÅÅÅÅ-MM-DD)"),
    "date_from_datetime_parsing": N_("skal være en dato (ÅÅÅÅ-MM-DD)"),
    "date_from_datetime_inexact": N_("skal være en dato (ÅÅÅÅ-MM-DD)"),
    "datetime_type": N_("skal være et tidspunkt (ISO 8601 med tidszone)"),
    "datetime_parsing": N_("skal være et tidspunkt (ISO 8601 med tidszone)"),
    "datetime_from_date_parsing": N_("skal være et tidspunkt (ISO 8601 med tidszone)"),
    "timezone_aware": N_("skal have en tidszone (fx +01:00)"),
    "literal_error": N_("har en ugyldig værdi"),
    "enum": N_("har en ugyldig værdi"),
    "list_type": N_("skal være en liste"),
    "dict_type": N_("skal være et objekt"),
    "model_type": N_("skal være et objekt"),
    "model_attributes_type": N_("skal være et objekt"),
    "too_short": N_("har for få elementer"),
    "too_long": N_("har for mange elementer"),
    "value_error": N_("er ugyldig"),
}


def fields_from(error: ValidationError) -> dict[str, str]:
    """A pydantic error as the contract's ``fields`` map (dotted paths, Danish problems)."""
    fields: dict[str, str] = {}
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"] if part != "__root__") or "body"
        if item["type"].endswith("_type") and item.get("input", "") is None:
            problem = _PROBLEMS["missing"]  # null for a required field: it is missing
        elif item["type"] == "value_error":
            problem = str(item.get("ctx", {}).get("error", item["msg"]))
        else:
            problem = _PROBLEMS.get(item["type"], item["msg"])
        fields.setdefault(path, problem)
    return fields


def error_response(status: int, body: dict[str, Any]) -> Response:
    return Response(
        json.dumps({"error": body}, ensure_ascii=False),
        status=status,
        mimetype="application/json",
    )


_HTTP_CODES = {
    400: ("bad_request", "Forespørgslen kunne ikke læses."),
    401: ("unauthenticated", "Log ind først."),
    403: ("forbidden", "Du har ikke adgang til dette."),
    404: ("not_found", "Adressen findes ikke."),
    405: ("method_not_allowed", "Metoden er ikke tilladt på denne adresse."),
    413: ("payload_too_large", "Forespørgslen er for stor."),
    415: ("unsupported_media_type", "Formatet understøttes ikke."),
    429: ("rate_limited", "For mange forsøg. Vent lidt, og prøv igen."),
}


_WEB_PAGES = {
    # A request the service cannot read (a NUL character, a broken form): reused texts, so the
    # English catalogue needs nothing new; the text is only shown after a form was posted.
    400: (N_("Der opstod en fejl"), N_("Ikke gemt.")),
    422: (N_("Der opstod en fejl"), N_("Ikke gemt.")),
    403: (N_("Ingen adgang"), N_("Du har ikke adgang til denne side.")),
    404: (N_("Siden findes ikke"), N_("Siden findes ikke, eller du har ikke adgang til den.")),
    500: (N_("Der opstod en fejl"), N_("Der opstod en uventet fejl. Prøv igen om lidt.")),
}


def _web_error(status: int) -> tuple[str, int]:
    """A page in the service's own layout and language, not a bare server page."""
    title, text = _WEB_PAGES[status]
    if status in (400, 422) and request.method in ("GET", "HEAD"):
        text = ""  # nothing was posted, so there is nothing that was not saved
    return render_template(
        "error.html", title=gettext(title), text=gettext(text) if text else ""
    ), status


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> Response | tuple[str, int]:
        if not request.path.startswith("/api/") and error.status in _WEB_PAGES:
            return _web_error(error.status)  # a page, in the service's layout and language
        return error_response(error.status, error.body())

    @app.errorhandler(ValidationError)
    def _pydantic(error: ValidationError) -> Response:
        return error_response(422, ValidationFailed(fields_from(error)).body())

    @app.errorhandler(StaleDataError)
    def _stale(_error: StaleDataError) -> Response:
        return error_response(
            409,
            {"code": "conflict", "message": "Sagen blev ændret samtidig af en anden. Prøv igen."},
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response | HTTPException | tuple[str, int]:
        if not request.path.startswith("/api/"):
            if error.code in _WEB_PAGES:
                return _web_error(error.code)
            return error
        status = error.code or 500
        code, message = _HTTP_CODES.get(status, ("http_error", "Forespørgslen blev afvist."))
        return error_response(status, {"code": code, "message": message})

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response | tuple[str, int]:
        if app.testing:
            raise error  # a test must see the traceback, not a tidy 500
        log.exception("unexpected error on %s %s", request.method, request.path)
        if not request.path.startswith("/api/"):
            return _web_error(500)
        return error_response(
            500, {"code": "internal_error", "message": "Der opstod en uventet fejl."}
        )
