"""The email's chart: running km per week for the last weeks, the alerts' weeks marked.

Drawn with matplotlib's object API on the Agg canvas: no display, no pyplot global state,
the same PNG on a server as on a laptop.
"""

from __future__ import annotations

import io
from datetime import date

WEEKS = 12


def weekly_chart(weeks: list[tuple[date, float]], marked: set[date], as_of: date) -> bytes:
    """A small PNG: one bar per (Monday, km), `marked` weeks in orange, the current one hatched."""
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
                ha="center",
                va="bottom",
                fontsize=8,
                color="#e8590c",
            )
    axes.set_xticks(range(len(weeks)), labels, fontsize=7, rotation=45, ha="right")
    axes.set_ylabel("km per week", fontsize=8)
    axes.tick_params(axis="y", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    partial = as_of.weekday() < 6
    axes.set_title(
        "Running per week (orange: the alert's week"
        + ("; hatched: this week so far)" if partial else ")"),
        fontsize=9,
    )
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
