"""``saferplan report strategic-assessment|youth-justice-plan|community-safety-plan|
knife-crime-action-plan|check``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from saferplan.cli import options
from saferplan.cli.output import console, err_console, friendly_errors, labelled

app = typer.Typer(help="Build and check documents.", no_args_is_help=True)


@app.command("strategic-assessment")
def strategic_assessment(
    year: Annotated[str, typer.Option(help="Period, e.g. 2018 or 2018-19.")],
    area: Annotated[
        str | None, typer.Option(help="Borough (name or ONS code); default: the partnership's.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder to write the documents into.")] = Path("out"),
    comparators: Annotated[
        str | None,
        typer.Option(help="Comma-separated areas or groups; default: the partnership's."),
    ] = None,
    edition: Annotated[
        str, typer.Option(help="public (small numbers suppressed) or restricted.")
    ] = "public",
    themes: Annotated[
        str | None, typer.Option(help="Comma-separated theme keys (default: all).")
    ] = None,
    harm_table: Annotated[
        Path | None, typer.Option(help="CSV source,major,minor,weight to show harm beside volume.")
    ] = None,
    partnership: options.Partnership = None,
) -> None:
    """Write the Strategic Assessment as HTML, Word, PDF and a figures bundle."""
    start = time.perf_counter()
    from saferplan.accounts.tenancy import partnership_scope

    with friendly_errors():
        area, comparators, owner = partnership_defaults(partnership, area, comparators)
    # Built in the partnership's scope: its documents and restricted imports are its own.
    with partnership_scope(owner):
        path, left_out = build_strategic_assessment(
            area,
            year,
            out,
            comparators,
            edition,
            themes,
            owner.name if owner else COVER,
            harm_table,
        )
    say_left_out(left_out)
    console.print(f"[green]Written[/] the {area} Strategic Assessment {year} to {path} "
                  f"in {time.perf_counter() - start:.1f} s", highlight=False)  # fmt: skip


COVER = "Community Safety Partnership"


def say_left_out(left_out: list[tuple[str, str]]) -> None:
    """The themes of the themes file that a build left out, and why, on standard error."""
    for title, why in left_out:
        err_console.print(labelled("Left out", "yellow", f" {title}: {why}"), highlight=False,
                          soft_wrap=True)  # fmt: skip


def partnership_defaults(
    partnership: str | None, area: str | None, comparators: str | None
) -> tuple[str, str, Any]:
    """Area, comparators and partnership (None if there is none yet): the area and
    comparators as given, else from the partnership's settings."""
    from saferplan.site.bootstrap import setup_django

    setup_django()
    from saferplan.accounts.models import Partnership
    from saferplan.accounts.tenancy import find_partnership
    from saferplan.core.errors import SaferplanError

    found = None
    if partnership is not None or Partnership.objects.exists():
        found = find_partnership(partnership)
        area = area or found.area
        comparators = comparators or ",".join(found.comparators)
    if not area or not comparators:
        raise SaferplanError(
            f"say which {'area' if not area else 'comparators'} the assessment is for",
            hint="Give --area and --comparators, or set the partnership's: saferplan accounts "
            'partnership NAME --area AREA --comparators "A,B,C".',
        )
    return area, comparators, found


def build_strategic_assessment(
    area: str, year: str, out: Path, comparators: str,
    edition: str = "public", themes: str | None = None,
    partnership: str = "Community Safety Partnership",
    harm_table: Path | None = None,
) -> tuple[Path, list[tuple[str, str]]]:  # fmt: skip
    """Build and write the assessment; returns the folder and the themes left out (and why).

    Anything that would make an empty or misleading document (an unknown area, comparator or
    edition, a year outside the data, no theme with figures) stops it with an error. Every
    build is kept as an edition of the partnership in scope."""
    from saferplan.cli.editions import say_kept
    from saferplan.crime.harm import load_harm_table
    from saferplan.datastore.warehouse import Warehouse
    from saferplan.editions.documents import keep_strategic_assessment
    from saferplan.reports.assessment import build_assessment
    from saferplan.reports.build import write_report
    from saferplan.reports.render import workers
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.accounts.tenancy import current_partnership
        from saferplan.definitions.service import in_force

        status = console.status(f"Computing the {area} assessment for {year}…")
        # The drawing workers start while the figures are computed.
        with workers() as pool:
            with status, in_force(current_partnership()) as book:
                a = build_assessment(
                    Warehouse().connect(), book, area, year,
                    [c.strip() for c in comparators.split(",") if c.strip()], edition=edition,
                    themes=[t.strip() for t in themes.split(",")] if themes else None,
                    harm_table=load_harm_table(harm_table) if harm_table else None,
                )  # fmt: skip
            with console.status("Checking and writing HTML, Word and PDF…"):
                built = write_report(a, out, partnership, pool=pool)
        # Every build is kept as an edition of the partnership in scope (files never change).
        say_kept(keep_strategic_assessment(a, built))
    return built.folder, [(t.title, why) for t, why in a.unavailable]


