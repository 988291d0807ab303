"""Youth justice performance blocks: the national indicators and key performance indicators
with their trends, the published comparators beside them (with how old they are), and the
call-outs for indicators worsening or red for several periods in a row.

Every value is numerator ÷ denominator × scale, both in the book, so the check works each
rate out again; labels, units, scales and directions of good come from the indicator
registry.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from saferplan.core.periods import add_months, parse_period
from saferplan.documents.blocks import Part, block, chart, items, note, sentence, slug, table
from saferplan.documents.context import Context
from saferplan.documents.figures import Book, cell, text
from saferplan.documents.template import BlockUse
from saferplan.indicators import registry

SOURCE = "case records and published comparators"
SHORT = {
    "first_time_entrants": "fte",
    "use_of_custody": "custody",
    "reoffending_binary_rate": "reoffending",
    "reoffences_per_child": "reoffences-per-child",
    "reoffences_per_reoffender": "reoffences-per-reoffender",
    "remand_episodes_yda": "remands",
    "remand_nights_yda": "remand-nights",
}
TREND_YEARS = 5


def short(key: str) -> str:
    """The name authors refer to an indicator by: fte, custody, kpi.ete-end."""
    if key in SHORT:
        return SHORT[key]
    return "kpi." + key.removeprefix("kpi_").replace("_", "-")


def previous_year(year: str) -> str:
    first = parse_period(year).first.year - 1
    return f"{first}-{str(first + 1)[2:]}"


def value_id(prefix: str, unit: str) -> str:
    return f"{prefix}.rate" if unit == "%" or unit.startswith("per 1") else f"{prefix}.value"


def indicator_figures(book: Book, row: Any, prefix: str, data_date: str) -> str:
    """The numerator, denominator and value of an indicator row; returns the value's id."""
    found = registry.get(row.indicator)
    whole = float(row.numerator).is_integer()
    # A figure whose records vary by period (board attendance) says which it used.
    said = getattr(row, "source", "")
    source = said.removeprefix("from ") if said else "case records"
    num = book.base(
        f"{prefix}.count",
        int(row.numerator) if whole else row.numerator,
        "count" if whole else "decimal",
        f"{found.label}: numerator",
        row.period,
        data_date,
        source=source,
    )
    den = book.base(
        f"{prefix}.of",
        int(row.denominator),
        "count",
        f"{found.label}: denominator",
        row.period,
        data_date,
        source=source if source != "case records" else "",
    )
    fmt = "percent" if found.unit == "%" else "decimal"
    places = 0 if found.scale == 1 and row.denominator == 1 else found.decimals  # a count
    return book.derived(
        value_id(prefix, found.unit),
        "ratio",
        [num, den],
        fmt,
        found.label,
        found.unit,
        scale=found.scale,
        decimals=places,
    )


def _rows_for(ctx: Context, year: str, which: str) -> list[Any]:
    from saferplan.youthjustice import service

    key = (which, year)
    if key not in ctx.cache:
        population = ctx.population(parse_period(year).reference_year).value
        compute = service.national_indicators_for if which == "national" else service.kpis_for
        ctx.cache[key] = compute(year, population, ctx.records)
    return list(ctx.cache[key])


def _indicator_table(ctx: Context, book: Book, which: str, title: str) -> Part:
    rows, previous = (
        _rows_for(ctx, ctx.review, which),
        _rows_for(ctx, previous_year(ctx.review), which),
    )
    before = {r.indicator: r for r in previous}
    lines = []
    for r in rows:
        found = registry.get(r.indicator)
        now = indicator_figures(book, r, short(r.indicator), ctx.records_date)
        was = indicator_figures(
            book, before[r.indicator], f"{short(r.indicator)}.previous", ctx.records_date
        )
        judged = book.derived(
            f"{short(r.indicator)}.change",
            "judgement",
            [was, now],
            "word",
            f"{found.label}: change",
            better=found.better,
        )
        lines.append(
            [
                text(found.label),
                text(r.period),
                cell(now),
                text(before[r.indicator].period),
                cell(was),
                cell(judged),
                text(found.unit),
            ]
        )
    columns = ["Indicator", "Period", "Figure", "Previous period", "Figure", "Change", "Unit"]
    return table(title, columns, lines, empty="No case records have been imported.")


