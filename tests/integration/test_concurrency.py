"""Two people acting on one case at once cannot both win: the version column makes the second
update fail instead of silently overwriting the first (and the API answers 409 conflict)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from fortrin import db
from fortrin.models import Application
from tests.integration.conftest import Api, World, apply, vacancy


def test_a_stale_update_of_a_case_is_refused(app: Flask, api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    with app.app_context():
        first, second = Session(db.engine()), Session(db.engine())
        try:
            mine = first.get(Application, case["id"])
            theirs = second.get(Application, case["id"])
            assert mine is not None and theirs is not None
            mine.state = "withdrawn"
            first.commit()
            theirs.state = "interview_required"
            with pytest.raises(StaleDataError):
                second.commit()
        finally:
            first.close()
            second.close()
    shown = api.get(f"/api/v1/applications/{case['id']}", world.applicant).json
    assert shown["state"] == "withdrawn"
