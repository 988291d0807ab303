"""Charts for the assessment (matplotlib, no network): readable titles, labels, units, source.

Each function takes figures already computed and returns PNG bytes.
"""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt

DARK_BLUE = "#1d70b8"  # GOV.UK palette: blue, dark grey, orange
GREY = "#505a5f"
ORANGE = "#f47738"
SOURCE = "Source: Metropolitan Police Service recorded crime (London Datastore), OGL v2.0."


def _finish(fig: plt.Figure, source: str) -> bytes:
    fig.text(0.01, 0.01, source, fontsize=7, color=GREY, ha="left", va="bottom")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    plt.close(fig)
    return buffer.getvalue()


def monthly_chart(
    title: str,
    this_year: list[tuple[date, int]],
    last_year: list[tuple[date, int]],
    labels: tuple[str, str],
    source: str = SOURCE,
) -> bytes:
    """This year's months against last year's, with this year's monthly average."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.05, 1, 0.95))  # type: ignore[union-attr, call-arg]
    months = [d.strftime("%b") for d, _ in this_year]
    ax.plot(months, [v for _, v in this_year], marker="o", color=DARK_BLUE, lw=2, label=labels[1])
    if last_year:
        ax.plot(
            months[: len(last_year)],
            [v for _, v in last_year][: len(months)],
            marker="s",
            color=GREY,
            lw=1.5,
            ls="--",
            label=labels[0],
        )
    average = sum(v for _, v in this_year) / max(len(this_year), 1)
    ax.axhline(average, color=ORANGE, lw=1.2, label=f"{labels[1]} monthly average ({average:,.0f})")
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_ylabel("Offences per month")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8, loc="lower left", ncols=3)
    return _finish(fig, source)


def rolling_chart(title: str, rolling: list[tuple[date, int]], source: str = SOURCE) -> bytes:
    """Rolling 12-month totals over the whole history: the trend without the seasons."""
    fig, ax = plt.subplots(figsize=(7.5, 3.2), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.05, 1, 0.95))  # type: ignore[union-attr, call-arg]
    ax.plot([d for d, _ in rolling], [v for _, v in rolling], color=DARK_BLUE, lw=2)  # type: ignore[arg-type]
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_ylabel("Offences in the last 12 months")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, source)


def trend_chart(
    title: str,
    points: list[tuple[str, float | None]],
    unit: str,
    source: str,
    whole_numbers: bool = False,
) -> bytes:
    """A small line chart of one indicator over periods; gaps where there is no figure.

    Labels carry enough decimals to tell small rates apart (0.04, 0.12 per 1,000);
    ``whole_numbers`` for counts (episodes, nights)."""
    fig, ax = plt.subplots(figsize=(4.6, 2.6), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.07, 1, 0.93))  # type: ignore[union-attr, call-arg]
    labels = [label for label, _ in points]
    values = [float("nan") if v is None else v for _, v in points]
    ax.plot(labels, values, marker="o", color=DARK_BLUE, lw=2)
    known = [v for v in values if v == v]  # not NaN
    places = 0 if whole_numbers else (2 if max(known or [0]) < 10 else 1)
    for x, v in zip(labels, values, strict=True):
        if v == v:
            ax.annotate(f"{v:,.{places}f}", (x, v), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=7, color=GREY)  # fmt: skip
    ax.set_xlim(-0.5, len(labels) - 0.5)  # periods with no figure keep their place
    if whole_numbers:
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    ax.set_ylabel(unit, fontsize=8)
    ax.set_ylim(bottom=0, top=max(known or [0]) * 1.25 or 1)
    ax.tick_params(labelsize=7)
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, source)
