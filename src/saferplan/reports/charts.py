"""Charts for the assessment (matplotlib, no network): readable titles, labels, units, source.

Each function takes figures already computed, and the words to draw, and returns PNG bytes
that record those words (``labels``) in the image's metadata, so ``report check`` can
compare what an image says with the figures bundle without reading pixels.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
from matplotlib import ticker

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

DARK_BLUE = "#1d70b8"  # GOV.UK palette: blue, dark grey, orange
GREY = "#505a5f"
ORANGE = "#f47738"
SOURCE = "Source: Metropolitan Police Service recorded crime (London Datastore), OGL v2.0."


LABELS_KEY = "Description"  # the PNG text chunk holding what the image says
DPI = 150  # every chart and map is saved at this resolution


def pyplot() -> Any:
    """matplotlib's pyplot, imported when a chart is drawn: the process that only plans
    charts for its drawing workers (or reads their labels) never pays for it."""
    import matplotlib.pyplot

    return matplotlib.pyplot


def save_png(fig: plt.Figure, title: str, labels: Sequence[str], dpi: int = DPI) -> bytes:
    """The figure as PNG, with its title and the labels it draws recorded in its metadata.

    Saved as RGB on the figure's opaque background: no alpha channel, which a PDF renderer
    would otherwise split out and compress again as a mask of its own."""
    import numpy as np
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    record = json.dumps({"title": title, "labels": list(labels)}, ensure_ascii=True)
    info = PngInfo()
    info.add_text(
        "Software", f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/"
    )
    info.add_text(LABELS_KEY, record)
    fig.set_dpi(dpi)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3]  # type: ignore[attr-defined]
    pyplot().close(fig)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="png", pnginfo=info, dpi=(dpi, dpi))
    return buffer.getvalue()


def read_png_labels(png: bytes) -> dict[str, object] | None:
    """What ``save_png`` recorded in an image, or None for an image without the record."""
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(png))
        # A record before the pixels is read without decoding them (save_png writes it so);
        # only an image without one there is decoded, to look for it after them.
        text = image.info.get(LABELS_KEY)
        if text is None:
            text = image.text.get(LABELS_KEY)  # type: ignore[attr-defined]
        return None if text is None else dict(json.loads(text))
    except (OSError, ValueError):
        return None


def _finish(fig: plt.Figure, source: str, title: str = "", labels: Sequence[str] = ()) -> bytes:
    fig.text(0.01, 0.01, source, fontsize=7, color=GREY, ha="left", va="bottom")
    return save_png(fig, title, [*labels, source])


def monthly_chart(
    title: str,
    this_year: list[tuple[date, int]],
    last_year: list[tuple[date, int]],
    labels: tuple[str, str, str],
    source: str = SOURCE,
    ylabel: str = "Offences per month",
) -> bytes:
    """This year's months against last year's, with this year's monthly average.

    ``labels``: last year's legend entry, this year's, and the average's (with its figure);
    the average is drawn at the exact mean."""
    fig, ax = pyplot().subplots(figsize=(7.5, 3.6))
    fig.subplots_adjust(left=0.11, right=0.98, top=0.89, bottom=0.15)  # fixed: 4x faster
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
    ax.axhline(average, color=ORANGE, lw=1.2, label=labels[2])
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8, loc="lower left", ncols=3)
    drawn = [labels[1], labels[0], labels[2]] if last_year else [labels[1], labels[2]]
    return _finish(fig, source, title, [ylabel, *drawn])


def rolling_chart(
    title: str,
    rolling: list[tuple[date, int]],
    source: str = SOURCE,
    ylabel: str = "Offences in the last 12 months",
) -> bytes:
    """Rolling 12-month totals over the whole history: the trend without the seasons."""
    fig, ax = pyplot().subplots(figsize=(7.5, 3.2))
    fig.subplots_adjust(left=0.11, right=0.98, top=0.88, bottom=0.15)
    ax.plot([d for d, _ in rolling], [v for _, v in rolling], color=DARK_BLUE, lw=2)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    from matplotlib import dates

    ax.xaxis.set_major_locator(dates.YearLocator(2))
    ax.xaxis.set_major_formatter(dates.DateFormatter("%Y"))
    ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, source, title, [ylabel])


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
    fig, ax = pyplot().subplots(figsize=(4.6, 2.6), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.07, 1, 0.93))
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
        ax.yaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
    ax.set_ylabel(unit, fontsize=8)
    ax.set_ylim(bottom=0, top=max(known or [0]) * 1.25 or 1)
    ax.tick_params(labelsize=7)
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, source)
