"""Drawing the blocks' bar charts (``tables.BarChart``) as PNG for the pages: stacked
horizontal bars, a colour per series, the counts written on the bars, and the figures in
the alternative text."""

from __future__ import annotations

from saferplan.governance.tables import BarChart
from saferplan.reports.charts import DARK_BLUE, GREY, ORANGE, save_png

COLOURS = [DARK_BLUE, ORANGE, GREY, "#00703c", "#4c2c92", "#d4351c"]


def bar_chart(chart: BarChart) -> bytes:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.6 + 0.45 * max(len(chart.categories), 1)))
    left = [0] * len(chart.categories)
    positions = list(range(len(chart.categories)))[::-1]
    labels = [chart.title, *chart.categories]
    for colour, (name, values) in zip(COLOURS, chart.series.items(), strict=False):
        ax.barh(positions, values, left=left, color=colour, label=name)
        for y, x0, value in zip(positions, left, values, strict=True):
            if value:
                ax.text(x0 + value / 2, y, str(value), ha="center", va="center",
                        color="white", fontsize=8)  # fmt: skip
        left = [a + b for a, b in zip(left, values, strict=True)]
        labels.append(name)
    ax.set_yticks(positions, chart.categories)
    ax.set_title(chart.title, fontsize=10, loc="left")
    ax.legend(loc="lower right", fontsize=8, frameon=False, ncol=len(chart.series))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return save_png(fig, chart.title, labels)


def describe(chart: BarChart) -> str:
    """The chart's figures in words, for its alternative text."""
    parts = []
    for i, category in enumerate(chart.categories):
        counts = ", ".join(f"{name} {values[i]}" for name, values in chart.series.items())
        parts.append(f"{category}: {counts}")
    return f"{chart.title}. " + "; ".join(parts)
