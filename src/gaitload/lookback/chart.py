"""The look-back's chart: running km per week, the usual weeks grey, the window's blue,
weeks with a load factor marked in orange. matplotlib's object API on the Agg canvas, as
the alert email's chart (`notify/chart.py`): no display, no pyplot state."""

from __future__ import annotations

import io

from gaitload.lookback.model import LookBack

USUAL, WINDOW, FACTOR = "#adb5bd", "#4c6ef5", "#e8590c"


def weekly_chart(lookback: LookBack) -> bytes:
    """A PNG of the weekly series."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    weeks = lookback.series
    figure = Figure(figsize=(7.2, 2.8), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    colors = [WINDOW if w.period == "window" else USUAL for w in weeks]
    bars = axes.bar(range(len(weeks)), [w.km for w in weeks], color=colors, width=0.7)
    top = max((w.km for w in weeks), default=0) or 1
    for bar, week in zip(bars, weeks, strict=True):
        if week.factors:
            axes.plot(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height() + top * 0.04,
                marker="v",
                color=FACTOR,
                markersize=6,
            )
    first_window = next((i for i, w in enumerate(weeks) if w.period == "window"), None)
    if first_window:
        axes.axvline(first_window - 0.5, color="#495057", linestyle="--", linewidth=0.8)
    step = max(1, len(weeks) // 12)
    axes.set_xticks(
        range(0, len(weeks), step),
        [f"{w.start:%d %b}" for w in weeks[::step]],
        fontsize=7,
        rotation=45,
        ha="right",
    )
    axes.set_ylim(0, top * 1.15)
    axes.set_ylabel("km per week", fontsize=8)
    axes.tick_params(axis="y", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(
        f"{lookback.athlete}: running per week before {lookback.day} "
        "(grey: usual; blue: the window; orange: a load factor present)",
        fontsize=8,
    )
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
