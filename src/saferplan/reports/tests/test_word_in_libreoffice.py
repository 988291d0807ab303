"""The Word files as a real word processor lays them out: LibreOffice, converted to PDF.

#11.23: opened in LibreOffice, the tables had equal narrow columns ("Burglar / y",
"823,38 / 1") and the contents page only said "Right-click and choose Update Field". Here
every table row of every generated document must come out on one line of the PDF, each
figure whole, and the contents must list every theme.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from saferplan.reports import document
from saferplan.reports.tests.conftest import EDITIONS, FULL

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (libreoffice-writer-nogui) and pdftotext (poppler-utils)",
)


@pytest.fixture(scope="module")
def converted(built_reports, tmp_path_factory) -> list[tuple[dict, str]]:
    """Every full build's Word file, converted in one LibreOffice run, as (bundle, PDF text)."""
    folders = [built_reports(area, year, edition) for area, year in FULL for edition in EDITIONS]
    work = tmp_path_factory.mktemp("libreoffice")
    names = []
    for i, folder in enumerate(folders):
        name = work / f"doc-{i}.docx"
        shutil.copy(folder / "strategic-assessment.docx", name)
        names.append(name)
    env = {**os.environ, "HOME": str(work)}
    subprocess.run([str(SOFFICE), "--headless", "--norestore",
                    f"-env:UserInstallation=file://{work / 'profile'}", "--convert-to", "pdf",
                    "--outdir", str(work), *map(str, names)],
                   check=True, capture_output=True, env=env, timeout=600)  # fmt: skip
    out = []
    for folder, name in zip(folders, names, strict=True):
        pdf = name.with_suffix(".pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout  # fmt: skip
        out.append((json.loads((folder / "figures.json").read_text()), text))
    return out


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_every_table_row_is_whole_on_one_line(converted) -> None:
    for data, text in converted:
        lines = _lines(text)
        doc = document.build(data)
        tables = [b for s in doc.sections for b in s.blocks if isinstance(b, document.Table)]
        assert len(tables) == len(data["themes"]) + 1
        for table in tables:
            for row in table.rows:
                wanted = " ".join(" ".join(cell.split()) for cell in row)
                assert any(wanted in line for line in lines), (data["area"], wanted)


def test_every_figure_of_the_bundle_appears_whole(converted) -> None:
    for data, text in converted:
        tokens = set(text.split())
        for theme in data["themes"]:
            for row in theme["table"]:
                for key in ("count_baseline", "count_period"):
                    assert f"{row[key]:,}" in tokens, (data["area"], theme["key"], row[key])
                for key in ("rate_baseline", "rate_period"):
                    assert row[key] is None or row[key] in tokens


def test_the_contents_list_every_theme(converted) -> None:
    for data, text in converted:
        lines = _lines(text)
        start = lines.index("Contents")
        end = lines.index("Data and methods", start)
        listed = lines[start + 1 : end + 1]
        assert listed == ["Key findings", *[t["title"] for t in data["themes"]], "Data and methods"]
        assert not any("Update Field" in line for line in lines)
