"""Laying out an assessment as HTML, Word and PDF. Formatting only: no figure is computed here."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from saferplan.reports import charts
from saferplan.reports.assessment import Assessment, ThemeSection

TEMPLATES = Path(__file__).with_name("templates")
SOURCE_LABELS = {
    "mps": "Metropolitan Police recorded crime (monthly counts)",
    "police-uk": "police.uk street-level crime",
    "lsoa-annual": "Metropolitan Police annual LSOA counts",
}


@dataclass
class Chart:
    png: bytes
    alt: str
    caption: str

    @property
    def data(self) -> str:
        return base64.b64encode(self.png).decode("ascii")


def fmt(value: Any, signed: bool = False) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:+,}" if signed else f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:+}" if signed and value else f"{value}"
    return str(value)


def section_charts(a: Assessment, s: ThemeSection) -> list[Chart]:
    title = s.theme.title
    out = [
        Chart(
            charts.monthly_chart(
                f"{title}: {a.area}, by month",
                s.monthly,
                s.monthly_before,
                (a.baseline.label, a.period.label),
            ),
            f"Line chart of {title.lower()} in {a.area} by month of {a.period.label} against "
            f"{a.baseline.label}.",
            f"Offences per month in {a.period.label} and {a.baseline.label}, with the monthly "
            f"average of {a.period.label}.",
        )
    ]
    if s.rolling:
        first, last = s.rolling[0][0], s.rolling[-1][0]
        out.append(
            Chart(
                charts.rolling_chart(f"{title}: {a.area}, rolling 12-month total", s.rolling),
                f"Line chart of the rolling 12-month total of {title.lower()} in {a.area} from "
                f"{first:%B %Y} to {last:%B %Y}.",
                f"Each point is the total of the 12 months ending that month ({first:%b %Y} to "
                f"{last:%b %Y}).",
            )
        )
    return out


def section_maps(a: Assessment, s: ThemeSection) -> list[Chart]:
    from saferplan.reports import maps

    out: list[Chart] = []
    if s.lsoa_rates and a.lsoa_boundaries is not None and len(a.lsoa_boundaries):
        frame = a.lsoa_boundaries.copy()
        frame["rate"] = [
            float(v) if (v := s.lsoa_rates.get(code)) is not None else None
            for code in frame["area_code"]
        ]
        label = SOURCE_LABELS.get(s.lsoa_source or "", s.lsoa_source)
        out.append(
            Chart(
                maps.choropleth(
                    frame,
                    "rate",
                    f"{s.theme.title}: rate by LSOA, {a.area}, {a.period.label}",
                    "Offences per 1,000 residents",
                    f"Source: {label}; ONS mid-year population estimates.",
                ),
                f"Map of {a.area}'s LSOAs shaded by the rate of {s.theme.title.lower()} per 1,000 "
                f"residents in {a.period.label}.",
                "Rates per 1,000 residents by lower layer super output area (about 1,500 residents "
                "each), in five classes of roughly equal numbers of areas.",
            )
        )
    if s.hotspots is not None:
        months = s.hotspot_months
        when = (
            f"{months[0]:%B %Y}" if len(months) == 1 else f"{months[0]:%b %Y} to {months[-1]:%b %Y}"
        )
        out.append(
            Chart(
                maps.hotspot_map(
                    s.hotspots,
                    a.outline,
                    f"{s.theme.title}: hot spots, {a.area}, {when}",
                    "Source: police.uk street-level crime, OGL v3.0.",
                ),
                f"Map of statistically significant hot and cold spots of {s.theme.title.lower()} "
                f"in {a.area}, {when}.",
                f"Getis-Ord Gi* on 100 m cells from {s.hotspots.points_used:,} located police.uk "
                f"records; only {when} of {a.period.label} has street-level data imported.",
            )
        )
        out.append(
            Chart(
                maps.density_map(
                    s.hotspots,
                    a.outline,
                    f"{s.theme.title}: density, {a.area}, {when}",
                    "Source: police.uk street-level crime, OGL v3.0.",
                ),
                f"Heat map of the density of {s.theme.title.lower()} in {a.area}, {when}.",
                "Quartic kernel density estimate, incidents per square kilometre.",
            )
        )
        if s.hotspot_change is not None:
            b = s.hotspot_baseline_months
            out.append(
                Chart(
                    maps.change_map(
                        s.hotspot_change,
                        s.hotspots,
                        a.outline,
                        f"{s.theme.title}: change in hot spots, {a.area}",
                        "Source: police.uk street-level crime, OGL v3.0.",
                    ),
                    f"Map of new, persistent, intensifying and ceased hot spots in {a.area}.",
                    f"Hot spots in {when} compared with {b[0]:%b %Y} to {b[-1]:%b %Y}.",
                )
            )
    return out


def _judgement(s: ThemeSection) -> tuple[str, str]:
    good = s.theme.good_change(s.subject.count_change)
    return {True: ("Better", "good"), False: ("Worse", "bad"), None: ("No change", "")}[good]


def context(a: Assessment, all_charts: dict[str, list[Chart]], partnership: str) -> dict[str, Any]:
    sections = []
    for s in a.sections:
        judgement, css = _judgement(s)
        subject = s.subject
        sections.append(
            {
                "key": s.theme.key,
                "title": s.theme.title,
                "definition": s.theme.definition,
                "group": s.theme.group,
                "direction_text": "A fall is the desired direction."
                if s.theme.direction == "down"
                else "A rise in reporting is the desired direction (under-reported crime).",
                "headline": s.headline,
                "sentences": [x.text for x in s.sentences],
                "subject": {
                    "count_baseline": fmt(subject.count_baseline),
                    "count_period": fmt(subject.count_period),
                    "count_change": fmt(subject.count_change, True),
                    "pct_change": fmt(subject.pct_change, True),
                    "rate_baseline": fmt(subject.rate_baseline),
                    "rate_period": fmt(subject.rate_period),
                },
                "rows": [
                    {
                        "area": r.area,
                        "count_baseline": fmt(r.count_baseline),
                        "rate_baseline": fmt(r.rate_baseline),
                        "count_period": fmt(r.count_period),
                        "rate_period": fmt(r.rate_period),
                        "count_change": fmt(r.count_change, True),
                        "pct_change": fmt(r.pct_change, True),
                        "rate_change": fmt(r.rate_change, True),
                    }
                    for r in s.table.rows
                ],
                "population_note": s.table.population_note,
                "source_label": SOURCE_LABELS.get(s.table.source, s.table.source),
                "charts": all_charts[s.theme.key],
                "judgement": judgement,
                "judgement_class": css,
            }
        )
    return {
        "a": {
            "area": a.area,
            "period": a.period,
            "baseline": a.baseline,
            "edition": a.edition,
            "generated": a.generated,
            "findings": a.findings,
            "provenance": a.provenance,
            "suppression": a.suppression.describe() if a.edition == "public" else None,
        },
        "title": f"{a.area} Strategic Assessment {a.period.label}",
        "harm": _harm_rows(a),
        "harm_table": a.harm_table,
        "partnership": partnership,
        "sections": sections,
        "unavailable": [{"title": t.title, "reason": why} for t, why in a.unavailable],
    }


def _harm_rows(a: Assessment) -> list[dict[str, str]]:
    """Volume and harm side by side: each theme's share of offences and of harm."""
    with_harm = [s for s in a.sections if s.harm is not None and s.theme.key != "total"]
    total = next((s for s in a.sections if s.theme.key == "total" and s.harm is not None), None)
    if total is None or not with_harm:
        return []
    rows = []
    for s in with_harm:
        count_share = Decimal(s.subject.count_period * 100) / total.subject.count_period
        harm_share = (
            s.harm.harm_period * 100 / total.harm.harm_period
            if total.harm.harm_period
            else Decimal(0)
        )
        rows.append(
            {
                "title": s.theme.title,
                "count": fmt(s.subject.count_period),
                "count_share": f"{count_share:.1f}%",
                "harm": f"{s.harm.harm_period:,.0f}",
                "harm_share": f"{harm_share:.1f}%",
                "coverage": f"{s.harm.coverage}%",
            }
        )
    return rows


