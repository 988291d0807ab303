"""Issue #10's hardening cases: a private data directory, lock-outs that lock only the
guesser, demo accounts that do not outlive the demo, HTTPS settings that pass Django's
deployment check, and command-line changes audited with who made them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from typer.testing import CliRunner

from saferplan.accounts.lockout import cool_off
from saferplan.accounts.models import AuditEvent
from saferplan.cli.main import app
from saferplan.plans.demo import DEMO_PASSWORD, load_demo_partnership

STRONG = "correct-horse-battery-staple-42"


def _saferplan(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "saferplan", *args],
        env={**clean, "SAFERPLAN_DATA": str(data), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_directory_and_everything_in_it_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = os.umask(0o022)  # a typical login umask: files would be world-readable
    try:
        done = _saferplan(data, "accounts", "partnership", "Safer Somewhere")
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert _mode(data) == 0o700
    files = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.name == "saferplan.sqlite3" for p in files)
    assert any(p.name == "secret_key" for p in files)
    for path in files:
        assert _mode(path) & 0o077 == 0, f"{path} is {oct(_mode(path))}"


def test_an_existing_open_data_directory_is_made_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    assert _saferplan(data, "accounts", "list").returncode == 0
    assert _mode(data) == 0o700


@pytest.mark.django_db
def test_wrong_passwords_lock_only_that_user_at_that_address() -> None:
    load_demo_partnership()
    guesser = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(4):
        guesser.post("/sign-in/", {"username": "admin", "password": "wrong-guess"})
    fifth = guesser.post("/sign-in/", {"username": "admin", "password": "wrong-guess"})
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert "for 1 minute." in page and "govuk-header" in page  # in the app's layout
    blocked = guesser.post("/sign-in/", {"username": "admin", "password": DEMO_PASSWORD})
    assert blocked.status_code == 429  # even the right password, while locked
    assert "for 2 minutes." in blocked.content.decode()  # and trying again backs off
    real_admin = Client(REMOTE_ADDR="10.0.0.2")
    response = real_admin.post("/sign-in/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302  # the real admin elsewhere is not locked out
    other_user = guesser.post("/sign-in/", {"username": "analyst", "password": DEMO_PASSWORD})
    assert other_user.status_code == 302  # nor another user at the guesser's address
    assert CliRunner().invoke(app, ["accounts", "unlock", "admin"]).exit_code == 0
    again = guesser.post("/sign-in/", {"username": "admin", "password": DEMO_PASSWORD})
    assert again.status_code == 302


def test_the_lock_backs_off_from_a_minute_to_an_hour(monkeypatch) -> None:
    from saferplan.accounts import lockout

    for failures, minutes in [(5, 1), (6, 2), (7, 4), (9, 16), (11, 60), (40, 60)]:
        monkeypatch.setattr(lockout, "_failures", lambda _request, n=failures: n)
        assert cool_off(None).total_seconds() == minutes * 60


@pytest.mark.django_db
def test_demo_accounts_stop_when_real_users_arrive() -> None:
    load_demo_partnership()
    refused = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 1
    assert "demo accounts" in refused.output and "will not listen on 0.0.0.0" in refused.output
    runner = CliRunner()
    added = runner.invoke(app, ["accounts", "user", "jo", "--organisation", "NHS Harrow",
                                "--role", "analyst", "--password-stdin"], input=STRONG + "\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "Deactivated the demo accounts" in added.output
    client = Client()
    assert (
        client.post("/sign-in/", {"username": "admin", "password": DEMO_PASSWORD}).status_code
        == 200
    )
    assert not get_user_model().objects.get(username="admin").is_active
    assert client.post("/sign-in/", {"username": "jo", "password": STRONG}).status_code == 302


@pytest.mark.django_db
def test_command_line_changes_are_audited_with_the_operating_system_user() -> None:
    import getpass

    assert CliRunner().invoke(app, ["accounts", "partnership", "Safer Somewhere"]).exit_code == 0
    event = AuditEvent.objects.get(model="accounts.Partnership")
    assert event.user is None and event.actor == f"{getpass.getuser()} (cli)"
    assert event.partnership is not None and event.partnership.name == "Safer Somewhere"


def test_with_https_the_deployment_check_is_clean(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        # As deployed: not the test run's own variables (the browser tests allow async).
        env={**{k: v for k, v in os.environ.items()
                if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")},
             "SAFERPLAN_DATA": str(tmp_path), "SAFERPLAN_HTTPS": "1",
             "DJANGO_SETTINGS_MODULE": "saferplan.site.settings"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNINGS" not in done.stdout + done.stderr
