"""Strict input validation shared by the services and the workflow."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fortrin.errors import ValidationFailed, fields_from

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], body: dict[str, Any]) -> M:
    """Validate a decoded JSON object with JSON semantics (dates are ISO strings, ``"true"`` is not a
    bool), turning problems into the contract's 422 ``fields``."""
    try:
        return model.model_validate_json(json.dumps(body))
    except ValidationError as error:
        raise ValidationFailed(fields_from(error)) from error
