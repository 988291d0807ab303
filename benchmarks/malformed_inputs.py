"""A corpus of malformed files through every warehouse importer, and the tally of outcomes.

    .venv/bin/python benchmarks/malformed_inputs.py [--fuzz 100] [--bomb-mib 1024]

Runs, in one process with a throw-away data directory (SQLite): the bad inputs of issue #10
for each importer (not CSV at all, NUL bytes, mixed encodings, a 10 MB cell, counts beyond
64 bits, Arabic-Indic digits, NaN coordinates, ZZ999 codes, out-of-range options, Rich
markup and escape sequences, a file of another kind, a named pipe, a zip bomb), then
``--fuzz`` damaged copies of valid files per importer (drawn, always the same, from
``src/saferplan/datastore/tests/fuzzing.py``). Each outcome is one of:

  refused        a SaferplanError naming the file; nothing stored
  imported       (fuzz cases only) the damage was harmless and the file imported whole
  ACCEPTED       a known-bad file imported without a word
  TRACEBACK      any other exception
  PARTIAL        an error, but the catalog, files or import records changed
  HANG           took longer than --timeout (a named pipe waited on)
  BAD MESSAGE    refused, but the message does not name the file or runs past 1,000 chars
  CLI TRACEBACK  the refusal crashes the CLI's error printer (Rich markup)
  UNSAFE OUTPUT  the CLI prints a file's escape sequences or control characters

To compare with an older checkout, put its ``src`` first on the path; the fuzz strategies
are always read from this checkout:

    PYTHONPATH=/path/to/old/src .venv/bin/python benchmarks/malformed_inputs.py

``--measure-bomb`` also imports the zip bomb in a fresh process and reports its time and
peak memory.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib.util
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FUZZING = ROOT / "src" / "saferplan" / "datastore" / "tests" / "fuzzing.py"

POLICE = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context\n"
    "abc123,2018-06,Metropolitan Police Service,Metropolitan Police Service,-0.30,51.62,"
    "On or near Kerry Court,E01002112,Harrow 001A,Burglary,Under investigation,\n"
)
MPS = "MajorText,MinorText,LookUp_BoroughName,201801,201802\nBurglary,Domestic,Harrow,12,9\n"
MPS_WARD = (
    "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202201\n"
    "Burglary,Domestic,Canons,E05013554,Harrow,3\n"
)
LSOA_ANNUAL = (
    "LSOA11CD,LSOA11NM,MSOA11CD,MSOA11NM,LAD11CD,LAD11NM,2018,2019\n"
    "E01002112,Harrow 001A,E02000001,Harrow 001,E09000015,Harrow,5,7\n"
)
POPULATION = (
    "LSOA11CD,LSOA11NM,LAD11CD,LAD11NM,Persons_All-Ages,Persons_0-15\n"
    "E01002112,Harrow 001A,E09000015,Harrow,1500,300\n"
)
LOOKUP = (
    "LSOA11CD,LSOA11NM,WD22CD,WD22NM,LAD22CD,LAD22NM\n"
    "E01002112,Harrow 001A,E05013554,Canons,E09000015,Harrow\n"
)
SQUARE = "POLYGON ((515000 190000, 515100 190000, 515100 190100, 515000 190000))"
BOUNDARIES = f'LSOA11CD,LSOA11NM,geometry\nE01002112,Harrow 001A,"{SQUARE}"\n'
# kind -> (file name, valid content, a value in row 2 to damage)
VALID = {
    "police-uk": ("2018-06-test-street.csv", POLICE, "On or near Kerry Court"),
    "mps": ("mps.csv", MPS, "Domestic"),
    "lsoa-annual": ("london-major-burglary.csv", LSOA_ANNUAL, "E02000001"),
    "population": ("population_mid2019.csv", POPULATION, "Harrow 001A"),
    "lookup": ("lookup.csv", LOOKUP, "Canons"),
    "boundaries": ("lsoa.csv", BOUNDARIES, "Harrow 001A"),
}
HOSTILE_TEXT = [
    "[/bold]", "[link=https://evil.example]click[/link]", "\x1b[2J\x1b[31mred",
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07", "bell\x07\rback\u202e",
]  # fmt: skip


@dataclass
class Case:
    kind: str
    label: str
    name: str
    data: bytes | None  # None: ``make`` creates the path
    options: dict[str, Any] = field(default_factory=dict)
    bad: bool = True  # known bad: importing it is a silent acceptance
    make: Callable[[Path], Path] | None = None


def _cell(kind: str, old: str, new: str, text: str | None = None) -> bytes:
    source = text or VALID[kind][1]
    assert old in source, (kind, old)
    return source.replace(old, new).encode()


def _workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["MajorText", "MinorText", "LookUp_BoroughName", "201801"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return out.getvalue()


def _fifo(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        os.mkfifo(path)
        return path

    return make


def file_cases(kind: str) -> list[Case]:
    """What every CSV importer must refuse: files that are not CSV text, or broken text."""
    name, text, value = VALID[kind]
    header, row = text.splitlines(keepends=True)
    mixed = (header + row.replace(value, "Café")).encode() + row.replace(value, "Café").encode(
        "cp1252"
    )
    raw = {
        "empty file": b"",
        "white space only": b"  \r\n\r\n",
        "header only": header.encode(),
        "Excel workbook": _workbook(),
        "UTF-16 with BOM": text.encode("utf-16"),
        "UTF-16 without BOM": text.encode("utf-16-le"),
        "binary data": random.Random(1).randbytes(4000),
        "PDF": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "HTML page": b"<!DOCTYPE html>\n<html><body>Not found</body></html>\n",
        "gzip of a valid file": gzip.compress(text.encode()),
        "zip of a valid file": _zipped("x.csv", text.encode()),
        "NUL byte in a cell": _cell(kind, value, value[:2] + "\x00" + value[2:]),
        "UTF-8 and Windows-1252 mixed": mixed,
        "10 MB cell": _cell(kind, value, "x" * (10 << 20)),
        "last row cut short": text.encode()[: len(header) + len(row) // 2],
    }
    cases = [Case(kind, label, name, data) for label, data in raw.items()]
    for i, hostile in enumerate(HOSTILE_TEXT):
        renamed = header.replace(header.split(",")[0], hostile, 1)
        cases.append(Case(kind, f"markup/escapes in a column name ({i})", name,
                          (renamed + row).encode()))  # fmt: skip
    cases.append(Case(kind, "named pipe", name, None, make=_fifo(name)))
    for other, (other_name, other_text, _) in VALID.items():
        if other != kind:
            as_name = (
                name if kind != "lsoa-annual" else other_name.replace(".csv", "-major-burglary.csv")
            )
            cases.append(Case(kind, f"a {other} file", as_name, other_text.encode()))
    return cases


def value_cases() -> list[Case]:
    """The issue's bad values, each where its importer reads it."""
    out: list[Case] = []

    def add(kind: str, label: str, old: str, new: str, text: str | None = None, **options: Any):
        out.append(Case(kind, label, VALID[kind][0], _cell(kind, old, new, text), options))

    for month in ["[/bold]", "[link=https://evil.example]click[/link]", "٢٠١٨-06", "\x1b[2J"]:
        add("police-uk", f"month {month!r}", "2018-06", month)
    for lon in ["nan", "inf", "1e400"]:
        add("police-uk", f"longitude {lon}", "-0.30", lon)
    for code in ["ZZ999", "E01٠٠٢١١٢"]:
        add("police-uk", f"LSOA code {code}", "E01002112", code)
    add("police-uk", "a month of 5,000 characters", "2018-06", "9" * 5000)
    for count in ["1e20", "9.3e18", "99999999999999999999", "١٢", "-1", "nan", "1.5"]:
        add("mps", f"count {count}", ",12,", f",{count},")
        add("population", f"population {count}", "1500", count)
    add("mps", "ward code ZZ999", "E05013554", "ZZ999", MPS_WARD)
    add("mps", "month heading [/bold]", "201802", "[/bold]")
    for count in ["1e20", "٥"]:
        add("lsoa-annual", f"count {count}", ",5,", f",{count},")
    add("lsoa-annual", "LSOA code ZZ999", "E01002112", "ZZ999")
    add("population", "LSOA code ZZ999", "E01002112", "ZZ999")
    add("population", "LAD code ZZ999", "E09000015", "ZZ999")
    out.append(Case("population", "--year 3000000000", "population.csv", POPULATION.encode(),
                    {"year": 3000000000}))  # fmt: skip
    for column, code in [("E01002112", "ZZ999"), ("E05013554", "ZZ999"), ("E09000015", "ZZ999"),
                         ("E01002112", "E01٠٠٢١١٢")]:  # fmt: skip
        add("lookup", f"code {code} for {column}", column, code)
    add("boundaries", "WKT POINT (nan nan)", SQUARE, "POINT (nan nan)")
    add("boundaries", "WKT polygon with a NaN vertex", "515100 190000", "515100 nan")
    add("boundaries", "area code ZZ999", "E01002112", "ZZ999")
    out.append(Case("boundaries", "--crs EPSG:999999", "lsoa.csv", BOUNDARIES.encode(),
                    {"crs": "EPSG:999999"}))  # fmt: skip
    out.append(Case("boundaries", "Excel workbook named .json", "wards.json", _workbook()))
    out.append(Case("boundaries", "CSV named .geojson", "wards.geojson", BOUNDARIES.encode()))
    return out


