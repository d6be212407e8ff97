"""Strict input validation shared by the services and the workflow.

Beyond each model's own rules, every input obeys three rules of the service (api-contract.md,
"Security and privacy"):

- no text holds a NUL character (PostgreSQL cannot store one): 422;
- a JSON body nests no deeper than ``MAX_JSON_DEPTH``: 400;
- every date and date-time lies in the years ``YEARS`` (1900-2100): 422. A case's dates are then
  always far from the ends of Python's calendar, so deadlines, time zones and calendar feeds computed
  from them cannot overflow.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from fortrin.errors import BadRequest, ValidationFailed, fields_from

M = TypeVar("M", bound=BaseModel)

MAX_JSON_DEPTH = 32
FIRST_YEAR, LAST_YEAR = 1900, 2100
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)
NUL = "\x00"

NUL_PROBLEM = "må ikke indeholde NUL-tegn"
DATE_PROBLEM = f"skal ligge mellem år {FIRST_YEAR} og {LAST_YEAR}"
DATE_FORMAT_PROBLEM = "skal være en dato (ÅÅÅÅ-MM-DD)"


def validate(model: type[M], body: dict[str, Any]) -> M:
    """Validate a decoded JSON object with JSON semantics (dates are ISO strings, ``"true"`` is not a
    bool), turning problems into the contract's 422 ``fields``."""
    nul_fields = {path: NUL_PROBLEM for path in _nul_paths(body)}
    if nul_fields:
        raise ValidationFailed(nul_fields)
    try:
        result = model.model_validate_json(json.dumps(body))
    except ValidationError as error:
        raise ValidationFailed(fields_from(error)) from error
    out_of_range = {path: DATE_PROBLEM for path in _dates_out_of_range(result)}
    if out_of_range:
        raise ValidationFailed(out_of_range)
    return result


def in_range(value: date) -> bool:
    """Whether a date or date-time lies in the service's years (1900-2100), as written."""
    return value.year in YEARS


def query_date(raw: str | None, name: str) -> date:
    """A ``YYYY-MM-DD`` query parameter in the service's years, or 422 naming it."""
    try:
        value = date.fromisoformat(raw or "") if len(raw or "") == 10 else None
    except ValueError:
        value = None
    if value is None:
        raise ValidationFailed({name: DATE_FORMAT_PROBLEM})
    if not in_range(value):
        raise ValidationFailed({name: DATE_PROBLEM})
    return value


def check_json(body: Any) -> None:
    """A decoded JSON document: 400 if it nests deeper than ``MAX_JSON_DEPTH``, 422 naming the
    fields if a key or a text holds a NUL character. Iterative, so no input can exhaust the stack."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise BadRequest(
                    f"JSON må højst være {MAX_JSON_DEPTH} niveauer dybt.", "too_deeply_nested"
                )
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    nul_fields = {path: NUL_PROBLEM for path in _nul_paths(body)}
    if nul_fields:
        raise ValidationFailed(nul_fields)


def _nul_paths(body: Any) -> Iterator[str]:
    """The dotted paths (as in ``fields``) of the texts and keys that hold a NUL character."""
    stack: list[tuple[Any, str]] = [(body, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                yield path or "body"
        elif isinstance(value, Mapping):
            for key, child in value.items():
                key_text = str(key)
                if NUL in key_text:
                    yield path or "body"  # never echo the hostile key itself
                    continue
                stack.append((child, f"{path}.{key_text}" if path else key_text))
        elif isinstance(value, list | tuple):
            stack.extend(
                (child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(value)
            )


def _dates_out_of_range(value: Any, path: str = "") -> Iterator[str]:
    """The dotted paths of the dates and date-times in a validated model outside 1900-2100."""
    if isinstance(value, date):  # datetime is a date too
        if not in_range(value):
            yield path or "body"
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            key = field.alias or name
            yield from _dates_out_of_range(getattr(value, name), f"{path}.{key}" if path else key)
    elif isinstance(value, Mapping):
        for key, child in value.items():
            yield from _dates_out_of_range(child, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for i, child in enumerate(value):
            yield from _dates_out_of_range(child, f"{path}.{i}" if path else str(i))


def refuse_nul_in_request() -> None:
    """``before_request``: a NUL character in the path, the query or a posted form is refused with
    422 before any view (or database query) sees it. JSON bodies are checked by ``check_json``."""
    problems: dict[str, str] = {}
    if NUL in request.path:
        problems["path"] = NUL_PROBLEM
    query = list(request.args.items(multi=True))
    for source, values in (("query", query), ("form", _form_values())):
        for key, value in values:
            if NUL in key:
                problems[source] = NUL_PROBLEM
            elif NUL in value:
                problems[key] = NUL_PROBLEM
    if problems:
        raise ValidationFailed(problems)


def _form_values() -> list[tuple[str, str]]:
    if request.method in ("GET", "HEAD", "OPTIONS") or request.mimetype not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return []
    pairs = list(request.form.items(multi=True))
    pairs += [(key, upload.filename or "") for key, upload in request.files.items(multi=True)]
    return pairs
