"""#10 item 9: an Excel workbook is a zip that openpyxl inflates whole, so a "workbook"
whose sheet inflates a thousand-fold (an Excel bomb took 1.2 GB) must be refused before
openpyxl reads it, by the plan and the youth justice readers alike."""

from __future__ import annotations

import io
import zipfile

import pytest

from saferplan.core.errors import InputError
from saferplan.datastore.sources import RATIO_FROM_BYTES, SourceFile


def _bomb() -> bytes:
    """A workbook-shaped zip whose one sheet is 32 MiB of spaces (about 32 KiB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (2 * RATIO_FROM_BYTES))
    return out.getvalue()


def test_a_delivery_plan_workbook_bomb_is_refused_before_it_is_inflated() -> None:
    from saferplan.plans.planfile import read_plan_source

    with pytest.raises(InputError) as refused:
        read_plan_source(SourceFile("plan.xlsx", _bomb()))
    assert "plan.xlsx:xl/worksheets/sheet1.xml" in str(refused.value.file)
    assert "zip bomb" in refused.value.message


def test_a_youth_justice_workbook_bomb_is_refused_before_it_is_inflated() -> None:
    from saferplan.youthjustice.reading import read_workbook

    with pytest.raises(InputError) as refused:
        read_workbook(SourceFile("extract.xlsx", _bomb()), {})
    assert "extract.xlsx:xl/worksheets/sheet1.xml" in str(refused.value.file)
    assert "zip bomb" in refused.value.message


def test_a_plain_workbook_still_reads() -> None:
    """The check lets an ordinary workbook through (the stream is rewound for openpyxl)."""
    from openpyxl import Workbook

    from saferplan.plans.planfile import _sheet_records

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["section", "action"])
    sheet.append(["Violence", "Patrols"])
    data = io.BytesIO()
    book.save(data)
    rows = list(_sheet_records(io.BytesIO(data.getvalue()), "plan.xlsx"))
    assert rows == [(1, ["section", "action"]), (2, ["Violence", "Patrols"])]
