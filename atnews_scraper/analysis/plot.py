"""Charts of article counts (matplotlib, Agg backend: no display needed).

Counts over time are bars, dates on the x axis (more days than ``MAX_BARS``: a faint daily line
with its 7-day average over it, since bars that thin cannot be read); counts by category, tag or
author are horizontal bars, largest on top, each with its number, only the ``TOP_VALUES`` largest.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from atnews_scraper.analysis.stats import TIME_GROUPINGS, Bucket
from atnews_scraper.errors import ConfigError

FIGURE_SIZE = (10.0, 5.6)  # inches
DPI = 100  # so the PNG is 1000 x 560 pixels
TOP_VALUES = 25
MAX_BARS = 90
SMOOTHING_DAYS = 7
BAR_DAYS = {"day": 0.8, "week": 5.6, "month": 24.0}
COLOR = "#1f5f8b"


def moving_average(values: Sequence[int], window: int) -> list[float]:
    """The mean of each value and the ones before it, up to ``window`` values."""
    averages: list[float] = []
    total = 0
    for index, value in enumerate(values):
        total += value
        if index >= window:
            total -= values[index - window]
        averages.append(total / min(index + 1, window))
    return averages


def _plot_time(axes: Axes, buckets: Sequence[Bucket], by: str) -> None:
    dated = [b for b in buckets if b.start is not None]
    starts = [b.start for b in dated]
    counts = [b.count for b in dated]
    if by == "day" and len(dated) > MAX_BARS:
        # Daily counts jump about; the weekly average shows the trend, the raw line the detail.
        axes.plot(starts, counts, color=COLOR, linewidth=0.8, alpha=0.35, label="per day")  # type: ignore[arg-type]
        average = moving_average(counts, SMOOTHING_DAYS)
        label = f"{SMOOTHING_DAYS}-day average"
        axes.plot(starts, average, color=COLOR, linewidth=2.2, label=label)  # type: ignore[arg-type]
        axes.legend(frameon=False, loc="upper left")
    else:
        axes.bar(starts, counts, width=BAR_DAYS[by], align="edge", color=COLOR)  # type: ignore[arg-type]
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.set_xlabel(f"{by} (Kabul time)")
    axes.set_ylabel("articles")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)


def _plot_values(axes: Axes, buckets: Sequence[Bucket], by: str) -> None:
    shown = list(buckets[:TOP_VALUES])[::-1]
    labels = [b.label for b in shown]
    counts = [b.count for b in shown]
    bars = axes.barh(labels, counts, color=COLOR)
    axes.bar_label(bars, padding=3, fontsize=9)
    axes.set_xlabel("articles")
    axes.set_ylabel(by)
    axes.margins(x=0.08)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", alpha=0.3)


def chart_title(buckets: Sequence[Bucket], by: str) -> str:
    if by in TIME_GROUPINGS:
        total = sum(b.count for b in buckets if b.start is not None)
        dated = [b for b in buckets if b.start is not None]
        span = f"{dated[0].label} to {dated[-1].label}" if dated else "no dates"
        return f"Afghanistan Times articles per {by}, {span} ({total:,} articles)"
    top = f"top {TOP_VALUES} of {len(buckets)}" if len(buckets) > TOP_VALUES else "all"
    return f"Afghanistan Times articles by {by} ({top})"


def plot_counts(buckets: Sequence[Bucket], by: str, path: Path) -> None:
    """Write a PNG chart of the buckets to ``path``."""
    if by in TIME_GROUPINGS and not any(b.start is not None for b in buckets):
        raise ConfigError(f"--plot: no dated articles to chart by {by}; try --by category")
    if not buckets:
        raise ConfigError("--plot: no articles to chart")
    if not path.parent.is_dir():
        raise ConfigError(f"--plot {path}: the folder {path.parent} does not exist; create it")
    figure, axes = plt.subplots(figsize=FIGURE_SIZE, dpi=DPI)
    try:
        if by in TIME_GROUPINGS:
            _plot_time(axes, buckets, by)
        else:
            _plot_values(axes, buckets, by)
        axes.set_title(chart_title(buckets, by), loc="left", fontsize=12)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        figure.savefig(path, dpi=DPI, format="png")
    finally:
        plt.close(figure)
