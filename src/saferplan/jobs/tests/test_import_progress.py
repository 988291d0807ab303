"""An import job reports progress in every phase its page shows (reading, storing in the
warehouse, building the rollup, publishing), not only while it reads; and a stop asked for
at any of those reports stores nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from saferplan.datastore.models import ImportRecord
from saferplan.datastore.warehouse import Warehouse
from saferplan.jobs.context import Cancelled, JobContext
from saferplan.jobs.kinds import import_files
from saferplan.jobs.tests.helpers import police_uk_folder

PHASES = ["reading files", "storing in the warehouse", "building the rollup",
          "publishing the catalog", "done"]  # fmt: skip


class RecordingContext(JobContext):
    """A job context that remembers every progress report, in order; optionally asks for
    the job to be cancelled at the first report whose phase starts with ``cancel_at``."""

    def __init__(self, cancel_at: str | None = None) -> None:
        super().__init__(1, "import", {}, requested_by="analyst")
        self.reports: list[tuple[str, float | None]] = []
        self.cancel_at = cancel_at

    def progress(self, phase=None, *, percent=None, rows=None) -> None:  # type: ignore[no-untyped-def]
        if self.cancel_at and (phase or "").startswith(self.cancel_at):
            self.cancel_requested.set()
        try:
            super().progress(phase, percent=percent, rows=rows)
        finally:
            now = self.snapshot()
            self.reports.append((now.phase, now.percent))


@pytest.fixture
def data(db, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SAFERPLAN_DATA", str(tmp_path / "data"))
    return tmp_path / "data"


def _phase(shown: str) -> str:
    return shown.split(":", 1)[0]


def test_an_import_job_reports_progress_in_each_phase_with_a_rising_bar(data, tmp_path) -> None:
    folder = police_uk_folder(tmp_path / "in", 3, rows=50)
    context = RecordingContext()
    import_files(context, kind="police-uk", paths=[str(folder)])
    assert list(dict.fromkeys(_phase(p) for p, _ in context.reports)) == PHASES
    shown = [p for p, _ in context.reports]
    # Storing counts the rows it writes (every import's) and the files it places; the
    # rollup its steps.
    written = [p for p in shown if p.endswith("rows written")]
    assert written[-1] == "storing in the warehouse: 150 of 150 rows written"
    placed = [p for p in shown if p.endswith("files placed")]
    assert placed == [f"storing in the warehouse: {n} of 3 files placed" for n in (1, 2, 3)]
    rollup = [p for p in shown if p.startswith("building the rollup")]
    assert len(set(rollup)) > 5
    last = re.fullmatch(r"building the rollup: (\d+) of (\d+) steps done", rollup[-1])
    assert last and last.group(1) == last.group(2)
    percents = [p for _, p in context.reports if p is not None]
    assert percents == sorted(percents) and percents[-1] == 100
    # The reading phase's bar stops where storing takes over; each later phase moves it on.
    last_read = max(p for s, p in context.reports if s == "reading files" and p is not None)
    assert 0 < last_read < min(p for s, p in context.reports if s.startswith("building") and p)
    assert ImportRecord.objects.count() == 3


@pytest.mark.parametrize("phase", ["storing in the warehouse", "building the rollup",
                                   "publishing the catalog"])  # fmt: skip
def test_a_cancellation_at_a_storing_report_stores_nothing(data, tmp_path, phase) -> None:
    folder = police_uk_folder(tmp_path / "in", 3, rows=50)
    context = RecordingContext(cancel_at=phase)
    with pytest.raises(Cancelled):
        import_files(context, kind="police-uk", paths=[str(folder)])
    assert _phase(context.reports[-1][0]) == phase  # it stopped at that report
    assert not ImportRecord.objects.exists()
    warehouse = Warehouse(data / "warehouse")
    assert warehouse.entries() == []
    assert not list((data / "warehouse" / "tables").rglob("*.parquet"))


def test_a_long_rollup_statement_reports_its_progress_and_a_stop_interrupts_it() -> None:
    import duckdb

    from saferplan.datastore.rollup import _execute_reporting

    class Stop(BaseException):
        pass

    shares: list[float] = []

    def report(share: float) -> None:
        shares.append(share)
        if len(shares) == 2:
            raise Stop  # as a cancelled job's report does

    con = duckdb.connect()
    long = ("CREATE TEMP TABLE pairs AS SELECT sum(a.range * b.range) AS s "
            "FROM range(100000) a, range(100000) b")  # fmt: skip
    with pytest.raises(Stop):
        _execute_reporting(con, long, report)
    assert len(shares) == 2 and all(0 <= s <= 1 for s in shares)
    assert not con.execute("SELECT * FROM duckdb_tables() WHERE table_name = 'pairs'").fetchall()
    # The connection is still usable afterwards.
    _execute_reporting(con, "CREATE TEMP TABLE one AS SELECT 1 AS x", report)
    assert con.execute("SELECT x FROM one").fetchall() == [(1,)]
