"""saferplan's settings, declared once: each environment variable with its default and meaning.

Code reads settings only through :func:`get` (or :func:`flag`), which refuses a name not
declared here; the README's settings table is generated from :data:`SETTINGS`
(``python -m saferplan.config README.md`` rewrites it), and a test fails when either
drifts. The data directory is resolved here too, so every entry point agrees on it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


SETTINGS = (
    Setting("SAFERPLAN_DATA", "./saferplan-data",
            "The data directory: the database (SQLite), the warehouse, the secret key."),
    Setting("DATABASE_URL", "SQLite in the data directory",
            "The Django database, e.g. `postgres://user:password@host/name`."),
    Setting("SAFERPLAN_SECRET_KEY", "generated and kept in the data directory (mode 600)",
            "Django's secret key, for signing sessions and CSRF tokens."),
    Setting("SAFERPLAN_DEBUG", "0", "`1` shows Django's debug pages: never in production."),
    Setting("SAFERPLAN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]",
            "Host names the web app answers to, comma-separated."),
    Setting("SAFERPLAN_HTTPS", "0",
            "`1` behind a TLS proxy (sending X-Forwarded-Proto): secure cookies, redirect, HSTS."),
    Setting("SAFERPLAN_PROGRESS", "unset",
            "Set (to anything) to show import progress bars when output is not a terminal."),
    Setting("SAFERPLAN_THEMES", "the bundled `crime/themes.toml`",
            "A themes file of your own (named filters over each source's categories)."),
    Setting("SAFERPLAN_TEST_STOP_AT", "unset",
            "Tests only: the step of an import's publication at which it stops and waits."),
    Setting("SAFERPLAN_JOB_HEARTBEAT", "0.5",
            "Seconds between heartbeats of a worker's running job (its progress is written "
            "at most 4 times a second)."),
    Setting("SAFERPLAN_JOB_LOST_AFTER", "30",
            "Seconds without a heartbeat after which a running job's worker is presumed dead "
            "and the next worker marks the job failed."),
    Setting("SAFERPLAN_PASSWORD_LINK_HOURS", "72",
            "Hours a single-use link for setting a password (made by an admin for a new user "
            "or a reset) works, if it is not used first."),
    Setting("SAFERPLAN_UPLOAD_MAX_FILE_MB", "1024",
            "The largest file (in MiB) the web app takes in an upload; a larger one is refused."),
    Setting("SAFERPLAN_UPLOAD_MAX_REQUEST_MB", "2048",
            "The most (in MiB) one upload may hold, all its files together."),
    Setting("SAFERPLAN_UPLOAD_KEEP_HOURS", "24",
            "Hours an upload that is not confirmed, cancelled or being imported is kept before "
            "the worker (or `saferplan uploads clean`) deletes it."),
    Setting("SAFERPLAN_WORKERS", "one per core",
            "Processes that draw a document's charts and maps and lay out its PDF; `1` draws "
            "them in the building process itself."),
)  # fmt: skip
_BY_NAME = {s.name: s for s in SETTINGS}
DATA_ENV = "SAFERPLAN_DATA"
DEFAULT_DATA_DIR = "saferplan-data"


def get(name: str) -> str:
    """The setting's value from the environment, or '' when unset (the default applies)."""
    if name not in _BY_NAME:
        raise KeyError(f"{name} is not a declared setting (declare it in saferplan.config)")
    return os.environ.get(name, "")


def flag(name: str) -> bool:
    return get(name) == "1"


def positive_number(name: str, default: float) -> float:
    """A setting that is a number above 0 (``default`` when unset); anything else is an
    error naming the setting, at start-up rather than when first used."""
    raw = get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        from saferplan.core.errors import SaferplanError

        raise SaferplanError(f"{name} must be a number above 0, not '{raw}'")
    return value


def data_dir() -> Path:
    """The data directory: ``$SAFERPLAN_DATA`` or ``./saferplan-data``, as an absolute path.

    It is created on first use so a fresh checkout works without a set-up step, and it is
    private to the service's user: it holds password hashes, sessions and records about
    children. So the folder is made mode 700, and the process's umask 077, so that every
    file saferplan (or SQLite, for its journal) creates from then on is private too.
    """
    os.umask(0o077)
    path = Path(get(DATA_ENV) or DEFAULT_DATA_DIR).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def warehouse_dir() -> Path:
    """Columnar crime, population and geography facts (Parquet) live here."""
    path = data_dir() / "warehouse"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sqlite_path() -> Path:
    """The embedded Django database used when ``DATABASE_URL`` is not set."""
    return data_dir() / "saferplan.sqlite3"


def settings_table() -> str:
    """The README's table of settings, from :data:`SETTINGS`."""
    rows = [f"| `{s.name}` | {s.default} | {s.meaning} |" for s in SETTINGS]
    return "\n".join(["| setting | default | what it does |", "|---|---|---|", *rows])


def replace_between(text: str, marker: str, body: str) -> str:
    """``text`` with what lies between ``<!-- marker -->`` and ``<!-- /marker -->`` replaced."""
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    head, found, rest = text.partition(start)
    if not found or end not in rest:
        raise ValueError(f"no {start} ... {end} block")
    return f"{head}{start}\n{body}\n{end}{rest.partition(end)[2]}"


if __name__ == "__main__":  # python -m saferplan.config README.md: regenerate the tables
    from saferplan.datastore.kinds import kinds_table

    readme = Path(sys.argv[1])
    text = replace_between(readme.read_text(), "settings", settings_table())
    readme.write_text(replace_between(text, "import-kinds", kinds_table()))