def bomb_case(mib: int) -> Case:
    def make(folder: Path) -> Path:
        path = folder / "bomb.zip"
        with (
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z,
            z.open("2018-06/2018-06-metropolitan-street.csv", "w", force_zip64=True) as member,
        ):
            for _ in range(mib):
                member.write(bytes(1 << 20))
        return path

    return Case("police-uk", f"zip bomb ({mib:,} MiB of zeros)", "bomb.zip", None, make=make)


def fuzz_cases(per_kind: int) -> list[Case]:
    """Damaged copies of the valid files, the same ones every run."""
    spec = importlib.util.spec_from_file_location("fuzzing", FUZZING)
    assert spec and spec.loader
    fuzzing = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzzing)
    from hypothesis import HealthCheck, given, settings

    out: list[Case] = []
    for kind, (name, text, _) in VALID.items() if per_kind > 0 else ():
        drawn: list[bytes] = []

        @settings(max_examples=per_kind, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(fuzzing.mutated_csv(text))
        def collect(data: bytes) -> None:
            drawn.append(data)  # noqa: B023 - collected before the loop moves on

        collect()
        out += [Case(kind, "fuzz", name, data, bad=False) for data in drawn]
    return out


@dataclass
class Outcome:
    verdict: str
    detail: str = ""


def run_case(case: Case, work: Path, timeout: float) -> Outcome:
    from saferplan.core.errors import SaferplanError
    from saferplan.datastore.importing import run_import
    from saferplan.datastore.models import ImportRecord
    from saferplan.datastore.warehouse import Warehouse

    folder = Path(tempfile.mkdtemp(dir=work))
    try:
        path = case.make(folder) if case.make else folder / case.name
        if case.data is not None:
            path.write_bytes(case.data)
        wh = Warehouse(folder / "warehouse")
        before = _state(wh, ImportRecord)
        unblock = threading.Timer(timeout, _open_for_writing, [path])
        unblock.start()
        started = time.perf_counter()
        try:
            run_import(case.kind, [path], options=case.options, warehouse=wh)
        except SaferplanError as error:
            return _judge_refusal(error, path, wh, before, time.perf_counter() - started, timeout)
        except Exception as error:  # the point of the tally: count them
            return Outcome("TRACEBACK", f"{type(error).__name__}: {str(error)[:120]}")
        finally:
            unblock.cancel()
        if time.perf_counter() - started >= timeout:
            return Outcome("HANG")
        return Outcome("ACCEPTED" if case.bad else "imported")
    finally:
        ImportRecord.objects.all().delete()
        shutil.rmtree(folder, ignore_errors=True)


def _judge_refusal(
    error: Any, path: Path, wh: Any, before: Any, took: float, timeout: float
) -> Outcome:
    from saferplan.datastore.models import ImportRecord

    message = str(error)
    if took >= timeout:
        return Outcome("HANG", message[:120])
    if _state(wh, ImportRecord) != before:
        return Outcome("PARTIAL", message[:120])
    if str(path) not in message or len(message) > 1000:
        return Outcome("BAD MESSAGE", message[:120])
    return _judge_printing(error) or Outcome("refused", message[:120])


def _judge_printing(error: Any) -> Outcome | None:
    """Print the error as the CLI does, on a colour terminal; judge what reaches it."""
    import typer
    from rich.console import Console

    from saferplan.cli import output

    screen = io.StringIO()
    original = output.err_console
    output.err_console = Console(file=screen, force_terminal=True, width=200)
    try:
        with output.friendly_errors():
            raise error
    except typer.Exit:
        pass
    except Exception as crash:
        return Outcome("CLI TRACEBACK", f"{type(crash).__name__}: {str(crash)[:100]}")
    finally:
        output.err_console = original
    shown = re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue())  # Rich's own colours
    if re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", shown):
        return Outcome("UNSAFE OUTPUT", repr(shown[:100]))
    return None


