"""What a look-back returns: plain frozen records, and one JSON form of them all."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    days: int
    """Local calendar days inside the athlete's history (fewer than asked near its start)."""

    @property
    def weeks(self) -> float:
        return self.days / 7


@dataclass(frozen=True)
class FactorPresent:
    """A load factor with an episode overlapping the window (several for the shoe rules)."""

    factor: str
    title: str
    severity: str
    """The highest its episodes reached, up to the day before D."""
    first_day: date
    last_day: date
    message: str
    """The message of its most severe (then latest) episode."""
    episodes: int


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    """km, runs, days, m, steps/min, or share (0 to 1)."""
    informs: str
    """The load factor it informs."""
    window: float | None
    usual: float | None
    change: float | None
    """Relative change in % of the usual value; for shares, the difference in points."""
    change_unit: str
    """`%`, or `pp` (percentage points) for shares."""
    subject: str | None = None
    """The surface or shoe the measure is about, where it is about one."""
    detail: str | None = None


@dataclass(frozen=True)
class Week:
    start: date
    end: date
    period: str
    """`window` or `usual`."""
    days: int
    km: float
    descent_m: float
    rest_days: int
    runs: int
    factors: tuple[str, ...]
    """Load factors with an episode overlapping this week."""


@dataclass(frozen=True)
class PainEpisode:
    started_on: date
    location: str
    side: str | None
    place: str
    """Side and location in words (the `pain` view's wording)."""
    max_score: int
    bone: bool
    factors: tuple[str, ...]
    """Load factors with an episode overlapping the look-back's weeks before it."""


@dataclass(frozen=True)
class FactorHistory:
    factor: str
    title: str
    preceded: int
    """Pain episodes it preceded."""
    pain_episodes: int
    base_rate: float | None
    """Share of all the athlete's windows of the same length in which it was present."""


@dataclass(frozen=True)
class History:
    pain_episodes: tuple[PainEpisode, ...]
    factors: tuple[FactorHistory, ...]
    base_windows: int
    """How many windows the base rate was counted over (one ending before each Monday)."""
    warning: str | None


@dataclass(frozen=True)
class LookBack:
    athlete: str
    day: date
    """D: the day the pain started; the window ends the day before."""
    weeks: int
    window: Period
    usual: Period | None
    notes: tuple[str, ...]
    """What the reader should know about the periods: less history than asked, none."""
    factors: tuple[FactorPresent, ...]
    measures: tuple[Measure, ...]
    series: tuple[Week, ...]
    history: History
    source_note: str | None = None
    """Set when the database was being written and the snapshot was read instead."""

    def to_json(self) -> dict:
        """Everything as one JSON-ready dict: dates ISO, floats to 4 decimals."""
        out = _plain(asdict(self))
        out["window"]["weeks"] = round(self.window.weeks, 4)
        if self.usual is not None:
            out["usual"]["weeks"] = round(self.usual.weeks, 4)
        return out


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value
