"""The email's chart: running km per week for the last weeks, the alerts' weeks marked, and
a red line on each day pain was reported, with its score.

Drawn with matplotlib's object API on the Agg canvas: no display, no pyplot global state,
the same PNG on a server as on a laptop.
"""

from __future__ import annotations

import io
from datetime import date

WEEKS = 12


PAIN_COLOR = "#c92a2a"


def pain_x(weeks: list[tuple[date, float]], day: date) -> float | None:
    """Where a day falls on the chart: bar i spans i - 0.5 to i + 0.5, Monday to Sunday."""
    first = weeks[0][0]
    offset = (day - first).days
    if not 0 <= offset < 7 * len(weeks):
        return None
    return offset // 7 - 0.5 + (offset % 7 + 0.5) / 7


def weekly_chart(
    weeks: list[tuple[date, float]],
    marked: set[date],
    as_of: date,
    *,
    pain: dict[date, int] | None = None,
) -> bytes:
    """A small PNG: one bar per (Monday, km), `marked` weeks in orange, the current one hatched,
    and a red line with the score on each `pain` day (day -> the day's worst score)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 2.4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [f"{w:%d %b}" for w, _ in weeks]
    colors = ["#e8590c" if w in marked else "#4c6ef5" for w, _ in weeks]
    bars = axes.bar(range(len(weeks)), [km for _, km in weeks], color=colors, width=0.7)
    current = date.fromordinal(as_of.toordinal() - as_of.weekday())
    for bar, (week, km) in zip(bars, weeks, strict=True):
        if week == current and as_of.weekday() < 6:  # Sunday: the week is whole
            bar.set_hatch("///")
            bar.set_edgecolor("white")
        if week in marked:
            axes.annotate(
                f"{km:.0f}",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color="#e8590c",
                zorder=4,  # over a pain line in the same week
                bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none"},
            )
    if pain:  # room above the tallest bar's label for the scores
        axes.set_ylim(top=max([km for _, km in weeks] + [1.0]) * 1.2)
    for day, score in (pain or {}).items():
        x = pain_x(weeks, day)
        if x is None:
            continue
        axes.axvline(x, color=PAIN_COLOR, linewidth=1.2, linestyle="--", zorder=3)
        axes.annotate(
            f"{score}",
            (x, 1.0),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="bottom",
            fontsize=7,
            fontweight="bold",
            color=PAIN_COLOR,
        )
    axes.set_xticks(range(len(weeks)), labels, fontsize=7, rotation=45, ha="right")
    axes.set_ylabel("km per week", fontsize=8)
    axes.tick_params(axis="y", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    partial = as_of.weekday() < 6
    axes.set_title(
        "Running per week (orange: the alert's week"
        + ("; hatched: this week so far" if partial else "")
        + ("; red: pain /10)" if pain else ")"),
        fontsize=9,
        pad=12 if pain else 6,
    )
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
