"""``saferplan demo``: load the bundled London data and show Harrow's headline figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from saferplan.cli.output import console, friendly_errors


def demo(
    out: Annotated[Path, typer.Option(help="Where the Strategic Assessment is written.")] = Path(
        "out"
    ),
    build_report: Annotated[
        bool, typer.Option("--report/--no-report", help="Also build the Strategic Assessment.")
    ] = True,
) -> None:
    """Load the bundled data (once), show Harrow's headline figures, build its assessment."""
    from rich.table import Table

    from saferplan.core.periods import parse_period
    from saferplan.crime.comparisons import compare, ranking
    from saferplan.crime.queries import months_available
    from saferplan.crime.themes import load_themes
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.demo.load import DEMO_IMPORTS
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.plans.demo import DEMO_PASSWORD  # a model: only once Django is set up

        with console.status("Loading the bundled London data…"):
            imported, skipped, partnership, users = _load()
        subject, comparators = partnership.area, partnership.comparators
        console.print(
            f"Demo data: {imported} files imported, {skipped} already present "
            f"({len(DEMO_IMPORTS)} sets).",
            highlight=False,
        )
        con = Warehouse().connect()
        months = months_available(con, "mps", "borough")
        last = max(months)
        year = last.year if last.month == 12 else last.year - 1
        total = load_themes().get("total")
        period, baseline = parse_period(str(year)), parse_period(str(year - 1))
        table = compare(con, subject, total, period, baseline, comparators)
        by_count, _ = ranking(con, "borough", total, period, "count")
        by_rate, _ = ranking(con, "borough", total, period, "rate")

    grid = Table(
        title=f"{subject}: {total.title.lower()}, {baseline.label} and {period.label}",
        caption=f"Rates per 1,000 residents; population: {table.population_note}.",
    )
    for i, h in enumerate(["Area", baseline.label, "rate", period.label, "rate", "change",
                           "% change", "rate change"]):  # fmt: skip
        grid.add_column(h, justify="left" if i == 0 else "right")
    for r in table.rows:
        grid.add_row(
            r.area, f"{r.count_baseline:,}", str(r.rate_baseline or ""), f"{r.count_period:,}",
            str(r.rate_period or ""), f"{r.count_change:+,}",
            "" if r.pct_change is None else f"{r.pct_change:+}%", str(r.rate_change or ""),
        )  # fmt: skip
    console.print(grid)
    rank_count = next(r.rank for r in by_count if r.area == subject)
    rank_rate = next(r.rank for r in by_rate if r.area == subject)
    console.print(
        f"{subject} ranks {rank_count} of {len(by_count)} London areas by count of crimes and "
        f"{rank_rate} of {len(by_rate)} boroughs by rate (1 = highest) in {period.label}.",
        highlight=False,
    )
    console.print(f"[dim]Data directory: {Warehouse().root.parent}[/]", highlight=False)
    console.print(
        "Demo users for the web app (password "
        f"[bold]{DEMO_PASSWORD}[/]): " + "; ".join(f"{u} ({r})" for u, r in users),
        highlight=False,
        soft_wrap=True,
    )
    if build_report:
        build_demo_report(partnership, subject, year, comparators, out)
        _demo_plans(partnership, out)


def _load() -> tuple[int, int, Any, list[tuple[str, str]]]:
    """Every bundled file, the demo partnership (its users, plans, youth justice records,
    resources and series); the files imported and skipped, the partnership and its users."""
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.demo.load import DEMO_SERIES, load_demo, load_demo_series
    from saferplan.plans.demo import demo_partnership, load_demo_partnership
    from saferplan.resources.demo import load_demo_resources
    from saferplan.youthjustice.demo import load_demo_youth_justice

    def report(label: str, imported: int, skipped: int) -> None:
        state = f"{imported} imported" if imported else "already loaded"
        console.print(f"  [green]✓[/] {label}: {state}", highlight=False)

    imported, skipped = load_demo(report)
    users = load_demo_partnership(Warehouse().connect(), with_history=True)
    partnership = demo_partnership()
    load_demo_youth_justice(partnership)
    load_demo_resources(partnership)
    added, _ = load_demo_series(partnership)
    report(f"{DEMO_SERIES.label}, {partnership.name}'s own", added, 1 - added)
    return imported, skipped, partnership, users


def build_demo_report(
    partnership: Any, subject: str, year: int, comparators: list[str], out: Path
) -> None:
    """The demo partnership's assessment, saying (as ``report`` does) which themes it left out."""
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.cli.report import build_strategic_assessment, say_left_out

    with partnership_scope(partnership):
        folder, left_out = build_strategic_assessment(
            subject, str(year), out, ",".join(comparators), partnership=partnership.name
        )
    say_left_out(left_out)
    console.print(
        f"[green]Strategic Assessment[/] {subject} {year}: "
        f"{folder / 'strategic-assessment.html'} (also .docx, .pdf, figures.json)",
        highlight=False,
        soft_wrap=True,
    )


def _demo_plans(partnership: Any, out: Path) -> None:
    """The demo's Youth Justice Plan and Community Safety Plan, with sample text."""
    from saferplan.accounts.tenancy import partnership_scope
    from saferplan.documents.demo import DEMO_YEAR, build_demo_documents, load_demo_text

    with partnership_scope(partnership), console.status("Building the demo's plans…"):
        load_demo_text()
        built = build_demo_documents(out)
    for b in built:
        console.print(
            f"[green]{b.data['title']}[/] (draft, sample text) {DEMO_YEAR}: {b.files[0]} "
            f"(also .docx, .pdf, figures.json)",
            highlight=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
