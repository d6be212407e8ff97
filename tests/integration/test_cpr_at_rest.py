"""Issue 9, point 4: CPR numbers are encrypted at rest, still found by an exact match, and the keys
can be rotated (GDPR art. 32)."""

from __future__ import annotations

import pytest
from alembic import command
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm.attributes import flag_modified

from fortrin import crypto, db, migrate
from fortrin.models import User
from tests.integration.conftest import Api, World


def raw_cpr(app: Flask, user_id: str) -> tuple[str | None, str | None]:
    with app.app_context(), db.engine().connect() as connection:
        row = connection.execute(
            text('SELECT cpr, cpr_index FROM "user" WHERE id = :id'), {"id": user_id}
        ).one()
        return row[0], row[1]


def test_the_cpr_number_is_not_stored_in_clear(app: Flask, world: World) -> None:
    stored, index = raw_cpr(app, world.applicant.id)
    assert stored is not None and "000101" not in stored and len(stored) > 50
    assert index is not None and "000101" not in index and len(index) == 64
    with app.app_context():
        assert db.session().get(User, world.applicant.id).cpr == "000101-0000"  # type: ignore[union-attr]


def test_the_caseworker_finds_an_applicant_by_the_exact_cpr_number(api: Api, world: World) -> None:
    for query in ("000101-0000", "0001010000"):
        found = api.get(f"/api/v1/applicants?q={query}", world.cw_aarhus).json
        assert [a["id"] for a in found] == [world.applicant.id], query
    assert api.get("/api/v1/applicants?q=000101-0001", world.cw_aarhus).json == []
    # Another jobcentre does not find the applicant of Aarhus, by CPR or otherwise.
    assert api.get("/api/v1/applicants?q=000101-0000", world.cw_kbh).json == []


def test_a_new_key_first_still_reads_old_numbers_and_rotation_reencrypts(
    app: Flask, world: World
) -> None:
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    app.config["FORTRIN_CPR_INDEX_KEY"] = "index-key-for-the-test"
    app.config["FORTRIN_CPR_KEYS"] = old_key
    with app.app_context():
        token = crypto.encrypt("000101-0000")
        app.config["FORTRIN_CPR_KEYS"] = f"{new_key},{old_key}"
        assert crypto.decrypt(token) == "000101-0000"
        rotated = crypto.rotate(token)
        app.config["FORTRIN_CPR_KEYS"] = new_key
        assert crypto.decrypt(rotated) == "000101-0000"
        with pytest.raises(crypto.MissingKey):
            crypto.decrypt(token)  # the old key is gone: only rotated numbers read


def test_production_refuses_to_derive_the_keys(app: Flask) -> None:
    app.config["FORTRIN_ENV"] = "production"
    with app.app_context(), pytest.raises(crypto.MissingKey):
        crypto.encrypt("000101-0000")


def test_the_migration_encrypts_existing_numbers_and_its_downgrade_decrypts_them(
    app: Flask, world: World
) -> None:
    with app.app_context():
        engine = db.engine()
        cfg = migrate.alembic_config(engine)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0006")
        with engine.connect() as connection:
            plain = connection.execute(
                text('SELECT cpr FROM "user" WHERE id = :id'), {"id": world.applicant.id}
            ).scalar()
        migrate.upgrade(engine)
        assert plain == "000101-0000"
    stored, index = raw_cpr(app, world.applicant.id)
    assert stored != "000101-0000" and index is not None
    with app.app_context():
        assert db.session().get(User, world.applicant.id).cpr == "000101-0000"  # type: ignore[union-attr]


def test_cpr_rotate_reencrypts_every_number_under_the_new_key(app: Flask, world: World) -> None:
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    with app.app_context(), db.unit_of_work() as session:
        user = session.get(User, world.applicant.id)  # read under the development keys
        assert user is not None
        app.config.update(FORTRIN_CPR_KEYS=old_key, FORTRIN_CPR_INDEX_KEY="index-key-one")
        flag_modified(user, "cpr")  # stored under the old key, as before a rotation
    app.config.update(FORTRIN_CPR_KEYS=f"{new_key},{old_key}", FORTRIN_CPR_INDEX_KEY="index-two")
    result = app.test_cli_runner().invoke(args=["cpr", "rotate"])
    assert result.exit_code == 0, result.output
    app.config["FORTRIN_CPR_KEYS"] = new_key  # the old key removed
    with app.app_context():
        assert db.session().get(User, world.applicant.id).cpr == "000101-0000"  # type: ignore[union-attr]
        assert raw_cpr(app, world.applicant.id)[1] == crypto.cpr_index("000101-0000")
