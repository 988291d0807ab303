"""A real ``kill -9`` of an import at every step of publication leaves the warehouse, its
catalog and the database in agreement; readers see all of the import or none of it; the
next import and a re-import of the same files succeed.

The import runs as ``saferplan import`` in a child process against this test's database;
``SAFERPLAN_TEST_STOP_AT`` makes it stop at the named step and wait to be killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

from saferplan.datastore import rollup
from saferplan.datastore.importing import run_import
from saferplan.datastore.models import ImportRecord
from saferplan.datastore.publishing import STAGING_PREFIX, STOP_ENV
from saferplan.datastore.warehouse import Warehouse
from saferplan.demo import DATA

HARROW = DATA / "police_uk" / "harrow-2018-06-street.csv"
# Two files in one command: two imports, two Parquet files, one transaction.
STEPS = [
    "staged", "placed-1", "placed-2", "before-commit", "after-commit", "rollup-written",
    "after-catalog",
]  # fmt: skip


def _database_url() -> str:
    """The URL of the database this test runs on, for the child process."""
    from django.db import connection

    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    user = f"{quote(s['USER'] or '')}:{quote(s['PASSWORD'] or '')}@" if s["USER"] else ""
    return f"postgres://{user}{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def _split_harrow(folder: Path) -> int:
    """Harrow's June 2018 as two street files of different rows; returns the row count."""
    header, *rows = HARROW.read_text(encoding="utf-8").splitlines(keepends=True)
    folder.mkdir()
    half = len(rows) // 2
    (folder / "2018-06-a-street.csv").write_text(header + "".join(rows[:half]), "utf-8")
    (folder / "2018-06-b-street.csv").write_text(header + "".join(rows[half:]), "utf-8")
    return len(rows)


def _one_month(path: Path, month: str, rows: int) -> Path:
    """A small street file of its own month (its own partition)."""
    header, *body = HARROW.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(header + "".join(r.replace("2018-06", month) for r in body[:rows]), "utf-8")
    return path


def _kill_at(step: str, data: Path, folder: Path) -> None:
    """Run ``saferplan import police-uk folder``, stopped at ``step``, then SIGKILL it."""
    env = {**os.environ, "SAFERPLAN_DATA": str(data), "DATABASE_URL": _database_url()}
    env[STOP_ENV] = step
    child = subprocess.Popen(
        [sys.executable, "-m", "saferplan", "import", "police-uk", str(folder)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    guard = threading.Timer(120, child.kill)  # never hang the suite
    guard.start()
    try:
        assert child.stderr is not None
        said = []
        for line in child.stderr:
            said.append(line)
            if f"stopped at {step}" in line:
                break
        else:
            pytest.fail(f"the import never reached {step}: {''.join(said)[-2000:]}")
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        guard.cancel()
        child.kill()
        child.wait()


def _reader_rows(wh: Warehouse) -> int:
    con = Warehouse(wh.root).connect()  # a fresh reader, as another process would open it
    return con.execute("SELECT count(*) FROM police_uk_records_all").fetchone()[0]


def _rollup_agrees(wh: Warehouse) -> bool:
    """A reader's rolled-up police counts equal its records; True if it read the rollup's files
    (the catalog's rollup was current), False if it built them from the records."""
    con = Warehouse(wh.root).connect()
    attached = con in rollup._READY
    rolled = con.execute("SELECT coalesce(sum(n), 0) FROM _saferplan_police_lsoa").fetchone()[0]
    records = con.execute(
        "SELECT count(*) FROM police_uk_records WHERE lsoa_code IS NOT NULL"
    ).fetchone()[0]
    assert rolled == records
    return attached


def _catalog_uids(wh: Warehouse) -> set[str]:
    return {e.import_uid for e in wh.entries()}


def _database_uids() -> set[str]:
    return {r.uid.hex for r in ImportRecord.objects.exclude(uid=None)}


def _assert_agree(wh: Warehouse) -> None:
    """Catalog and database name the same imports; every file is listed; nothing is left."""
    assert _catalog_uids(wh) == _database_uids()
    on_disk = {p.relative_to(wh.root).as_posix() for p in wh.root.glob("tables/*/*.parquet")}
    assert on_disk == {e.file for e in wh.entries()}
    assert not list(wh.root.glob(f"{STAGING_PREFIX}*"))
    assert not list(wh.root.glob("catalog-*"))
    for entry in wh.entries():
        record = ImportRecord.objects.get(pk=entry.import_id)
        assert record.uid.hex == entry.import_uid  # rows cite their own file


@pytest.mark.parametrize("step", STEPS)
def test_kill_at_each_step_of_publication(step, transactional_db, tmp_path) -> None:
    data = tmp_path / "data"
    wh = Warehouse(data / "warehouse")
    earlier = run_import("police-uk", [_one_month(tmp_path / "earlier-street.csv", "2018-05", 7)],
                         warehouse=wh).imported  # fmt: skip
    folder = tmp_path / "batch"
    batch_rows = _split_harrow(folder)
    assert len(earlier) == 1 and _reader_rows(wh) == 7
    rollup_before = wh.catalog()[1]
    assert _rollup_agrees(wh)

    _kill_at(step, data, folder)

    # The killed command's rollup is named by no catalog but its own: before it, the
    # previous rollup stays, still current for the records readers see.
    if step != "after-catalog":
        assert wh.catalog()[1] == rollup_before
        assert _rollup_agrees(wh)

    # Straight after the crash: the catalog lists no import the database lacks, and a
    # reader sees all of the killed command's rows or none of them.
    assert _catalog_uids(wh) <= _database_uids()
    committed = len(_database_uids()) == 3
    assert committed == (step in ("after-commit", "rollup-written", "after-catalog"))
    assert _reader_rows(wh) in (7, 7 + batch_rows)

    # The next import (recovery runs under its lock) succeeds, and everything agrees.
    after = run_import("police-uk", [_one_month(tmp_path / "next-street.csv", "2018-07", 5)],
                       warehouse=wh).imported  # fmt: skip
    assert len(after) == 1
    _assert_agree(wh)
    assert _rollup_agrees(wh)  # current again, and counting every import listed
    assert _reader_rows(wh) == 7 + 5 + (batch_rows if committed else 0)

    # Re-importing the killed command's files gives their rows exactly once.
    again = run_import("police-uk", [folder], warehouse=wh)
    assert len(again.imported) == (0 if committed else 2)
    _assert_agree(wh)
    assert _reader_rows(wh) == 7 + 5 + batch_rows
    assert ImportRecord.objects.count() == 4


def test_reimport_right_after_a_crash_that_followed_the_commit(transactional_db, tmp_path):
    """Every file already imported, so nothing to write: the run still lists the import."""
    data = tmp_path / "data"
    wh = Warehouse(data / "warehouse")
    folder = tmp_path / "batch"
    rows = _split_harrow(folder)
    _kill_at("after-commit", data, folder)
    assert _reader_rows(wh) == 0 and len(_database_uids()) == 2
    outcome = run_import("police-uk", [folder], warehouse=wh)
    assert outcome.imported == [] and len(outcome.skipped) == 2
    _assert_agree(wh)
    assert _reader_rows(wh) == rows
