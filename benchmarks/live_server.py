"""The real server for benchmarks: ``saferplan serve`` (gunicorn and its jobs worker) on
loopback, over SQLite in a fresh data directory or a fresh PostgreSQL database, and a
signed-in HTTP user that can stream a multipart upload from disk.

Shared by load.py and upload_import.py; standard library only on the client side, so the
client costs the same whatever the server does.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "saferplan-demo"
CHUNK = 1 << 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_env(database: str, name: str = "saferplan_bench") -> dict[str, str]:
    """Environment for a fresh database: a new data directory, and for PostgreSQL a new
    database on the project's test server (scripts/postgres.sh)."""
    env = {**os.environ, "SAFERPLAN_DATA": tempfile.mkdtemp(prefix="saferplan-bench-")}
    env.pop("DATABASE_URL", None)
    if database == "postgres":
        url = (
            subprocess.run(
                [str(ROOT / "scripts" / "postgres.sh")], check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        admin = url.rsplit("/", 1)[0] + "/postgres"
        pg = {**os.environ, "PGPASSWORD": "saferplan"}
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", admin, "-qc", sql], check=True, env=pg)
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    return env


def load_demo(env: dict[str, str]) -> dict[str, str]:
    """Migrate, load the demo partnership; the ids the pages need."""
    setup = (
        "from saferplan.site.bootstrap import setup_django; setup_django();"
        "from saferplan.accounts.tenancy import across_partnerships;"
        "from saferplan.plans.demo import load_demo_partnership;"
        "from saferplan.plans.models import StrategyYear, Action;"
        "scope = across_partnerships(); scope.__enter__(); load_demo_partnership();"
        "print(StrategyYear.objects.get().pk, Action.objects.order_by('pk').first().pk)"
    )
    done = subprocess.run(
        [sys.executable, "-c", setup], check=True, env=env, capture_output=True, text=True
    )
    year, action = done.stdout.split()[-2:]
    return {"year": year, "action": action}


class Server:
    """``saferplan serve`` as a child process group, stopped (SIGTERM) on exit."""

    def __init__(
        self,
        env: dict[str, str],
        workers: int,
        threads: int | None,
        worker_nice: int | None = None,
    ) -> None:
        self.port = free_port()
        command = [
            sys.executable,
            "-m",
            "saferplan",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
        ]
        if threads is not None:
            command += ["--threads", str(threads)]
        if worker_nice is not None:
            command += ["--worker-nice", str(worker_nice)]
        self.log = Path(env["SAFERPLAN_DATA"]) / "serve.log"
        with self.log.open("wb") as log:  # a file, not a pipe nobody drains
            self.process = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True
            )
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        for _ in range(600):
            if self.process.poll() is not None:
                raise SystemExit(f"saferplan serve stopped: {self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("saferplan serve did not start listening within a minute")

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


class User:
    """One browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, float, dict[str, str]]:
        """One request; a keep-alive connection the server closed is reopened and the request
        sent again once, as browsers do (not for a streamed body, which cannot be resent)."""
        try:
            return self._request(method, path, body, headers or {})
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if body is not None and not isinstance(body, str | bytes):
                raise
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            return self._request(method, path, body, headers or {})

    def _request(
        self, method: str, path: str, body: Any, extra: dict[str, str]
    ) -> tuple[int, str, float, dict[str, str]]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/"
        headers.update(extra)
        start = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - start
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, elapsed, dict(response.getheaders())

    def csrf_token(self, path: str) -> str:
        _, page, _, _ = self.request("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {path}"
        return token.group(1)

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        fields = {
            "csrfmiddlewaretoken": self.csrf_token("/sign-in/"),
            "username": username,
            "password": password,
            "next": "/",
        }
        status, _, _, _ = self.request("POST", "/sign-in/", urllib.parse.urlencode(fields))
        assert status == 302, f"sign-in failed with {status}"

    def upload(self, kind: str, path: Path) -> int:
        """POST ``path`` to /imports/new/ as a browser would, streamed from disk in 1 MiB
        chunks; the queued job's id."""
        fields = {"csrfmiddlewaretoken": self.csrf_token("/imports/new/"), "kind": kind}
        boundary = uuid.uuid4().hex
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; '
            f'filename="{path.name}"\r\nContent-Type: text/csv\r\n\r\n'
        )
        tail = f"\r\n--{boundary}--\r\n".encode()
        length = len(head.encode()) + path.stat().st_size + len(tail)

        def body() -> Iterator[bytes]:
            yield head.encode()
            with path.open("rb") as source:
                while chunk := source.read(CHUNK):
                    yield chunk
            yield tail

        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
        }
        status, page, _, got = self.request("POST", "/imports/new/", body(), headers)
        location = got.get("Location", "")
        found = re.search(r"/jobs/(\d+)/", location)
        assert status == 302 and found, f"upload refused ({status}): {page[:500]}"
        return int(found.group(1))

    def job(self, job_id: int) -> dict[str, Any]:
        status, text, _, _ = self.request("GET", f"/jobs/{job_id}/progress.json")
        assert status == 200, f"job {job_id}: HTTP {status}"
        found: dict[str, Any] = json.loads(text)
        return found
