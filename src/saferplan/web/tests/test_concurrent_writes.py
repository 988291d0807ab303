"""Writes under load: while a large import runs in another process, many simultaneous web
writes each succeed or get a 409, never a 500, and the conflict check still holds
(issue #10: "database is locked" on SQLite). Runs on SQLite and again on PostgreSQL."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from saferplan.plans.demo import load_demo_partnership
from saferplan.plans.models import Action

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[4]
# Large enough that writes overlap the import's own write; SAFERPLAN_TEST_IMPORT_ROWS=2000000
# reproduces the case.
IMPORT_ROWS = int(os.environ.get("SAFERPLAN_TEST_IMPORT_ROWS", "400000"))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(scope="module")
def big_police_csv(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from policeuk_data import write_police_uk_csv

    return write_police_uk_csv(tmp_path_factory.mktemp("load") / "big-street.csv", IMPORT_ROWS)


def _database_url() -> str:
    """The test database, for the import's own process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    login = quote(db["USER"] or "", safe="") + (
        ":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else ""
    )
    return f"postgres://{login}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


class Browser:
    """One signed-in person's HTTP session against the live server (no redirects followed)."""

    def __init__(self, base: str, username: str) -> None:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        self.cookies = {"sessionid": client.cookies["sessionid"].value}
        self.host = urlparse(base).netloc

    def request(self, method: str, path: str, form: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
        conn = http.client.HTTPConnection(self.host, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.cookies["csrftoken"] = value.split(";")[0].split("=", 1)[1]
        conn.close()
        return response.status, text

    def token(self, path: str) -> str:
        status, page = self.request("GET", path)
        assert status == 200, (path, status)
        found = TOKEN.search(page)
        assert found
        return found.group(1)


def _at_once(*calls) -> list[int]:  # type: ignore[no-untyped-def]
    """Run the calls in threads released together; their HTTP statuses."""
    start = threading.Barrier(len(calls))
    statuses: list[int] = [0] * len(calls)

    def run(i: int) -> None:
        start.wait()
        try:
            statuses[i] = calls[i]()
        except Exception:  # a dropped connection counts as a failure
            statuses[i] = -1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def _round(analyst: Browser, admin: Browser, saved: Action, edited: Action) -> list[int]:
    """Two progress saves from the same version, and an action edit, all at once."""
    update = f"/actions/{saved.pk}/update/"
    tokens = [
        analyst.token(update),
        admin.token(update),
        analyst.token(f"/actions/{edited.pk}/edit/"),
    ]
    edit = {"text": edited.text, "review_point_text": "", "review_date": "",
            "lead_text": edited.lead_text, "lead_organisation": edited.lead_organisation_id or "",
            "version": edited.version, "csrfmiddlewaretoken": tokens[2]}  # fmt: skip

    def save(who: Browser, token: str, words: str):  # type: ignore[no-untyped-def]
        form = {"rag": "green", "text": words, "version": saved.version,
                "csrfmiddlewaretoken": token}  # fmt: skip
        return lambda: who.request("POST", update, form)[0]

    return _at_once(
        save(analyst, tokens[0], "First"),
        save(admin, tokens[1], "Second"),
        lambda: analyst.request("POST", f"/actions/{edited.pk}/edit/", edit)[0],
    )


def test_writes_during_a_large_import_never_fail(live_server, big_police_csv: Path) -> None:
    load_demo_partnership()
    analyst, admin = Browser(live_server.url, "analyst"), Browser(live_server.url, "admin")
    actions = list(Action.objects.order_by("id"))
    env = {**os.environ, "DATABASE_URL": _database_url()}
    importing = subprocess.Popen(
        [sys.executable, "-m", "saferplan", "import", "police-uk", str(big_police_csv)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    rounds: list[tuple[bool, list[int]]] = []
    try:
        while importing.poll() is None or len(rounds) < 10:
            during = importing.poll() is None
            saved, edited = actions[len(rounds) % 30], actions[30 + len(rounds) % 30]
            saved.refresh_from_db()
            edited.refresh_from_db()
            rounds.append((during, _round(analyst, admin, saved, edited)))
    finally:
        out, err = importing.communicate(timeout=300)
    assert importing.returncode == 0, err
    assert f"{IMPORT_ROWS:,} rows kept" in out
    assert sum(during for during, _ in rounds) >= 3, "the import ended before the writes began"
    for _, (first, second, edit) in rounds:
        assert sorted((first, second)) == [302, 409], rounds  # one saved, one told of it
        assert edit == 302, rounds
    for saved in actions[:30]:
        texts = list(saved.updates.values_list("text", flat=True))
        saved.refresh_from_db()
        # Exactly one update per round on this action, and a version for each change.
        assert len(texts) == sum(1 for i in range(len(rounds)) if i % 30 == actions.index(saved))
