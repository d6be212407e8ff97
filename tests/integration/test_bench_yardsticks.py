"""Issue 12, point 5: the benchmark's yardsticks of one read by key (``scripts/bare_app.py``) read
the case they are asked for, through psycopg and through SQLModel alike, and answer 404 for one that
does not exist (which the benchmark would count as an error). On SQLite they are not offered."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask

from tests.integration.conftest import Api, World, apply, vacancy

BARE_APP = Path(__file__).resolve().parents[2] / "scripts" / "bare_app.py"


@pytest.fixture
def bare(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.setenv("FORTRIN_DATABASE_URL", app.config["FORTRIN_DATABASE_URL"])
    spec = importlib.util.spec_from_file_location("bare_app_under_test", BARE_APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    opened: dict[str, Any] = module._opened
    if "driver" in opened:
        opened["driver"].close()
    if "orm" in opened:
        opened["orm"].dispose()


def test_both_reads_by_key_answer_the_case_asked_for(
    app: Flask, api: Api, world: World, bare: ModuleType
) -> None:
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    client = bare.app.test_client()
    paths = [f"/row/driver/{case['id']}", f"/row/orm/{case['id']}", "/row/orm/nothing-here"]
    if not app.config["FORTRIN_DATABASE_URL"].startswith("postgresql"):
        assert [client.get(path).status_code for path in paths] == [404, 404, 404]
        return
    by_driver, by_orm = client.get(paths[0]), client.get(paths[1])
    assert (by_driver.status_code, by_orm.status_code) == (200, 200)
    assert by_driver.json == by_orm.json
    assert by_orm.json["id"] == case["id"]
    assert by_orm.json["state"] == case["state"]
    assert client.get(paths[2]).status_code == 404
    assert client.get("/row/driver/nothing-here").status_code == 404
