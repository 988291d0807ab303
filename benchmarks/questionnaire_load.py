"""Questionnaire responses under load: 200 a minute for 5 minutes, none lost.

    .venv/bin/python benchmarks/questionnaire_load.py [--per-minute 200] [--minutes 5]
        [--link invited|open] [--postgres] [--workers 2]

Sets up a throw-away data directory (SQLite unless --postgres) with a partnership and the
Youth Justice Plan questionnaire, starts gunicorn on 127.0.0.1 as ``saferplan serve`` does,
then sends responses at the given rate, each as a person would: open the link (a page and
its CSRF cookie), wait the two seconds the form asks of a person, send the answers. Each
response carries a text of its own. ``--link invited`` gives every respondent a single-use
link; ``--link open`` sends them all through the open link (the server's throttle is
raised for the run, since every respondent here has the one loopback address; it still
counts every answer). Afterwards every response sent must be in the database exactly once
with its own text, and every single-use link used once. Prints the latency of opening and
of sending (p50/p95/p99), errors and the rate achieved, against a named baseline in the same
run: the static stylesheet through the same server. Every worker thread serves the form a
few times before the clock starts (its first request loads the views: start-up, not load).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILL_SECONDS = 2.2  # a little over the form's minimum (answering.DEFAULT_MIN_SECONDS)
SETTINGS = """
from saferplan.site.settings import *  # noqa: F403
GOVERNANCE_OPEN_LINK_LIMIT = (1_000_000, 600)  # every respondent here is 127.0.0.1
"""
SETUP = """
import json, sys
from saferplan.site.bootstrap import setup_django
setup_django()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from saferplan.accounts.management import set_partnership
from saferplan.accounts.tenancy import partnership_scope
from saferplan.governance.models import Invitation
from saferplan.governance.tests.samples import harrow_questionnaire
partnership, _ = set_partnership("Load test partnership", areas=["Harrow"])
with partnership_scope(partnership):
    q = harrow_questionnaire(partnership)
    links = Invitation.objects.bulk_create(
        [Invitation(questionnaire=q) for _ in range(int(sys.argv[1]))])
    items = {i.number: i.pk for i in q.items.all()}
