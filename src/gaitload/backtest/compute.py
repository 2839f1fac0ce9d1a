"""The backtest: how the load rules' own episodes lined up with injuries.

The rules are evaluated over each athlete's whole history as of its last day (nothing is
recorded), their warn/high episodes become days open, and `sql/measures.sql` counts them
against the injuries (the pain journal's episodes, or a list). Days are not independent (a
week's outcome window overlaps the next day's), so the confidence interval of the risk ratio
comes from resampling athletes, not days.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from gaitload import sqlfiles
from gaitload.config import Settings
from gaitload.errors import GaitloadError
from gaitload.read import query
from gaitload.rules.alerts import require_database
from gaitload.rules.catalogue import catalogue
from gaitload.rules.evaluate import evaluate
from gaitload.store.reading import reading

SQL = "gaitload.backtest.sql"
WORKING_TABLES = (
    "bt_periods",
    "bt_episodes",
    "bt_injuries",
    "bt_factors",
    "bt_days",
    "bt_injury_days",
)
"""Temp tables of tables.sql and labelled_days.sql, dropped when a backtest ends."""
ANY = "(any)"
WARMUP_DAYS = 35
"""Days of history before scoring starts: the rules compare with up to 35 days before."""
SEED = 20211522
"""The bootstrap's seed, fixed so that a backtest repeats to the digit."""
REPLICATES = 2000


@dataclass(frozen=True)
class Injury:
    athlete: str
    day: date
    place: str | None = None


@dataclass(frozen=True)
class RuleRecord:
    """One rule's (or any rule's) record against the injuries."""

    factor: str
    days: int
    open_days: int
    spells: int
    """Runs of consecutive open days: episodes as the runner lives them."""
    athlete_years: float
    injuries: int
    preceded_7d: int
    preceded_21d: int
    open_pos: int
    """Open days followed by an injury within 7 days."""
    closed_pos: int
    rr_7d: float | None
    rr_low: float | None
    rr_high: float | None
    precision: float | None
    recall: float | None
    auc: float | None

    @property
    def open_share(self) -> float | None:
        return _ratio(self.open_days, self.days)

    @property
    def spells_per_year(self) -> float | None:
        return _ratio(self.spells, self.athlete_years)

    @property
    def preceded_7d_share(self) -> float | None:
        return _ratio(self.preceded_7d, self.injuries)

    @property
    def preceded_21d_share(self) -> float | None:
        return _ratio(self.preceded_21d, self.injuries)

    def row(self) -> tuple[str | None, ...]:
        """The record as a table row reads it: shares in %, ratios to two places."""
        ci = None if self.rr_low is None else f"[{self.rr_low:.2f}-{self.rr_high:.2f}]"
        rr = None if self.rr_7d is None else f"{self.rr_7d:.2f} {ci or ''}".strip()
        return (
            _pct(self.open_share),
            None if self.spells_per_year is None else f"{self.spells_per_year:.1f}",
            rr,
            _pct(self.preceded_7d_share),
            _pct(self.preceded_21d_share),
            _pct(self.precision),
            _pct(self.recall),
            None if self.auc is None else f"{self.auc:.2f}",
        )

    def to_json(self) -> dict:
        return {
            **asdict(self),
            "open_share": self.open_share,
            "spells_per_year": self.spells_per_year,
            "preceded_7d_share": self.preceded_7d_share,
            "preceded_21d_share": self.preceded_21d_share,
        }


@dataclass(frozen=True)
class Backtest:
    athletes: int
    injuries: int
    injury_source: str
    records: list[RuleRecord]
    """One per load rule, then ANY: any load rule at warn or high."""
    counts: list[dict]
    """Per rule and athlete: the counts the records pool (measures.sql)."""
    scores: list[dict]
    """Per rule, athlete and daily score: days with and without an injury after (auc.sql)."""

    def only(self, athletes: set[str]) -> Backtest:
        """The same backtest pooled over some of its athletes (a cross-validation fold)."""
        counts = [c for c in self.counts if c["athlete"] in athletes]
        scores = [s for s in self.scores if s["athlete"] in athletes]
        return summarise(counts, scores, self.injury_source)

    def __add__(self, other: Backtest) -> Backtest:
        """Two backtests of different athletes pooled (the held-out folds)."""
        return summarise(self.counts + other.counts, self.scores + other.scores, self.injury_source)

    def record(self, factor: str) -> RuleRecord:
        return next(r for r in self.records if r.factor == factor)

    def to_json(self) -> dict:
        return {
            "athletes": self.athletes,
            "injuries": self.injuries,
            "injury_source": self.injury_source,
            "seed": SEED,
            "replicates": REPLICATES,
            "rules": [r.to_json() for r in self.records],
        }