@block("yj_national_indicators", "National indicators, this year and last", SOURCE)
def national_indicators(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    parts = [
        _indicator_table(
            ctx, book, "national", f"National indicators from the case records, {ctx.review_label}"
        )
    ]
    parts.append(
        note(
            f"Figures from the case records to {_day(ctx.records_to)}. Proven "
            "reoffending follows each cohort for 12 months and 6 more for the offence "
            "to be proven."
        )
    )
    return parts


@block("yj_kpis", "Key performance indicators, this year and last", SOURCE)
def key_performance_indicators(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    title = f"Key performance indicators (YJB, from April 2023): orders ended in {ctx.review_label}"
    return [_indicator_table(ctx, book, "kpis", title)]


def _day(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "(no records)"


def _period_end(period: str) -> date | None:
    """The last day of a published figure's period (2018/19 -> 31 March 2019), if readable."""
    from saferplan.core.errors import SaferplanError

    try:
        last = parse_period(period.replace("/", "-")).last
    except SaferplanError:
        return None
    return date.fromordinal(add_months(last, 1).toordinal() - 1)


def _published(ctx: Context, indicator: str, period_label: str) -> list[Any]:
    """The latest published figure of each comparator area up to the local period."""
    from saferplan.youthjustice.files import normalise_period
    from saferplan.youthjustice.models import PublishedFigure

    period = normalise_period(period_label.replace("cohort ", ""))
    latest: dict[str, Any] = {}
    for f in (
        PublishedFigure.objects.filter(indicator=indicator, period__lte=period)
        .order_by("area", "period")
        .select_related("source_import")
    ):
        latest[f.area] = f
    return list(latest.values())


@block("yj_comparators", "Published comparators beside the local figures, and their age", SOURCE)
def comparators(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    lines = []
    for r in _rows_for(ctx, ctx.review, "national") + _rows_for(ctx, ctx.review, "kpis"):
        found, prefix = registry.get(r.indicator), short(r.indicator)
        local = value_id(prefix, found.unit)
        if local not in book.figures:
            indicator_figures(book, r, prefix, ctx.records_date)
        for f in _published(ctx, r.indicator, r.period):
            lines.append(_comparator_row(ctx, book, f, found, prefix, local))
    return [
        table(
            f"Published comparators, the latest up to {ctx.review_label}",
            ["Indicator", "Area", "Period", "Figure", "Age", "Local figure is"],
            lines,
            note="Age: months from the end of the figure's period to the date of this document.",
            empty="No published comparator figures have been imported (saferplan youthjustice "
            "comparators FILE).",
        )
    ]


def _comparator_row(
    ctx: Context, book: Book, f: Any, found: Any, prefix: str, local: str
) -> list[Any]:
    fid = f"{prefix}.{slug(f.area)}"
    imported = f.source_import.finished_at.date().isoformat() if f.source_import else ""
    if f.source_import_id:
        ctx.import_ids.add(f.source_import_id)
    book.base(
        fid,
        str(f.value.normalize()) if f.value % 1 else int(f.value),
        "percent" if found.unit == "%" else "decimal",
        f"{found.label}: {f.area}",
        f.period,
        imported,
        found.unit,
        "published",
    )
    end = _period_end(f.period)
    age = text("not known")
    if end is not None:
        age = cell(
            book.derived(
                f"{fid}.age",
                "age_months",
                [],
                "months",
                f"Age of {found.label}, {f.area}",
                **{"from": end.isoformat()},
            )
        )
    judged = book.derived(
        f"{fid}.local-is",
        "judgement",
        [fid, local],
        "word",
        f"{found.label}: local against {f.area}",
        better=found.better,
    )
    return [text(found.label), text(f.area), text(f.period), cell(fid), age, cell(judged)]


def trend_rows(ctx: Context) -> list[tuple[str, list[Any]]]:
    """The national indicators over the five years to the review year, oldest first."""
    years = [ctx.review]
    for _ in range(TREND_YEARS - 1):
        years.insert(0, previous_year(years[0]))
    return [(y, _rows_for(ctx, y, "national")) for y in years]


def _trend_figures(ctx: Context, book: Book) -> dict[str, list[tuple[str, str]]]:
    """Each charted indicator's value for each year (figures ``fte.trend.2018-19``...)."""
    if "trends" in ctx.cache:
        return dict(ctx.cache["trends"])
    first_record = ctx.records.first_outcome
    out: dict[str, list[tuple[str, str]]] = {}
    for year, rows in trend_rows(ctx):
        end = _period_end(year)
        for r in rows:
            if r.indicator not in registry.charts() or (
                first_record and end and end < first_record
            ):
                continue
            fid = indicator_figures(book, r, f"{short(r.indicator)}.trend.{year}", ctx.records_date)
            out.setdefault(r.indicator, []).append((parse_period(year).label, fid))
    ctx.cache["trends"] = out
    return out


@block("yj_trends", "National indicators over five years (charts)", SOURCE)
def trends(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    parts = []
    for key, points in _trend_figures(ctx, book).items():
        found = registry.get(key)
        title = registry.charts()[key]
        parts.append(
            chart(
                f"trend-{short(key)}",
                title,
                found.unit,
                [("Local", points)],
                f"{title}, {found.unit}: the five years to {ctx.review_label}.",
            )
        )
    return parts or [note("No case records have been imported.")]


def _published_by_period(key: str) -> dict[str, dict[str, Any]]:
    """Every published figure of an indicator, by period then area."""
    from saferplan.youthjustice.models import PublishedFigure

    out: dict[str, dict[str, Any]] = {}
    for f in PublishedFigure.objects.filter(indicator=key).select_related("source_import"):
        out.setdefault(f.period, {})[f.area] = f
    return out


def _red_flags(
    ctx: Context, book: Book, key: str, points: list[tuple[str, str]]
) -> tuple[str, list[str]]:
    """The comparator (the dashboard's rule: the YOT family where published, else England
    and Wales) and, for each year up to the latest that has its figure, whether the local
    figure was worse (a judgement figure each, oldest first); a year without one ends it."""
    from saferplan.youthjustice.callouts import comparator_area, period_key

    found, published = registry.get(key), _published_by_period(key)
    against = comparator_area(published.get(period_key(points[-1][0]), {}))
    flags: list[str] = []
    for label, fid in reversed(points if against else []):
        figure = published.get(period_key(label), {}).get(against)
        if figure is None:
            break
        cid = f"{fid}.{slug(figure.area)}"
        book.base(
            cid,
            str(figure.value.normalize()) if figure.value % 1 else int(figure.value),
            "percent" if found.unit == "%" else "decimal",
            f"{found.label}: {figure.area}",
            label,
            figure.source_import.finished_at.date().isoformat() if figure.source_import else "",
            found.unit,
            "published",
        )
        judged = book.derived(
            f"{fid}.against",
            "judgement",
            [cid, fid],
            "word",
            f"{found.label} {label}: local against {figure.area}",
            better=found.better,
        )
        flags.insert(0, judged)
    return against, flags


@block("yj_callouts", "Indicators worsening, or red, for three or more periods in a row", SOURCE)
def callouts_block(ctx: Context, use: BlockUse, book: Book) -> list[Part]:
    said = []
    for key, points in _trend_figures(ctx, book).items():
        found, prefix = registry.get(key), short(key)
        if not found.better or len(points) < 2:
            continue
        ids = [fid for _, fid in points]
        run = book.derived(
            f"{prefix}.worsening-run",
            "run",
            ids,
            "count",
            f"{found.label}: periods in a row worsening",
            better=found.better,
        )
        against, flags = _red_flags(ctx, book, key, points)
        red = (
            book.derived(
                f"{prefix}.red-run",
                "run",
                flags,
                "count",
                f"{found.label}: periods in a row worse than {against}",
                red=True,
            )
            if flags
            else None
        )
        said += _callout_sentences(book, found.label, run, (red, against), points)
    return [
        items(
            "Called out: worsening or red for three or more periods in a row",
            said,
            empty="No indicator has worsened, or been worse than its comparator (the YOT "
            "family where published, else England and Wales), for three or more periods "
            "in a row.",
        )
    ]


def _callout_sentences(
    book: Book,
    label: str,
    run: str,
    red_against: tuple[str | None, str],
    points: list[tuple[str, str]],
) -> list[dict[str, Any]]:
    from saferplan.documents.callouts import AT_LEAST

    out = []
    words = {"label": label, "period": points[-1][0]}
    if book.value(run) >= AT_LEAST:
        out.append(
            sentence(
                book,
                "{label} has worsened for {run} periods in a row, to {value} in {period}.",
                words,
                run=run,
                value=points[-1][1],
            )
        )
    red, against = red_against
    if red and book.value(red) >= AT_LEAST:
        latest = f"{points[-1][1]}.{slug(against)}"
        out.append(
            sentence(
                book,
                "{label} has been worse than the {against} average for {run} periods in a "
                "row, to {period}, when the average was {comparator}.",
                {**words, "against": against},
                run=red,
                comparator=latest,
            )
        )
    return out
