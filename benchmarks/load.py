"""Web app latency under load: 50 signed-in users on loopback against PostgreSQL.

    .venv/bin/python benchmarks/load.py [--users 50] [--seconds 20]

Starts PostgreSQL (scripts/postgres.sh) and gunicorn on 127.0.0.1 with the demo partnership,
then each simulated user signs in and requests the main pages in turn, without think time,
for a bounded time. Prints p50/p95/p99 per page and overall, errors and throughput, against
a named baseline measured in the same run: a static file through the same server.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class User:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, float]:
        """One request; a keep-alive connection the server closed is reopened and the request
        sent again once, as browsers do."""
        try:
            return self._request(method, path, body)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.conn.port, timeout=30)
            return self._request(method, path, body)

    def _request(self, method: str, path: str, body: str | None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "http://127.0.0.1/"
        start = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - start
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, elapsed

    def sign_in(self, username: str, password: str) -> None:
        _, page, _ = self.request("GET", "/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": password,
                "next": "/",
            }
        )
        status, _, _ = self.request("POST", "/sign-in/", body)
        assert status == 302, f"sign-in failed with {status}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="seconds a user reads a page before the next (as locust's between(1, 3)); "
        "0 0 for a stress test with no pauses",
    )
    args = parser.parse_args()

    url = (
        subprocess.run(
            [str(ROOT / "scripts" / "postgres.sh")], check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    bench_db = "saferplan_bench"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(
        ["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {bench_db}"],
        check=True,
        env={**os.environ, "PGPASSWORD": "saferplan"},
    )
    subprocess.run(
        ["psql", admin, "-qc", f"CREATE DATABASE {bench_db}"],
        check=True,
        env={**os.environ, "PGPASSWORD": "saferplan"},
    )
    env = {
        **os.environ,
        "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + bench_db,
        "SAFERPLAN_DATA": tempfile.mkdtemp(prefix="saferplan-load-"),
    }
    setup = (
        "from saferplan.site.bootstrap import setup_django; setup_django();"
        "from saferplan.plans.demo import load_demo_partnership; load_demo_partnership();"
        "from django.core.management import call_command;"
        "call_command('collectstatic', interactive=False, verbosity=0);"
        "from saferplan.plans.models import StrategyYear, Action;"
        "print(StrategyYear.objects.get().pk, Action.objects.first().pk)"
    )
    year, action = subprocess.run(
        [sys.executable, "-c", setup], check=True, env=env, capture_output=True, text=True
    ).stdout.split()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "saferplan.site.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            "8",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "saferplan.site.settings"},
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        pages = {
            "home": "/",
            "plan": f"/plans/{year}/",
            "overdue": f"/plans/{year}/overdue/",
            "by organisation": f"/plans/{year}/by-organisation/",
            "action": f"/actions/{action}/",
            "baseline: static file": "/static/saferplan.css",
        }
        timings: dict[str, list[float]] = {name: [] for name in pages}
        errors: list[str] = []
        lock = threading.Lock()
        users = ["admin", "analyst", "police-lead", "council-lead", "board"]
        # Sign everyone in first: password hashing is deliberately slow (PBKDF2), and 50
        # sign-ins at once would otherwise be what the page timings measure.
        sessions: list[User] = []
        for n in range(args.users):
            user = User(port)
            user.sign_in(users[n % len(users)], "saferplan-demo")
            sessions.append(user)
        deadline = time.perf_counter() + args.seconds

        def run(n: int) -> None:
            user = sessions[n]
            names = list(pages)
            pause = random.Random(n)
            time.sleep(pause.uniform(0, args.think[1]))  # users arrive spread out
            i = n
            while time.perf_counter() < deadline:
                name = names[i % len(names)]
                i += 1
                try:
                    status, _, elapsed = user.request("GET", pages[name])
                except Exception as exc:
                    with lock:
                        errors.append(f"{name}: {exc}")
                    continue
                with lock:
                    if status != 200:
                        errors.append(f"{name}: HTTP {status}")
                    timings[name].append(elapsed)
                if args.think[1] > 0:
                    time.sleep(pause.uniform(*args.think))

        start = time.perf_counter()
        threads = [threading.Thread(target=run, args=(n,)) for n in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(10)

    def pct(values: list[float], q: float) -> float:
        return (
            statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")
        )

    think = f"think time {args.think[0]:g}-{args.think[1]:g} s" if args.think[1] else "no pauses"
    print(
        f"\n{args.users} signed-in users ({think}), {args.seconds:.0f} s, "
        f"gunicorn {args.workers} workers "
        f"x 8 threads, PostgreSQL, loopback ({os.cpu_count()} cores):"
    )
    print(f"  {'page':<24}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    every: list[float] = []
    for name, values in timings.items():
        if not name.startswith("baseline"):
            every += values
        print(
            f"  {name:<24}{len(values):>9}{pct(values, 50):>9.1f}{pct(values, 95):>9.1f}"
            f"{pct(values, 99):>9.1f}"
        )
    print(
        f"  {'all pages':<24}{len(every):>9}{pct(every, 50):>9.1f}{pct(every, 95):>9.1f}"
        f"{pct(every, 99):>9.1f}"
    )
    base = timings["baseline: static file"]
    print(
        f"  throughput {sum(len(v) for v in timings.values()) / wall:.0f} requests/s; "
        f"errors {len(errors)}{': ' + '; '.join(errors[:5]) if errors else ''}"
    )
    print(
        f"  ratio, page p95 / static-file p95: {pct(every, 95) / pct(base, 95):.1f}x; "
        f"target p95 < 150 ms: {'met' if pct(every, 95) < 150 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