def backtest(
    settings: Settings, *, athlete: str | None = None, injuries: Path | None = None
) -> Backtest:
    """`gaitload backtest`: the rules against the pain journal's episodes or a CSV's injuries."""
    require_database(settings)
    listed = read_injuries(injuries) if injuries else None
    with reading(settings.db_path) as r:
        return measure(r.con, settings, athlete=athlete, injuries=listed)


def measure(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    athlete: str | None = None,
    injuries: list[Injury] | None = None,
) -> Backtest:
    """The backtest over an open connection (read-only is enough: only temp tables are
    written). `Backtest.only` pools it over some of its athletes (cross-validation)."""
    source = "list" if injuries is not None else "pain journal"
    for statement in sqlfiles.statements(SQL, "tables.sql"):
        con.execute(statement)
    try:
        if injuries is None:
            injuries = _pain_injuries(con, athlete)
        _check_athletes(con, injuries)
        if athlete is not None:
            injuries = [i for i in injuries if i.athlete == athlete]
        _insert(con, "bt_injuries", [(i.athlete, i.day, i.place) for i in injuries])
        periods = _periods(con, athlete)
        if not periods:
            who = f"athlete {athlete!r}" if athlete else "any athlete"
            raise GaitloadError(f"no activities for {who}: nothing to backtest")
        _insert(con, "bt_periods", periods)
        factors = catalogue().load_factors
        _insert(con, "bt_factors", [(f,) for f in factors])
        _insert(con, "bt_episodes", _episodes(con, settings, periods, factors))
        for statement in sqlfiles.statements(SQL, "labelled_days.sql"):
            con.execute(statement)
        counts = query.rows(con, sqlfiles.load(SQL, "measures.sql"))
        scores = query.rows(con, sqlfiles.load(SQL, "auc.sql"))
    finally:
        for table in WORKING_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return summarise(counts, scores, source)


def summarise(counts: list[dict], scores: list[dict], source: str) -> Backtest:
    """The records of every rule, pooled over the athletes in `counts`."""
    present = {c["factor"] for c in counts}
    factors = [*(f for f in catalogue().load_factors if f in present), ANY]
    records = [
        _record(
            f,
            [c for c in counts if c["factor"] == f],
            _auc([s for s in scores if s["factor"] == f]),
        )
        for f in factors
    ]
    return Backtest(
        athletes=len({c["athlete"] for c in counts}),
        injuries=sum(c["injuries"] for c in counts if c["factor"] == ANY),
        injury_source=source,
        records=records,
        counts=counts,
        scores=scores,
    )


def _auc(scores: list[dict]) -> float | None:
    """Mann-Whitney: the chance that a day before an injury scores above a day that is not,
    ties counted half."""
    by_score: dict[float, list[int]] = {}
    for s in scores:
        pos_neg = by_score.setdefault(s["score"], [0, 0])
        pos_neg[0] += s["pos"]
        pos_neg[1] += s["neg"]
    pos = sum(p for p, _ in by_score.values())
    neg = sum(n for _, n in by_score.values())
    if not pos or not neg:
        return None
    below = wins = 0.0
    for score in sorted(by_score):
        p, n = by_score[score]
        wins += p * (below + n / 2)
        below += n
    return wins / (pos * neg)


