"""One DuckDB database per catalog a process reads, shared by the connections made to it.

Why: opening a connection creates some twenty-five views over the warehouse's files (each
binding reads a Parquet footer), which cost more than a small question's queries. A catalog
is replaced, never changed in place, so while its file is the same its views are the same:
the first connection builds them in a database the process keeps, and each later one is a
cursor on it (a cursor is a connection of its own to that database: its own transaction
and temporary tables). Kept only when the catalog's rollup is current (a stale rollup is
built per connection, in temporary tables), per warehouse and partnership scope.

What cannot change while the catalog does not (the areas, the months each source covers,
the population sets) is memoised in :func:`memo`, shared by the cursors of one snapshot.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

# Each database has its own threads and caches: a test run opens hundreds of warehouses.
KEEP = 4

Stamp = tuple[int, int, int, int]


@dataclass
class _Snapshot:
    stamp: Stamp
    base: duckdb.DuckDBPyConnection
    files: tuple[Path, ...]  # the rollup's files: a snapshot whose files went is not used
    memo: dict[Any, Any] = field(default_factory=dict)


_LOCK = threading.Lock()
_SNAPSHOTS: OrderedDict[tuple[str, int | None], _Snapshot] = OrderedDict()
_OF_CURSOR: weakref.WeakKeyDictionary[Any, _Snapshot] = weakref.WeakKeyDictionary()
_MEMO: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()


def stamp(path: Path) -> Stamp | None:
    """What identifies one version of the catalog file (it is replaced, so a new inode)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def cursor(root: Path, owner: int | None, seen: Stamp | None) -> duckdb.DuckDBPyConnection | None:
    """A new connection to the kept database of this catalog version, if there is one."""
    if seen is None:
        return None
    with _LOCK:
        snapshot = _SNAPSHOTS.get((str(root), owner))
        if snapshot is None or snapshot.stamp != seen:
            return None
        if not all(f.is_file() for f in snapshot.files):
            return None
        _SNAPSHOTS.move_to_end((str(root), owner))
        return _cursor_of(snapshot)


def keep(
    root: Path,
    owner: int | None,
    seen: Stamp,
    base: duckdb.DuckDBPyConnection,
    files: list[Path],
) -> duckdb.DuckDBPyConnection:
    """Keep ``base`` (its views made, its rollup attached) for this catalog version; returns
    a cursor on it, so that the caller never holds the kept connection itself."""
    base.execute("SET GLOBAL parquet_metadata_cache = true")
    with _LOCK:
        snapshot = _Snapshot(seen, base, tuple(files))
        _SNAPSHOTS[(str(root), owner)] = snapshot
        _SNAPSHOTS.move_to_end((str(root), owner))
        while len(_SNAPSHOTS) > KEEP:
            _SNAPSHOTS.popitem(last=False)
        return _cursor_of(snapshot)


def _cursor_of(snapshot: _Snapshot) -> duckdb.DuckDBPyConnection:
    from saferplan.datastore import rollup

    made = snapshot.base.cursor()
    _OF_CURSOR[made] = snapshot
    rollup.mark_attached(made)
    return made


def memo(con: duckdb.DuckDBPyConnection) -> dict[Any, Any]:
    """A dict for what a connection's catalog determines: shared by every connection to the
    same snapshot, else the connection's own."""
    snapshot = _OF_CURSOR.get(con)
    if snapshot is not None:
        return snapshot.memo
    with _LOCK:
        return _MEMO.setdefault(con, {})


def forget() -> None:
    """Drop every kept database (tests that change files under a catalog in place)."""
    with _LOCK:
        _SNAPSHOTS.clear()


# The parent's databases, in a forked child: never used there, and never destroyed either
# (closing a database waits for its threads, which the child does not have).
_ORPHANS: list[_Snapshot] = []


def _after_fork() -> None:
    """A forked child (a server's worker) has none of the parent's DuckDB threads: it makes
    its own databases, with a lock no thread of the parent may be holding."""
    global _LOCK
    _LOCK = threading.Lock()
    _ORPHANS.extend(_SNAPSHOTS.values())
    _SNAPSHOTS.clear()


os.register_at_fork(after_in_child=_after_fork)
