"""Connections to one catalog share its views and memo; a new catalog gets new ones."""

from __future__ import annotations

import os
import signal

from saferplan.datastore import snapshots
from saferplan.demo import DATA

OLDER = DATA / "mps_borough_monthly_2010-04_2021-11.csv"
NEWER = DATA / "mps_borough_monthly_2021-12_2023-11.csv"


def _months(con) -> int:
    return con.execute("SELECT count(DISTINCT period_start) FROM crime_counts").fetchone()[0]


def test_connections_share_a_catalog_until_an_import_replaces_it(import_into, warehouse) -> None:
    import_into("mps", OLDER)
    first, second = warehouse.connect(), warehouse.connect()
    assert first is not second
    assert snapshots.memo(first) is snapshots.memo(second)
    snapshots.memo(first)["seen"] = True
    assert _months(first) == 140  # 2010-04 to 2021-11

    import_into("mps", NEWER)
    after = warehouse.connect()
    assert _months(after) == 164  # the new catalog's rows, not the kept database's
    assert "seen" not in snapshots.memo(after)
    assert _months(first) == 140  # a connection keeps the catalog it was made with


def test_a_forked_child_makes_its_own_database(import_into, warehouse) -> None:
    import_into("mps", OLDER)
    parent = warehouse.connect()
    snapshots.memo(parent)["seen"] = True
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if it was not handed the parent's database
        code = 1
        signal.alarm(60)  # a child that hangs in the parent's database is ended, not waited on
        try:
            child = warehouse.connect()
            code = 0 if "seen" not in snapshots.memo(child) and _months(child) == 140 else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
