"""Passwords (issue 9): strength (zxcvbn and at least 12 characters), OWASP's argon2id parameters,
hashing bounded per process, and one argon2 run per sign-in whether or not the e-mail exists."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask

from fortrin import config, security


@pytest.fixture
def app() -> Iterator[Flask]:
    """Only the settings security.py reads (no database)."""
    application = Flask(__name__)
    application.config.update(config.from_environment({}))
    application.config.update(FORTRIN_ARGON2_TIME_COST=1, FORTRIN_ARGON2_MEMORY_KIB=8)
    with application.app_context():
        yield application


@pytest.mark.parametrize(
    "password",
    [
        "12345678",
        "123456789012",
        "password1234",
        "aaaaaaaaaaaaaaaa",
        "qwertyuiopasdf",
        "sommer2026!",  # 11 characters
        "kort",
        "anders.jensen@kk.example",  # the user's own e-mail
        "anders jensen",  # the user's own name
        "fortrinfortrin",  # the service's name
        "fortrin12345",
        "Kodeord123456",
    ],
)
def test_weak_passwords_are_refused_in_danish(password: str) -> None:
    problem = security.password_problem(password, ["anders.jensen@kk.example", "Anders Jensen"])
    assert problem is not None
    assert problem.startswith(("skal være mindst 12 tegn", "er for let at gætte"))


@pytest.mark.parametrize(
    "password",
    [
        "test-password-1",  # the test suite's
        "fortrin-demo-2026",  # the demo's
        "blåbær-cykel-vindue-7",
        "correct horse battery staple",
        "Tr0ub4dor&3x-lang",
        "x7$Kq!m2Pz9#vW4" * 13,  # 195 characters: longer than zxcvbn reads
    ],
)
def test_strong_passwords_are_accepted(password: str) -> None:
    assert (
        security.password_problem(password, ["anders.jensen@kk.example", "Anders Jensen"]) is None
    )


def test_the_minimum_length_is_12() -> None:
    assert security.PASSWORD_MIN_LENGTH == 12
    assert security.password_problem("hv9#Lq2!xZ4", []) == "skal være mindst 12 tegn"


def test_the_defaults_are_owasps_argon2id_parameters(app: Flask) -> None:
    defaults = config.from_environment({})
    assert defaults["FORTRIN_ARGON2_MEMORY_KIB"] == 19456  # 19 MiB
    assert defaults["FORTRIN_ARGON2_TIME_COST"] == 2
    assert defaults["FORTRIN_ARGON2_CONCURRENCY"] == 4
    # At most 4 hashes at once per process: 76 MiB, where 16 sign-ins at 64 MiB took 1 GiB.
    peak_mib = defaults["FORTRIN_ARGON2_CONCURRENCY"] * defaults["FORTRIN_ARGON2_MEMORY_KIB"] / 1024
    assert peak_mib <= 80
    hashed = security.hash_password("blåbær-cykel-vindue-7")
    assert hashed.startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_hashing_is_bounded_per_process(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """16 sign-ins at once: never more than FORTRIN_ARGON2_CONCURRENCY argon2 runs at the same
    time; the others wait their turn."""
    app.config["FORTRIN_ARGON2_CONCURRENCY"] = 2
    hashed = security.hash_password("blåbær-cykel-vindue-7")
    lock = threading.Lock()
    running = 0
    peak = 0
    release = threading.Event()
    original = PasswordHasher.verify

    def verify(self: PasswordHasher, *args: Any) -> Any:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        release.wait(0.05)  # hold the slot a moment so that others queue behind it
        with lock:
            running -= 1
        return original(self, *args)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    results: list[bool] = []

    def sign_in() -> None:
        with app.app_context():
            results.append(security.verify_password(hashed, "blåbær-cykel-vindue-7"))

    threads = [threading.Thread(target=sign_in) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 16
    assert peak <= 2


def test_an_old_hash_verifies_and_needs_a_rehash(app: Flask) -> None:
    old = PasswordHasher(time_cost=3, memory_cost=16, parallelism=1).hash("blåbær-cykel-vindue-7")
    assert security.verify_password(old, "blåbær-cykel-vindue-7")
    assert security.needs_rehash(old)
    assert not security.needs_rehash(security.hash_password("blåbær-cykel-vindue-7"))


def test_the_dummy_hash_is_made_once_with_the_current_parameters(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = PasswordHasher.hash

    def counting(self: PasswordHasher, *args: Any, **kwargs: Any) -> str:
        calls.append("hash")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counting)
    first = security.dummy_hash()
    assert first.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert security.dummy_hash() == first
    app.config["FORTRIN_ARGON2_MEMORY_KIB"] = 16
    assert "$m=16," in security.dummy_hash()
    assert len(calls) <= 2