def read_injuries(path: Path) -> list[Injury]:
    """A CSV with a header `athlete,date[,place]`, dates as YYYY-MM-DD; one line per injury."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            if "athlete" not in header or "date" not in header:
                raise GaitloadError(
                    f"{path}: the first line must name the columns athlete,date[,place] "
                    f"(found {','.join(header) or 'nothing'})"
                )
            reader.fieldnames = header
            return [_injury(path, n, row) for n, row in enumerate(reader, start=2)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise GaitloadError(f"{path}: cannot read the injuries ({error})") from None


def _injury(path: Path, line: int, row: dict) -> Injury:
    athlete = (row.get("athlete") or "").strip()
    text = (row.get("date") or "").strip()
    if not athlete:
        raise GaitloadError(f"{path} line {line}: no athlete")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise GaitloadError(f"{path} line {line}: {text!r} is not a date (YYYY-MM-DD)") from None
    return Injury(athlete, day, (row.get("place") or "").strip() or None)


def _pain_injuries(con: duckdb.DuckDBPyConnection, athlete: str | None) -> list[Injury]:
    rows = con.execute(sqlfiles.load(SQL, "pain_injuries.sql"), {"athlete": athlete}).fetchall()
    return [Injury(*row) for row in rows]


def _check_athletes(con: duckdb.DuckDBPyConnection, injuries: list[Injury]) -> None:
    known = {name for (name,) in con.execute("SELECT athlete FROM athletes").fetchall()}
    unknown = sorted({i.athlete for i in injuries} - known)
    if unknown:
        raise GaitloadError(
            f"injuries name athletes with no history here: {', '.join(unknown[:5])}"
            + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        )


def _periods(con: duckdb.DuckDBPyConnection, athlete: str | None) -> list[tuple]:
    rows = con.execute(sqlfiles.load(SQL, "periods.sql"), {"athlete": athlete}).fetchall()
    return [(name, first, first + timedelta(days=WARMUP_DAYS), last) for name, first, last in rows]


def _episodes(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    periods: list[tuple[str, date, date, date]],
    factors: tuple[str, ...],
) -> list[tuple]:
    """Every load rule's warn/high episodes, each athlete evaluated as of its last day."""
    rows = []
    for name, _, _, last_day in periods:
        for e in evaluate(con, settings, as_of=last_day, athlete=name).episodes:
            if e.factor not in factors or e.severity not in ("warn", "high"):
                continue
            warn_from = e.opened_on if e.opened_severity != "info" else e.severity_since
            high_from = e.severity_since if e.severity == "high" else None
            until = (e.resolved_on - timedelta(days=1)) if e.resolved_on else last_day
            rows.append((name, e.factor, warn_from, high_from, until))
    return rows


def _record(factor: str, rows: list[dict], auc: float | None) -> RuleRecord:
    rows = sorted(rows, key=lambda r: r["athlete"])  # the bootstrap draws by position
    days = sum(r["days"] for r in rows)
    open_days = sum(r["open_days"] for r in rows)
    open_pos = sum(r["open_pos"] for r in rows)
    closed_pos = sum(r["closed_pos"] for r in rows)
    low, high = _bootstrap_rr(rows)
    return RuleRecord(
        factor=factor,
        days=days,
        open_days=open_days,
        spells=sum(r["spells"] for r in rows),
        athlete_years=days / 365.25,
        injuries=sum(r["injuries"] for r in rows),
        preceded_7d=sum(r["preceded_7d"] for r in rows),
        preceded_21d=sum(r["preceded_21d"] for r in rows),
        open_pos=open_pos,
        closed_pos=closed_pos,
        rr_7d=_rr(open_pos, open_days, closed_pos, days - open_days),
        rr_low=low,
        rr_high=high,
        precision=_ratio(open_pos, open_days),
        recall=_ratio(open_pos, open_pos + closed_pos),
        auc=auc,
    )


def _rr(open_pos: float, open_days: float, closed_pos: float, closed_days: float) -> float | None:
    if not open_days or not closed_days or not closed_pos:
        return None
    return (open_pos / open_days) / (closed_pos / closed_days)


def _bootstrap_rr(rows: list[dict]) -> tuple[float | None, float | None]:
    """The 2.5th and 97.5th percentiles of the risk ratio over athletes drawn with
    replacement (replicates where it is undefined are left out)."""
    if len(rows) < 2:
        return None, None
    counts = np.array(
        [
            [r["open_pos"], r["open_days"], r["closed_pos"], r["days"] - r["open_days"]]
            for r in rows
        ],
        dtype=float,
    )
    draws = np.random.default_rng(SEED).integers(0, len(rows), size=(REPLICATES, len(rows)))
    a, n1, c, n0 = counts[draws].sum(axis=1).T
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = (a / n1) / (c / n0)
    rr = rr[np.isfinite(rr)]
    if rr.size < REPLICATES / 2:
        return None, None
    low, high = np.percentile(rr, [2.5, 97.5])
    return float(low), float(high)


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{value * 100:.0f} %"


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Many rows at once, through Arrow (`executemany` costs a statement per row)."""
    if rows:
        names = query.table(con, f"SELECT * FROM {table} LIMIT 0").columns
        frame = pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in rows])
        con.register("bt_rows", frame)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM bt_rows")
        con.unregister("bt_rows")