Year = Annotated[str, typer.Option(help="The plan year, e.g. 2019-20.")]
Edition = Annotated[
    str, typer.Option(help="draft (marks what is missing) or final (refused until complete).")
]
Out = Annotated[Path, typer.Option(help="Folder to write the documents into.")]
TemplateKey = Annotated[
    str | None,
    typer.Option(help="A template key (default: the one in force for the year); "
                 "saferplan documents templates lists them."),
]  # fmt: skip


def build_plan(
    document: str, year: str, partnership: str | None, edition: str, out: Path,
    template: str | None,
) -> None:  # fmt: skip
    """Build a plan in the partnership's scope, write it and keep it as an edition."""
    start = time.perf_counter()
    from saferplan.accounts.tenancy import cli_partnership
    from saferplan.cli.editions import say_kept
    from saferplan.site.bootstrap import setup_django

    with friendly_errors():
        setup_django()
        from saferplan.documents.build import build_document

        with cli_partnership(partnership), console.status("Computing, checking and writing…"):
            built = build_document(document, year, out, edition, template)
        for m in built.data["missing"]:
            err_console.print(f"[yellow]{m['what']}[/]: {m['number']}. {m['heading']}",
                              highlight=False, soft_wrap=True)  # fmt: skip
        for w in built.data["warnings"]:
            err_console.print(f"[yellow]To put right[/]: {w}", highlight=False, soft_wrap=True)
        say_kept(built.edition)
    console.print(f"[green]Written[/] the {built.data['title']} ({edition}) to {built.folder} "
                  f"in {time.perf_counter() - start:.1f} s", highlight=False)  # fmt: skip


@app.command("youth-justice-plan")
def youth_justice_plan(
    year: Year, partnership: options.Partnership = None, edition: Edition = "draft",
    out: Out = Path("out"), template: TemplateKey = None,
) -> None:  # fmt: skip
    """Write the Youth Justice Plan as HTML, Word, PDF and a figures bundle."""
    build_plan("youth-justice-plan", year, partnership, edition, out, template)


@app.command("community-safety-plan")
def community_safety_plan(
    year: Year, partnership: options.Partnership = None, edition: Edition = "draft",
    out: Out = Path("out"), template: TemplateKey = None,
) -> None:  # fmt: skip
    """Write the Community Safety Plan (with its s6 coverage) as HTML, Word, PDF and figures."""
    build_plan("community-safety-plan", year, partnership, edition, out, template)


@app.command("knife-crime-action-plan")
def knife_crime_action_plan(
    year: Year, partnership: options.Partnership = None, edition: Edition = "draft",
    out: Out = Path("out"), template: TemplateKey = None,
) -> None:  # fmt: skip
    """Write the Knife Crime Action Plan (a dated update for MOPAC) as HTML, Word, PDF, figures."""
    build_plan("knife-crime-action-plan", year, partnership, edition, out, template)


@app.command()
def check(folder: Annotated[Path, typer.Argument(help="A built report folder.")]) -> None:
    """Re-derive every figure and word of a report, and compare its HTML and Word file with it."""
    from saferplan.documents.check import check_directory

    with friendly_errors():
        problems = check_directory(folder)
    if problems:
        err_console.print(f"[bold red]{len(problems)} problem(s)[/] in {folder}:", highlight=False)
        for p in problems:
            err_console.print(f"  - {p}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1)
    console.print(f"[green]OK[/]: every figure, direction word and document in {folder} agrees "
                  "with its definition and with figures.json.", highlight=False)  # fmt: skip


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="report")
