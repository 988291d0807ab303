"""The documents' charts: one indicator over the years, drawn so a councillor can read it
(large type, each value written on its point, the unit on the axis, the source beneath).
Each image records its title and every label it draws, as the assessment's do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from saferplan.reports.charts import DARK_BLUE, GREY, ORANGE, save_png

SOURCE = "Source: case records and published figures, as imported into saferplan."
COLOURS = (DARK_BLUE, ORANGE, GREY)


def labels(part: Mapping[str, Any], figures: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What the chart of ``part`` draws, from the bundle: its unit, each series' name and
    each point as 'period: value', and the source."""
    out = [str(part["unit"])]
    for s in part["series"]:
        out.append(str(s["name"]))
        out += [f"{period}: {figures[fid]['shown']}" for period, fid in s["points"]]
    return [*out, SOURCE]


def draw(part: Mapping[str, Any], figures: Mapping[str, Mapping[str, Any]]) -> bytes:
    """The chart as PNG with its labels in its metadata."""
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    fig.subplots_adjust(left=0.12, right=0.97, top=0.86, bottom=0.2)
    top = 0.0
    for colour, s in zip(COLOURS, part["series"], strict=False):
        periods = [p for p, _ in s["points"]]
        values = [figures[fid]["value"] for _, fid in s["points"]]
        numbers = [float("nan") if v is None else float(v) for v in values]
        ax.plot(periods, numbers, marker="o", color=colour, lw=2.2, label=s["name"])
        for x, v, (_, fid) in zip(periods, numbers, s["points"], strict=True):
            if v == v:
                ax.annotate(
                    figures[fid]["shown"],
                    (x, v),
                    textcoords="offset points",
                    xytext=(0, 7),
                    ha="center",
                    fontsize=9,
                    color="#0b0c0c",
                )
                top = max(top, v)
    ax.set_title(part["title"], loc="left", fontsize=12, fontweight="bold")
    ax.set_ylabel(part["unit"], fontsize=9)
    ax.set_ylim(bottom=0, top=top * 1.3 or 1)
    ax.tick_params(labelsize=9)
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    if len(part["series"]) > 1:
        ax.legend(frameon=False, fontsize=9, loc="lower left")
    fig.text(0.01, 0.01, SOURCE, fontsize=7, color=GREY, ha="left", va="bottom")
    return save_png(fig, part["title"], labels(part, figures))
