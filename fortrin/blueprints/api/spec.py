"""The API's route registry and its OpenAPI 3.1 description (``GET /api/v1/openapi.json``).

Routes are declared with ``api_route``, which registers the Flask view and records its documentation
(body and response models are the same pydantic models the code validates and renders with). A test
fails when a Flask route under ``/api/v1`` is missing here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint
from pydantic import BaseModel

from fortrin.presenters import ErrorOut

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class QueryParam:
    name: str
    schema: dict[str, Any]
    description: str
    required: bool = False


@dataclass(frozen=True)
class RouteDoc:
    rule: str
    method: str
    summary: str
    tag: str
    body: type[BaseModel] | dict[str, Any] | None
    response: type[BaseModel] | None
    many: bool
    status: int
    public: bool
    errors: tuple[int, ...]
    query: tuple[QueryParam, ...] = field(default_factory=tuple)
    content_type: str = "application/json"
    # Further media types of the 200 answer, chosen by the Accept header (a text each).
    also_as: tuple[str, ...] = ()


ROUTES: list[RouteDoc] = []

# Paging by key (issue 12): every list takes the cursor its previous page gave in X-Next-Cursor.
CURSOR_QUERY = QueryParam(
    "cursor",
    {"type": "string", "maxLength": 200},
    "continue after the page that gave this X-Next-Cursor (paging by key; not with offset)",
)

DEADLINE_QUERY = (
    QueryParam("sent_on", {"type": "string", "format": "date"}, "date the refusal was sent", True),
    QueryParam(
        "channel",
        {"type": "string", "enum": ["digital_post", "letter", "quickpost"]},
        "how it was sent",
        True,
    ),
    QueryParam("received_on", {"type": "string", "format": "date"}, "actual receipt, if known"),
)


def api_route(
    bp: Blueprint,
    rule: str,
    method: str,
    summary: str,
    tag: str,
    body: type[BaseModel] | dict[str, Any] | None = None,
    response: type[BaseModel] | None = None,
    many: bool = False,
    status: int = 200,
    public: bool = False,
    errors: tuple[int, ...] = (),
    query: tuple[QueryParam, ...] = (),
    content_type: str = "application/json",
    also_as: tuple[str, ...] = (),
) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        bp.add_url_rule(rule, view_func=view, methods=[method])
        ROUTES.append(
            RouteDoc(
                rule,
                method,
                summary,
                tag,
                body,
                response,
                many,
                status,
                public,
                errors,
                query,
                content_type,
                also_as,
            )
        )
        view.public = public  # type: ignore[attr-defined]
        return view

    return decorator


_ERROR_TEXT = {
    400: "The body is not a JSON object (UTF-8), or it nests deeper than 32 levels",
    401: "No token, or a bad or expired one",
    403: "The caller's role may never do this",
    404: "No such thing, or the caller may not see it (also an id beyond its column's range)",
    409: "The case's state or the law forbids it now",
    413: "The body is larger than 1 MiB",
    415: "The body is not in a format this operation accepts",
    422: (
        "A field or parameter is missing, of the wrong type or out of range (see `fields`): "
        "also a NUL character anywhere, or a date outside the years 1900-2100"
    ),
    429: "Too many attempts: wait the number of seconds in `Retry-After`",
}
_ERROR_HEADERS = {
    429: {
        "Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer", "minimum": 0},
        }
    }
}


def error_statuses(route: RouteDoc, path: str) -> set[int]:
    """Every error status the operation can answer: those the route declares, and those the service
    gives any request of its shape (a body: 400, 413, 422; a path or query parameter: 422 for a NUL
    character or a bad value, and 404 for a path naming nothing; a token: 401)."""
    codes = set(route.errors)
    if route.body is not None:
        codes |= {400, 413, 422}
    if "{" in path or route.query:
        codes.add(422)
    if "{" in path:
        codes.add(404)
    if not route.public:
        codes.add(401)
    return codes


def _schema_of(model: type[BaseModel], components: dict[str, Any], mode: str) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)  # type: ignore[arg-type]
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components.setdefault(model.__name__, schema)
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _openapi_path(rule: str, prefix: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", prefix + rule)


def build_openapi(prefix: str = "/api/v1") -> dict[str, Any]:
    components: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    error_ref = _schema_of(ErrorOut, components, "serialization")
    for route in ROUTES:
        path = _openapi_path(route.rule, prefix)
        operation: dict[str, Any] = {
            "summary": route.summary,
            "tags": [route.tag],
            "operationId": f"{route.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')}",
        }
        integers = set(re.findall(r"<int:([a-z_]+)>", route.rule))
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 0}
                if name in integers
                else {"type": "string", "minLength": 1},
            }
            for name in re.findall(r"{([a-z_]+)}", path)
        ]
        parameters += [
            {
                "name": q.name,
                "in": "query",
                "required": q.required,
                "schema": q.schema,
                "description": q.description,
            }
            for q in route.query
        ]
        if parameters:
            operation["parameters"] = parameters
        if route.body is not None:
            body_schema = (
                route.body
                if isinstance(route.body, dict)
                else _schema_of(route.body, components, "validation")
            )
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": body_schema}},
            }
        if route.response is not None:
            ref = _schema_of(route.response, components, "serialization")
            schema = {"type": "array", "items": ref} if route.many else ref
            content = {route.content_type: {"schema": schema}}
        elif route.content_type == "application/json":
            content = {route.content_type: {"schema": {"type": "object"}}}
        else:  # a file (a PDF, a calendar, an image): bytes of that media type
            content = {route.content_type: {"schema": {"type": "string", "format": "binary"}}}
        for media_type in route.also_as:
            content[media_type] = {"schema": {"type": "string"}}
        responses: dict[str, Any] = {
            str(route.status): {"description": "No content"}
            if route.status == 204
            else {"description": "OK", "content": content}
        }
        operation["security"] = [] if route.public else [{"bearer": []}]
        for code in sorted(error_statuses(route, path)):
            responses[str(code)] = {
                "description": _ERROR_TEXT[code],
                "content": {"application/json": {"schema": error_ref}},
            }
            if code in _ERROR_HEADERS:
                responses[str(code)]["headers"] = _ERROR_HEADERS[code]
        operation["responses"] = responses
        paths.setdefault(path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Fortrin",
            "version": "1",
            "description": (
                "Fortrinsadgang for ansøgere med handicap: sager med håndhævede pligter, "
                "bek. § 7-routing, Ankestyrelsens frist. Errors: "
                '{"error": {"code", "message", "fields"?, "outstanding"?}}.'
            ),
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
