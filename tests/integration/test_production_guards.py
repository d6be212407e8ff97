"""Issue 9: production guard rails in the app factory (api-contract.md, "Security and privacy").

An unknown ``FORTRIN_ENV`` (``prod`` must not quietly mean development), and in production a secret
key under 32 characters or ``FLASK_DEBUG``, are refused with a message: ``create_app`` raises, and
``flask --app fortrin ...`` prints ``Error: ...`` and exits 1, without a traceback.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fortrin import create_app, db
from fortrin.config import ConfigurationError, from_environment
from tests.conftest import test_settings as settings_for

GOOD_KEY = "k" * 32
# Production also needs the CPR keys (fortrin/crypto.py): any valid Fernet key and an index key.
CPR_KEYS = {
    "FORTRIN_CPR_KEYS": base64.urlsafe_b64encode(b"c" * 32).decode(),
    "FORTRIN_CPR_INDEX_KEY": "i" * 32,
}
ROOT = Path(__file__).resolve().parents[2]


def production(**more: Any) -> dict[str, Any]:
    return {
        "FORTRIN_ENV": "production",
        "FORTRIN_SECRET_KEY": GOOD_KEY,
        "FORTRIN_DATABASE_URL": "sqlite://",
        "FORTRIN_NOW": "",
        **CPR_KEYS,
        **more,
    }


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


@pytest.mark.parametrize("name", ["prod", "Production", "staging", "dev", " production"])
def test_an_unknown_environment_is_refused(name: str) -> None:
    with pytest.raises(ConfigurationError, match=r"FORTRIN_ENV=.* is not known: use one of"):
        create_app({**production(), "FORTRIN_ENV": name})


def test_the_refusal_is_a_runtime_error_for_wsgi_servers() -> None:
    with pytest.raises(RuntimeError, match="FORTRIN_ENV"):
        create_app({**production(), "FORTRIN_ENV": "prod"})


@pytest.mark.parametrize("length", [1, 16, 31])
def test_a_short_secret_key_is_refused_in_production(length: int) -> None:
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        create_app(production(FORTRIN_SECRET_KEY="k" * length))


def test_a_32_character_key_is_enough_and_production_starts() -> None:
    app = create_app(production())
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.debug and not app.testing


def test_short_keys_are_still_fine_outside_production() -> None:
    create_app({**production(), "FORTRIN_ENV": "development", "FORTRIN_SECRET_KEY": "dev"})


@pytest.mark.parametrize("value", ["1", "true", "yes", "on"])
def test_flask_debug_is_refused_in_production(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("FLASK_DEBUG", value)
    with pytest.raises(ConfigurationError, match="FLASK_DEBUG is refused in production"):
        create_app(production())


@pytest.mark.parametrize("value", ["0", "false", "no", ""])
def test_flask_debug_off_is_allowed_in_production(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("FLASK_DEBUG", value)
    create_app(production())


def test_flask_debug_is_allowed_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    create_app({**production(), "FORTRIN_ENV": "development"})


def test_a_setting_that_is_not_a_number_is_named() -> None:
    with pytest.raises(ConfigurationError, match="FORTRIN_TOKEN_HOURS='twelve' is not a valid int"):
        from_environment({"FORTRIN_TOKEN_HOURS": "twelve"})


@pytest.mark.parametrize("name", ["FORTRIN_RETENTION_DAYS", "FORTRIN_CASEWORKER_ACCESS_DAYS"])
@pytest.mark.parametrize("env", ["production", "development"])
def test_a_retention_or_access_period_under_a_day_is_refused(name: str, env: str) -> None:
    """0 would erase every ended case at the next run; a negative number, cases not yet ended."""
    with pytest.raises(ConfigurationError, match=f"{name} must be at least 1"):
        create_app({**production(FORTRIN_ENV=env), name: 0})


def test_production_runs_on_both_databases(database_url: str) -> None:
    settings = settings_for(database_url)
    settings.update(production(FORTRIN_DATABASE_URL=database_url))
    app = create_app(settings)
    assert app.test_client().get("/readyz").status_code == 200
    with app.app_context():
        db.engine().dispose()


def flask_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FORTRIN_", "FLASK_"))}
    clean["FORTRIN_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "fortrin", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"FORTRIN_ENV": "prod"}, ["routes"], "Error: FORTRIN_ENV='prod' is not known"),
        (
            {"FORTRIN_ENV": "production", "FORTRIN_SECRET_KEY": "short", **CPR_KEYS},
            ["routes"],
            "Error: FORTRIN_SECRET_KEY must be at least 32 characters in production",
        ),
        (
            {
                "FORTRIN_ENV": "production",
                "FORTRIN_SECRET_KEY": GOOD_KEY,
                "FLASK_DEBUG": "1",
                **CPR_KEYS,
            },
            ["routes"],
            "Error: FLASK_DEBUG is refused in production",
        ),
        (
            {"FORTRIN_ENV": "production", "FORTRIN_SECRET_KEY": GOOD_KEY, **CPR_KEYS},
            ["--debug", "routes"],
            "Error: FLASK_DEBUG is refused in production",
        ),
    ],
)
def test_the_cli_refuses_with_a_message_and_exit_1(
    tmp_path: Path, env: dict[str, str], args: list[str], message: str
) -> None:
    result = flask_cli(tmp_path, *args, **env)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_runs_in_a_sound_production_setting(tmp_path: Path) -> None:
    result = flask_cli(
        tmp_path, "routes", FORTRIN_ENV="production", FORTRIN_SECRET_KEY=GOOD_KEY, **CPR_KEYS
    )
    assert result.returncode == 0, result.stderr
    assert "/readyz" in result.stdout
