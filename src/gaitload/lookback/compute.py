"""The look-back: "my foot started hurting on D: what changed before?"

Reads only. The rules are evaluated as of the day before D (nothing recorded), their load
factors' episodes go into a temporary table of this connection (DuckDB allows temporary
objects on a read-only connection), and the SQL files in `sql/` match the window, the
usual period, the weekly series and the pain history against them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.errors import GaitloadError
from gaitload.lookback.model import (
    FactorHistory,
    FactorPresent,
    History,
    LookBack,
    Measure,
    PainEpisode,
    Period,
    Week,
)
from gaitload.read import query
from gaitload.rules.catalogue import catalogue, level
from gaitload.rules.evaluate import Episode, evaluate
from gaitload.store.reading import reading

SQL = "gaitload.lookback.sql"

LOAD_FACTORS = catalogue().load_factors
"""The factors a look-back considers: the training-load rules only (the catalogue's `load`
group), never rules about pain (a look-back asks what in the training came before the pain)."""

USUAL_WEEKS = 26
FEW_PAIN_EPISODES = 10

MEASURES = (
    # key (a column of measures.sql), label, unit, the factor it informs
    ("run_km_per_week", "running km per week", "km", "load_ramp"),
    ("longest_run_km", "longest run", "km", "long_run_spike"),
    ("runs_per_week", "runs per week", "runs", "load_ramp"),
    ("rest_days_per_week", "rest days per week", "days", "rest_days"),
    ("longest_streak_days", "longest streak of running days", "days", "rest_days"),
    ("descent_m_per_week", "descent per week", "m", "hill_exposure"),
    ("steep_km_per_week", "km on grades steeper than ±5 % per week", "km", "hill_exposure"),
    ("cadence_spm", "mean cadence (moving-time weighted)", "steps/min", "cadence"),
    ("top_surface_share", "share of running km on the top surface", "share", "surface_variety"),
    ("cross_training_share", "cross-training share of training time", "share", "cross_training"),
    ("main_shoe_km_per_week", "km per week on the main shoe", "km", "shoe_change"),
)


def look_back(
    settings: Settings, *, day: date, athlete: str | None = None, weeks: int = 6
) -> LookBack:
    """What changed in the `weeks` before `day` against the athlete's usual, which load
    factors were there, and which were there before each earlier pain episode."""
    if weeks < 1:
        raise GaitloadError(f"weeks must be at least 1, not {weeks}")
    name = settings.athlete(athlete).name
    with reading(settings.db_path) as r:
        first_day = _check_day(r.con, name, day)
        window, usual, notes = _periods(name, day, weeks, first_day)
        episodes = [
            e
            for e in evaluate(r.con, settings, as_of=day - timedelta(days=1), athlete=name).episodes
            if e.factor in LOAD_FACTORS
        ]
        _store_episodes(r.con, episodes)
        try:
            measures = _measures(r.con, name, window, usual)
            series = _series(r.con, name, window, usual, weeks)
            history = _history(r.con, name, day, weeks, first_day)
        finally:
            r.con.execute("DROP TABLE IF EXISTS lookback_episodes")
        source_note = r.note
    return LookBack(
        athlete=name,
        day=day,
        weeks=weeks,
        window=window,
        usual=usual,
        notes=tuple(notes),
        factors=_factors_present(episodes, window),
        measures=measures,
        series=series,
        history=history,
        source_note=source_note,
    )


def _check_day(con: duckdb.DuckDBPyConnection, athlete: str, day: date) -> date:
    """The first day of the athlete's history, once `day` is known to lie after it."""
    first_day, _, timezone = con.execute(
        sqlfiles.load(SQL, "bounds.sql"), {"athlete": athlete}
    ).fetchone()
    if first_day is None:
        raise GaitloadError(f"no activities for athlete {athlete!r}: nothing to look back on")
    today = datetime.now(ZoneInfo(timezone)).date()
    if day > today:
        raise GaitloadError(f"{day} is in the future (today is {today} for {athlete})")
    if day <= first_day:
        raise GaitloadError(
            f"nothing to look back on before {day}: {athlete}'s history starts on {first_day}"
        )
    return first_day


def _periods(
    athlete: str, day: date, weeks: int, first_day: date
) -> tuple[Period, Period | None, list[str]]:
    nominal = day - timedelta(weeks=weeks)
    window_first = max(nominal, first_day)
    window = Period(window_first, day - timedelta(days=1), (day - window_first).days)
    notes = []
    if window_first > nominal:
        notes.append(
            f"The window has only {window.days} days: {athlete}'s history starts on {first_day}."
        )
    usual_last = nominal - timedelta(days=1)
    usual_first = max(nominal - timedelta(weeks=USUAL_WEEKS), first_day)
    if usual_first > usual_last:
        notes.append("No history before the window: there is no usual to compare with.")
        return window, None, notes
    usual = Period(usual_first, usual_last, (usual_last - usual_first).days + 1)
    if usual_first > nominal - timedelta(weeks=USUAL_WEEKS):
        notes.append(
            f"Usual: the {usual.weeks:.1f} weeks of history before the window "
            f"({usual.first} to {usual.last}), fewer than the {USUAL_WEEKS} asked for."
        )
    else:
        notes.append(
            f"Usual: the {USUAL_WEEKS} weeks before the window ({usual.first} to {usual.last})."
        )
    return window, usual, notes


