"""The printed Youth Justice Plan looks like a council document, checked page by page with
poppler: page 1 is the title page and nothing else, the contents page lists the numbered
sections, no page ends with a table's header row cut from its rows (a long table repeats
its header on the next page), and every chart is printed at a readable width."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from saferplan.documents import build
from saferplan.documents.demo import load_demo_text
from saferplan.documents.tests.test_build import AS_AT, YEAR

pytestmark = pytest.mark.django_db
A4_WIDTH_POINTS = 595.28
CHART_SHARE = 0.5  # a chart spans at least half the page's width


def large_board(partnership) -> None:
    """A board of 45 members, so that its table runs over more than one page."""
    from saferplan.governance.models import Attendance, Body, BodyMember, Meeting

    body = Body.objects.create(partnership=partnership, name="YOT Management Board",
                               kind=Body.Kind.YOT_BOARD)  # fmt: skip
    meeting = Meeting.objects.create(body=body, held_on=date(2018, 9, 1))
    for i in range(45):
        member = BodyMember.objects.create(body=body, person=f"Member {i + 1:02d}",
                                           role="Member", organisation=f"Partner {i % 9}")  # fmt: skip
        Attendance.objects.create(meeting=meeting, member=member, status="present")


def test_the_printed_plan_looks_like_a_council_document(demo, tmp_path: Path) -> None:
    """One build (the slow part), checked three ways."""
    load_demo_text(YEAR)
    large_board(demo)
    built = build.write("youth-justice-plan", YEAR, tmp_path, generated=AS_AT)
    pdf = tmp_path / "youth-justice-plan.pdf"
    title_and_contents(built.data, pdf)
    headers_kept_with_rows(built.data, pdf)
    charts_readable(built.data, pdf)


def page_texts(pdf: Path) -> list[str]:
    """Each page's text as poppler reads it (pages split at form feeds)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return out.split("\f")[:-1]


def body_lines(page: str, title: str) -> list[str]:
    """A page's lines without its running footer (the title, and "Page n")."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return [line for line in lines if not re.fullmatch(rf"{re.escape(title)}\s+Page \d+", line)]


def header_words(columns: list[str]) -> set[str]:
    return {word for column in columns for word in column.split()}


def is_header(lines: list[str], words: set[str]) -> bool:
    """Whether these lines are a table's header row and nothing else (poppler wraps a
    header's cells over several lines, so the words are compared, not the lines)."""
    seen = {word for line in lines for word in line.split()}
    return bool(lines) and seen == words


def header_run(lines: list[str], words: set[str]) -> list[str]:
    """The longest run of lines (in the order given) made only of the header's words."""
    run = []
    for line in lines:
        if not set(line.split()) <= words:
            break
        run.append(line)
    return run


def tables(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for s in data["sections"] for p in s["parts"] if p["kind"] == "table" and p["rows"]]


def title_and_contents(data: dict[str, Any], pdf: Path) -> None:
    """Page 1 is the title page and nothing else; page 2 lists the numbered sections."""
    pages = page_texts(pdf)
    first = " ".join(pages[0].split())
    assert data["title"] in first
    for s in data["sections"]:
        assert s["heading"] not in first, s["heading"]  # nothing of the body
    assert "Contents" not in first
    contents = " ".join(pages[1].split())
    assert contents.startswith("Contents")
    for s in data["sections"]:
        # "3. Resources and value for money .......... 7": numbered, with its page.
        assert re.search(rf"{s['number']}\. {re.escape(s['heading'])}[ .]*\d+", contents), s


def headers_kept_with_rows(data: dict[str, Any], pdf: Path) -> None:
    """No page ends with a table's header; a table run over a page repeats its header."""
    pages = [body_lines(p, data["title"]) for p in page_texts(pdf)]
    flat = [" ".join(" ".join(lines).split()) for lines in pages]
    spanning = 0
    for t in tables(data):
        words = header_words(t["columns"])
        for n, lines in enumerate(pages, start=1):
            assert lines, f"page {n} is empty"
            ending = list(reversed(header_run(list(reversed(lines)), words)))
            assert not is_header(ending, words), (t["title"], n, lines[-4:])
        # A table whose last row is printed on a later page than its caption repeats its
        # header at the top of each page it runs on to.
        first = next(n for n, lines in enumerate(pages) if n > 1 and t["title"] in lines)
        label = next((c["text"] for c in t["rows"][-1] if c.get("text")), "")
        last = next((n for n in range(first, len(flat)) if label and label in flat[n]), first)
        for n in range(first + 1, last + 1):
            spanning += 1
            assert is_header(header_run(pages[n], words), words), (t["title"], n, pages[n][:4])
    assert spanning > 0  # the plan has a table long enough to run over a page


def charts_readable(data: dict[str, Any], pdf: Path) -> None:
    """Each chart is placed at least ``CHART_SHARE`` of the page wide (poppler's listing
    gives its pixels and pixels per inch: its printed width)."""
    charts = [p for s in data["sections"] for p in s["parts"] if p["kind"] == "chart"]
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]  # fmt: skip
    # page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    shown = [(int(f[0]), int(f[3]) / int(f[12]) * 72) for f in (line.split() for line in listing)
             if f[2] == "image"]  # fmt: skip
    assert len(shown) == len(charts) > 0
    for page, width in shown:
        assert width >= CHART_SHARE * A4_WIDTH_POINTS, (page, width)
