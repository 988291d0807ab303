"""Malformed youth justice files, generated: whatever is done to an extract's files, the
import either succeeds whole or refuses with an InputError naming a file of the extract
(and a row inside it where it gives one), storing nothing; never a traceback. The damage is
this module's own (files deleted, columns moved) and the shared strategies of
``datastore.tests.fuzzing``, which also damage published figures and populations."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saferplan.core.errors import InputError
from saferplan.datastore.models import ImportRecord
from saferplan.datastore.tests.fuzzing import FUZZ, check_refused_or_whole, mutated_csv
from saferplan.youthjustice.files import write_tables
from saferplan.youthjustice.models import Child, PopulationByEthnicity, PublishedFigure
from saferplan.youthjustice.spec import COLUMNS, SPEC
from saferplan.youthjustice.store import import_extract
from saferplan.youthjustice.synth import generate_cohort

pytestmark = pytest.mark.django_db

# Cells a case management system or a person might leave: other scripts' digits, control
# characters, quotes, separators, very long text, numbers that are not whole.
AWKWARD = st.one_of(
    st.sampled_from(["", " ", "²", "١٢", "1e3", "-1", "3.0", "NaN", "true", "yes", "0",
                     "2019-02-30", "2019-13", "'", '"', ",", "\r", "\n", "\x00", "é", "None"]),
    st.text(max_size=30),
    st.integers(41, 3000).map(lambda n: "x" * n),
)  # fmt: skip


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, int, object]:
    table = draw(st.sampled_from(list(SPEC)))
    kind = draw(st.sampled_from(
        ["cell", "blank lines", "truncate", "duplicate row", "extra column", "drop column",
         "bytes", "swap columns", "delete file", "empty file"]
    ))  # fmt: skip
    return table, kind, draw(st.integers(0, 10_000)), draw(AWKWARD)


def _apply(folder: Path, table: str, kind: str, n: int, value: object) -> None:
    path = folder / f"{table}.csv"
    data = path.read_bytes()
    lines = data.decode("utf-8", "surrogateescape").split("\n")
    at = 1 + n % max(len(lines) - 1, 1)
    if kind == "cell" and len(lines) > 2:
        cells = lines[at].split(",")
        cells[n % len(cells)] = '"' + str(value).replace('"', '""') + '"'
        lines[at] = ",".join(cells)
    elif kind == "blank lines":
        lines[at:at] = ["", " "][: 1 + n % 2]
    elif kind == "truncate":
        path.write_bytes(data[: n % max(len(data), 1)])
        return
    elif kind == "duplicate row" and len(lines) > 2:
        lines.insert(at, lines[at])
    elif kind == "extra column":
        lines = [line + ("," + str(value).replace(",", "") if line else "") for line in lines]
    elif kind == "drop column":
        lines = [line.rsplit(",", 1)[0] for line in lines]
    elif kind == "bytes":
        cut = n % max(len(data), 1)
        path.write_bytes(data[:cut] + bytes([0x80 + n % 0x7F, 0xFF]) + data[cut:])
        return
    elif kind == "swap columns":
        header = lines[0].split(",")
        header[0], header[-1] = header[-1], header[0]
        lines[0] = ",".join(header)
    elif kind == "delete file":
        path.unlink()
        return
    elif kind == "empty file":
        lines = []
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clean") / "extract"
    write_tables(generate_cohort(children=8, seed=4).tables(), folder)
    return folder


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(changes=st.lists(mutation(), min_size=1, max_size=3))
def test_a_malformed_extract_is_refused_clearly_or_imported_whole(
    partnership, clean: Path, tmp_path: Path, changes: list
) -> None:
    folder = tmp_path / "extract"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(clean, folder)
    for table, kind, n, value in changes:
        if (folder / f"{table}.csv").exists():
            _apply(folder, table, kind, n, value)
    _refused_clearly_or_imported_whole(folder)


def _refused_clearly_or_imported_whole(folder: Path) -> None:
    with transaction.atomic():
        try:
            import_extract(folder)
        except InputError as error:
            assert error.file.startswith(str(folder)), error
            if error.row is not None:
                file = Path(error.file.split(" [sheet")[0])
                data = file.read_bytes() if file.is_file() else b""
                lines = max(data.count(b"\n"), data.count(b"\r")) + 2
                assert 1 <= error.row <= lines, error
            assert len(str(error)) < 1000, str(error)
            assert not Child.objects.exists() and not ImportRecord.objects.exists()
        else:
            _nothing_dropped(folder)
        transaction.set_rollback(True)


def _nothing_dropped(folder: Path) -> None:
    """An extract imported has only known columns (or nameless ones left empty), and every
    child in it is stored."""
    assert ImportRecord.objects.filter(kind="youth-justice").exists()
    for path in folder.glob("*.csv"):
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            rows = [r for r in csv.reader(handle) if any(c.strip() for c in r)]
        assert {h.strip() for h in rows[0]} - {""} <= set(COLUMNS[path.stem]), path.name
        if path.stem == "children":
            assert Child.objects.count() == len(rows) - 1


def _with_records(clean: Path) -> list[str]:
    return [t for t in SPEC if (clean / f"{t}.csv").read_text().count("\n") > 1]


@FUZZ
@given(data=st.data())
def test_a_table_damaged_by_the_shared_strategies(
    partnership, clean: Path, tmp_path: Path, data: st.DataObject
) -> None:
    table = data.draw(st.sampled_from(_with_records(clean)))
    damaged = data.draw(mutated_csv((clean / f"{table}.csv").read_text()))
    folder = tmp_path / "extract"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(clean, folder)
    (folder / f"{table}.csv").write_bytes(damaged)
    _refused_clearly_or_imported_whole(folder)


PUBLISHED = "indicator,area,period,value\nfirst_time_entrants,London,2018-19,221\nuse_of_custody,London,2018-19,0.31\n"
POPULATION = "area,year,ethnic_group,population\nHarrow,2021,White,9000\nHarrow,2021,Asian,7000\n"


@FUZZ
@given(data=st.data())
def test_published_figures_and_populations_damaged(partnership, data: st.DataObject) -> None:
    from saferplan.youthjustice.comparators import (
        import_comparators,
        import_population_by_ethnicity,
    )

    run, valid, model = data.draw(st.sampled_from([
        (import_comparators, PUBLISHED, PublishedFigure),
        (import_population_by_ethnicity, POPULATION, PopulationByEthnicity),
    ]))  # fmt: skip
    with transaction.atomic():
        check_refused_or_whole(
            run, "figures.csv", data.draw(mutated_csv(valid)),
            lambda: (model.objects.count(), ImportRecord.objects.count()),
        )  # fmt: skip
        transaction.set_rollback(True)