def _store_episodes(con: duckdb.DuckDBPyConnection, episodes: list[Episode]) -> None:
    con.execute(sqlfiles.load(SQL, "episodes_table.sql"))
    con.execute(
        sqlfiles.load(SQL, "insert_episodes.sql"),
        {
            "factors": [e.factor for e in episodes],
            "opened_on": [e.opened_on for e in episodes],
            "last_seen": [e.last_seen for e in episodes],
        },
    )


def _factors_present(episodes: list[Episode], window: Period) -> tuple[FactorPresent, ...]:
    titles = {f: r.title for f, r in catalogue().rules.items()}
    by_factor: dict[str, list[Episode]] = {}
    for e in episodes:
        if e.opened_on <= window.last and e.last_seen >= window.first:
            by_factor.setdefault(e.factor, []).append(e)
    present = []
    for factor, found in by_factor.items():
        worst = max(found, key=lambda e: (level(e.severity), e.last_seen))
        present.append(
            FactorPresent(
                factor=factor,
                title=titles[factor],
                severity=worst.severity,
                first_day=min(e.opened_on for e in found),
                last_day=max(e.last_seen for e in found),
                message=worst.message,
                episodes=len(found),
            )
        )
    return tuple(sorted(present, key=lambda f: (f.first_day, LOAD_FACTORS.index(f.factor))))


def _measures(
    con: duckdb.DuckDBPyConnection, athlete: str, window: Period, usual: Period | None
) -> tuple[Measure, ...]:
    found = query.rows(
        con,
        sqlfiles.load(SQL, "measures.sql"),
        athlete=athlete,
        window_first=window.first,
        window_last=window.last,
        usual_first=usual.first if usual else None,
        usual_last=usual.last if usual else None,
    )
    rows = {row["period"]: row for row in found}
    w, u = rows["window"], rows.get("usual")
    measures = []
    for key, label, unit, informs in MEASURES:
        usual_value = u[key] if u else None
        subject = detail = None
        if key == "top_surface_share":
            subject = w["top_surface"]
            if u and u["usual_top_surface"]:
                detail = f"usual top surface: {u['usual_top_surface']} {u['usual_top_share']:.0%}"
        elif key == "main_shoe_km_per_week":
            subject = w["main_shoe_name"]
            detail = (
                f"{w['main_shoe_km_before']:.0f} km on it in all up to {window.last}"
                if subject
                else "no shoe named for the window's runs (gaitload shoe add)"
            )
        measures.append(
            Measure(
                key=key,
                label=label,
                unit=unit,
                informs=informs,
                window=w[key],
                usual=usual_value,
                change=_change(unit, w[key], usual_value),
                change_unit="pp" if unit == "share" else "%",
                subject=subject,
                detail=detail,
            )
        )
    return tuple(measures)


def _change(unit: str, window: float | None, usual: float | None) -> float | None:
    if window is None or usual is None:
        return None
    if unit == "share":
        return (window - usual) * 100
    return None if usual == 0 else (window - usual) / usual * 100


def _series(
    con: duckdb.DuckDBPyConnection,
    athlete: str,
    window: Period,
    usual: Period | None,
    weeks: int,
) -> tuple[Week, ...]:
    cursor = con.execute(
        sqlfiles.load(SQL, "weeks.sql"),
        {
            "athlete": athlete,
            "first": (usual or window).first,
            "last": window.last,
            "weeks": weeks,
        },
    )
    return tuple(
        Week(start, end, period, days, km, descent, rest, runs, tuple(factors))
        for start, end, period, days, km, descent, rest, runs, factors in cursor.fetchall()
    )


def _history(
    con: duckdb.DuckDBPyConnection, athlete: str, day: date, weeks: int, first_day: date
) -> History:
    days = weeks * 7
    pains = tuple(
        PainEpisode(started, location, side, place, max_score, bone, tuple(factors))
        for started, location, side, place, max_score, bone, factors in con.execute(
            sqlfiles.load(SQL, "pain_history.sql"),
            {"athlete": athlete, "day": day, "days": days},
        ).fetchall()
    )
    rows = con.execute(
        sqlfiles.load(SQL, "base_rate.sql"), {"first_day": first_day, "day": day, "days": days}
    ).fetchall()
    counts = dict(rows)
    windows = counts.pop(None)
    titles = {f: r.title for f, r in catalogue().rules.items()}
    factors = tuple(
        FactorHistory(
            factor=factor,
            title=titles[factor],
            preceded=sum(factor in p.factors for p in pains),
            pain_episodes=len(pains),
            base_rate=counts.get(factor, 0) / windows if windows else None,
        )
        for factor in LOAD_FACTORS
    )
    return History(pains, factors, windows, _warning(len(pains), day))


def _warning(n: int, day: date) -> str | None:
    if n == 0:
        return f"No pain episodes in the journal up to {day}: nothing to compare with."
    if n < FEW_PAIN_EPISODES:
        episodes = "pain episode" if n == 1 else "pain episodes"
        return (
            f"{n} {episodes}: a handful proves nothing; a factor that preceded them "
            "may be one that is simply often there."
        )
    return None