print(json.dumps({"slug": q.slug, "tokens": [i.token for i in links], "items": items}))
"""
CHECK = """
import json, sys
from saferplan.site.bootstrap import setup_django
setup_django()
from saferplan.accounts.tenancy import across_partnerships
from saferplan.governance.models import Answer, Invitation, Response
with across_partnerships():
    texts = list(Answer.objects.filter(item__number=4).values_list("text", flat=True))
    print(json.dumps({"responses": Response.objects.count(), "texts": texts,
                      "used": Invitation.objects.filter(used_at__isnull=False).count()}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Respondent:
    """One person: their cookies (the CSRF cookie) and a connection per request, since the
    server closes an idle keep-alive connection while a person reads the form."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - start
        conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, elapsed


def answers(items: dict[str, int], n: int) -> dict[str, object]:
    """Respondent n's answers: varied choices, and a free text naming them."""
    ynp = ("yes", "no", "partially")
    return {
        f"item-{items['1']}": ynp[n % 3],
        f"item-{items['1']}-comment": f"comment {n}",
        f"item-{items['2']}": ynp[(n + 1) % 3],
        f"item-{items['3']}": ynp[(n + 2) % 3],
        f"item-{items['4']}": f"bench-{n}",
        f"item-{items['7']}": "no",
        f"item-{items['8']}": ["Email", "Website"][: 1 + n % 2],
    }


def respond(port: int, path: str, items: dict[str, int], n: int) -> tuple[float, float]:
    """Open the form, fill it in as a person would, send it: (open, send) seconds."""
    person = Respondent(port)
    status, page, opened = person.request("GET", path)
    if status != 200:
        raise RuntimeError(f"opening: HTTP {status}")
    fields = {
        name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        for name in ("csrfmiddlewaretoken", "form_token")
    }
    time.sleep(FILL_SECONDS)
    body = urllib.parse.urlencode({**fields, **answers(items, n)}, doseq=True)
    status, page, sent = person.request("POST", path, body)
    if status != 200 or "Thank you" not in page:
        raise RuntimeError(f"sending: HTTP {status}")
    return opened, sent


def percentiles(values: list[float]) -> str:
    if not values:
        return "no requests"
    ms = sorted(v * 1000 for v in values)
    q = statistics.quantiles(ms, n=100) if len(ms) > 1 else [ms[0]] * 99
    return f"p50 {q[49]:6.1f} ms   p95 {q[94]:6.1f} ms   p99 {q[98]:6.1f} ms   (n={len(ms)})"


def database_env(postgres: bool) -> dict[str, str]:
    env = {**os.environ, "SAFERPLAN_DATA": tempfile.mkdtemp(prefix="saferplan-qload-")}
    env.pop("DATABASE_URL", None)
    if postgres:
        done = subprocess.run([str(ROOT / "scripts" / "postgres.sh")], check=True,
                              capture_output=True, text=True)  # fmt: skip
        url = done.stdout.strip().splitlines()[-1]
        admin, pg = url.rsplit("/", 1)[0] + "/postgres", {**os.environ, "PGPASSWORD": "saferplan"}
        for sql in ("DROP DATABASE IF EXISTS saferplan_qload", "CREATE DATABASE saferplan_qload"):
            subprocess.run(["psql", admin, "-qc", sql], check=True, env=pg)
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/saferplan_qload"
    return env


def serve(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "saferplan.site.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "4",
         "--worker-class", "gthread", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def warm(port: int, path: str, workers: int) -> float:
    """Seconds until every worker thread has served the form once: a worker loads the URLs,
    views and templates on its first request, which is start-up, not load."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers * 4) as pool:
        for _ in range(3):
            statuses = list(pool.map(lambda _: Respondent(port).request("GET", path)[0],
                                     range(workers * 4)))  # fmt: skip
            if set(statuses) != {200}:
                raise SystemExit(f"warming up: HTTP {sorted(set(statuses))}")
    return time.perf_counter() - start


def main() -> None:
    import json

    parser = argparse.ArgumentParser()
    parser.add_argument("--per-minute", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--link", choices=("invited", "open"), default="invited")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    total = int(args.per_minute * args.minutes)
    env = database_env(args.postgres)
    settings_dir = Path(env["SAFERPLAN_DATA"]) / "bench-settings"
    settings_dir.mkdir()
    (settings_dir / "qload_settings.py").write_text(SETTINGS)
    env["PYTHONPATH"] = os.pathsep.join([str(settings_dir), env.get("PYTHONPATH", "")])
    env["DJANGO_SETTINGS_MODULE"] = "qload_settings"
    made = subprocess.run([sys.executable, "-c", SETUP, str(total)], check=True, env=env,
                          capture_output=True, text=True)  # fmt: skip
    setup = json.loads(made.stdout.strip().splitlines()[-1])
    paths = (
        [f"/answer/invited/{t}/" for t in setup["tokens"]]
        if args.link == "invited"
        else [f"/answer/{setup['slug']}/"] * total
    )
    server, port = serve(env, args.workers)
    warm_up = warm(port, f"/answer/{setup['slug']}/", args.workers)
    opened: list[float] = []
    sent: list[float] = []
    baseline: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()

    def one(n: int) -> None:
        time.sleep(max(0.0, start + n * 60 / args.per_minute - time.perf_counter()))
        try:
            a, b = respond(port, paths[n], setup["items"], n)
            with lock:
                opened.append(a)
                sent.append(b)
            if n % 10 == 0:
                status, _, t = Respondent(port).request("GET", "/static/saferplan.css")
                with lock:
                    baseline.append(t) if status == 200 else errors.append(f"static: {status}")
        except Exception as exc:
            with lock:
                errors.append(f"response {n}: {exc}")

    try:
        # Enough threads for every respondent filling in a form at once at this rate.
        threads = int(args.per_minute / 60 * (FILL_SECONDS + 5)) + 8
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(one, range(total)))
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    checked = subprocess.run([sys.executable, "-c", CHECK], check=True, env=env,
                             capture_output=True, text=True)  # fmt: skip
    found = json.loads(checked.stdout.strip().splitlines()[-1])
    texts = found["texts"]
    missing = [n for n in range(total) if f"bench-{n}" not in set(texts)]
    doubled = len(texts) - len(set(texts))
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{total} responses through the {args.link} link at {args.per_minute}/minute, "
          f"{database}, {args.workers} gunicorn workers, in {elapsed:.0f} s "
          f"({len(sent) / elapsed * 60:.0f}/minute achieved)")  # fmt: skip
    print(f"warm-up (not counted): {warm_up:.1f} s for every worker thread's first page")
    print(f"open the form        {percentiles(opened)}")
    print(f"send the answers     {percentiles(sent)}")
    print(f"baseline: static css {percentiles(baseline)}")
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    links = f"; single-use links used {found['used']} of {total}" if args.link == "invited" else ""
    print(f"stored: {found['responses']} responses; lost {len(missing)}, stored twice {doubled}"
          + links)  # fmt: skip
    if errors or missing or doubled or found["responses"] != total:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