def _state(wh: Any, records: Any) -> tuple[Any, ...]:
    catalog = wh.catalog_path.read_bytes() if wh.catalog_path.exists() else None
    files = sorted(str(p) for p in wh.root.rglob("*.parquet"))
    return catalog, files, records.objects.count()


def _open_for_writing(path: Path) -> None:
    """Ends a wait on a named pipe (the reader then sees its end)."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


VERDICTS = ["refused", "imported", "ACCEPTED", "TRACEBACK", "PARTIAL", "HANG", "BAD MESSAGE",
            "CLI TRACEBACK", "UNSAFE OUTPUT"]  # fmt: skip


def report(results: list[tuple[Case, Outcome]], verbose: bool) -> None:
    by_kind: dict[str, Counter[str]] = {}
    for case, outcome in results:
        by_kind.setdefault(case.kind, Counter())[outcome.verdict] += 1
        if verbose or outcome.verdict not in ("refused", "imported"):
            print(f"  {outcome.verdict:<14} {case.kind:<12} {case.label[:48]:<48} {outcome.detail}")
    print(f"\n{'kind':<12} {'cases':>6} " + " ".join(f"{v:>9}"[:9] for v in VERDICTS))
    total: Counter[str] = Counter()
    for kind, counts in by_kind.items():
        total += counts
        print(
            f"{kind:<12} {sum(counts.values()):>6} " + " ".join(f"{counts[v]:>9}" for v in VERDICTS)
        )
    print(f"{'all':<12} {sum(total.values()):>6} " + " ".join(f"{total[v]:>9}" for v in VERDICTS))
    failures = sum(total[v] for v in VERDICTS[2:])
    print(f"\n{sum(total.values())} cases; {failures} not refused cleanly "
          f"({total['TRACEBACK'] + total['CLI TRACEBACK']} tracebacks, {total['PARTIAL']} partial "
          f"imports, {total['ACCEPTED']} silently accepted, {total['HANG']} hangs).")  # fmt: skip


def measure_bomb(mib: int, work: Path) -> None:
    """Import the bomb in a fresh process: its time and peak memory (max RSS), beside the
    same for a small valid archive (the cost of starting up)."""
    folder = work / "bomb"
    folder.mkdir()
    small = folder / "small.zip"
    small.write_bytes(_zipped("2018-06/2018-06-metropolitan-street.csv", POLICE.encode()))
    for label, path in [("small valid zip", small), ("zip bomb", bomb_case(mib).make(folder))]:  # type: ignore[misc]
        took, peak, said = _child_import(path, work / f"data-{path.stem}")
        print(f"{label}: {path.stat().st_size:,} bytes: {took:.1f} s, "
              f"peak memory {peak:,.0f} MB\n  {said}")  # fmt: skip


def _child_import(path: Path, data: Path) -> tuple[float, float, str]:
    """Import ``path`` in a fresh process; its seconds, peak memory in MB and outcome.

    The peak is the child's own VmHWM: it starts afresh at exec, where the rusage maximum
    would also count this process's pages the child shared before it.
    """
    script = (
        "import re, sys; from saferplan.site.bootstrap import setup_django; setup_django()\n"
        "from saferplan.datastore.importing import run_import\n"
        "try:\n    said = str(run_import('police-uk', [sys.argv[1]]).imported)\n"
        "except Exception as e:\n    said = f'{type(e).__name__} {str(e)[:150]}'\n"
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)); print(said)\n"
    )
    env = {**os.environ, "SAFERPLAN_DATA": str(data)}
    env.pop("DATABASE_URL", None)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, str(path)], env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    peak, said = done.stdout.strip().split("\n", 1)
    return time.perf_counter() - started, int(peak) / 1024, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fuzz", type=int, default=100, help="damaged files per importer")
    parser.add_argument("--bomb-mib", type=int, default=1024)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds before a hang")
    parser.add_argument("--measure-bomb", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="list every case")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="saferplan-malformed-"))
    os.environ["SAFERPLAN_DATA"] = str(work / "data")
    os.environ.pop("DATABASE_URL", None)
    from saferplan.site.bootstrap import setup_django

    setup_django()
    import saferplan

    print(f"saferplan from {Path(saferplan.__file__).parent}")
    cases = [c for kind in VALID for c in file_cases(kind)] + value_cases()
    cases += [bomb_case(args.bomb_mib), *fuzz_cases(args.fuzz)]
    try:
        results = [(case, run_case(case, work, args.timeout)) for case in cases]
        report(results, args.verbose)
        if args.measure_bomb:
            measure_bomb(args.bomb_mib, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