def render_html(ctx: dict[str, Any]) -> str:
    from django.template import Context, Engine

    engine = Engine(dirs=[str(TEMPLATES)], autoescape=True)
    return engine.get_template("reports/assessment.html").render(Context(ctx))


def render_pdf(html: str, path: Path) -> None:
    from weasyprint import HTML

    HTML(string=html).write_pdf(path)


def render_docx(ctx: dict[str, Any], path: Path) -> None:
    """An editable Word document: real headings, real tables, a contents field."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    for level in (1, 2, 3):
        heading = styles[f"Heading {level}"]
        heading.font.name = "Arial"
        heading.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    a = ctx["a"]
    doc.add_paragraph(ctx["partnership"]).runs[0].font.color.rgb = RGBColor(0x50, 0x5A, 0x5F)
    doc.add_heading(ctx["title"], level=0)
    doc.add_paragraph(
        f"Crime and anti-social behaviour in {a['area']}, {a['period'].label} compared with "
        f"{a['baseline'].label}. {a['edition'].capitalize()} edition, generated "
        f"{a['generated']:%d %B %Y} by saferplan."
    )
    doc.add_heading("Contents", level=1)
    toc = doc.add_paragraph()
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), 'TOC \\o "1-2" \\h \\z \\u')
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "Right-click and choose Update Field to show the contents."
    run.append(text)
    field.append(run)
    toc._p.append(field)

    def table(headings: list[str], rows: list[list[str]], bold_first: bool = False) -> None:
        t = doc.add_table(rows=1, cols=len(headings))
        t.style = "Light List Accent 1"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text_ in zip(t.rows[0].cells, headings, strict=True):
            cell.text = text_
        for i, values in enumerate(rows):
            cells = t.add_row().cells
            for j, (cell, text_) in enumerate(zip(cells, values, strict=True)):
                cell.text = text_
                paragraph = cell.paragraphs[0]
                if j:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if bold_first and i == 0:
                    for r in paragraph.runs:
                        r.bold = True
        doc.add_paragraph()

    doc.add_heading("Key findings", level=1)
    for finding in a["findings"]:
        doc.add_paragraph(finding.text, style="List Bullet")
    table(
        [
            "Theme",
            a["baseline"].label,
            a["period"].label,
            "Change",
            "% change",
            "Rate per 1,000",
            "Direction",
        ],
        [
            [
                s["title"],
                s["subject"]["count_baseline"],
                s["subject"]["count_period"],
                s["subject"]["count_change"],
                s["subject"]["pct_change"],
                s["subject"]["rate_period"],
                s["judgement"],
            ]
            for s in ctx["sections"]
        ],
    )
    for s in ctx["sections"]:
        doc.add_page_break()
        doc.add_heading(s["title"], level=1)
        p = doc.add_paragraph(f"{s['definition']} {s['direction_text']}")
        p.runs[0].italic = True
        doc.add_heading("Quick facts", level=2)
        doc.add_paragraph(
            f"{a['period'].label}: {s['subject']['count_period']} offences, "
            f"{s['subject']['rate_period']} per 1,000 residents",
            style="List Bullet",
        )
        doc.add_paragraph(
            f"{a['baseline'].label}: {s['subject']['count_baseline']} offences, "
            f"{s['subject']['rate_baseline']} per 1,000 residents",
            style="List Bullet",
        )
        doc.add_paragraph(s["headline"])
        for sentence in s["sentences"]:
            doc.add_paragraph(sentence)
        doc.add_heading("Comparison", level=2)
        table(
            [
                "Area",
                a["baseline"].label,
                "Rate",
                a["period"].label,
                "Rate",
                "Change",
                "% change",
                "Rate change",
            ],
            [
                [
                    r["area"],
                    r["count_baseline"],
                    r["rate_baseline"],
                    r["count_period"],
                    r["rate_period"],
                    r["count_change"],
                    r["pct_change"],
                    r["rate_change"],
                ]
                for r in s["rows"]
            ],
            bold_first=True,
        )
        doc.add_paragraph(f"Population: {s['population_note']}. Source: {s['source_label']}.")
        for chart in s["charts"]:
            doc.add_picture(io.BytesIO(chart.png), width=Cm(16))
            doc.add_paragraph(chart.caption).runs[0].italic = True
    doc.add_page_break()
    doc.add_heading("Data and methods", level=1)
    for line in (
        "Rate: offences ÷ resident population × 1,000, rounded half-up to 2 decimals.",
        "% change: change in offences ÷ the earlier year's offences × 100, to 1 decimal. "
        "Rate change: the difference of the two rates as printed.",
        "Ranks: 1 = highest among London boroughs; areas without residents are not ranked by rate.",
        "London: every area in the Metropolitan Police data including the airports; population "
        "is the sum of the boroughs'.",
        *([f"Small numbers: {a['suppression']}"] if a["suppression"] else []),
    ):
        doc.add_paragraph(line, style="List Bullet")
    doc.add_heading("Sources and provenance", level=2)
    table(
        ["Import", "Kind", "File", "SHA-256 (start)", "Imported"],
        [
            [
                f"#{p['import_id']}",
                p["kind"],
                Path(p["file"]).name,
                p["sha256"][:16],
                p["imported_at"][:10],
            ]
            for p in a["provenance"]
        ],
    )
    doc.save(str(path))
