"""The one normalized shape every source ends in; after this point nothing knows the source.

Units are SI, positions degrees, cadence steps/min for foot sports, times naive UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

SAMPLE_SCHEMA: dict[str, pl.DataType] = {
    "ts": pl.Datetime("us"),
    "elapsed_s": pl.Float64,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "altitude_m": pl.Float64,
    "distance_m": pl.Float64,
    "speed_m_s": pl.Float64,
    "heart_rate": pl.Int16,
    "cadence_spm": pl.Float64,
    "cadence_rpm": pl.Float64,
    "power_w": pl.Int32,
    "grade_pct": pl.Float64,
    "moving": pl.Boolean,
}
"""`grade_pct` and `moving` come from Strava's streams; device files leave them NULL."""

LAP_SCHEMA: dict[str, pl.DataType] = {
    "lap_index": pl.Int32,
    "start_time_utc": pl.Datetime("us"),
    "elapsed_time_s": pl.Float64,
    "moving_time_s": pl.Float64,
    "distance_m": pl.Float64,
    "ascent_m": pl.Float64,
    "descent_m": pl.Float64,
    "avg_cadence_spm": pl.Float64,
    "avg_hr": pl.Float64,
}

FOOT_SPORTS = frozenset({"running", "walking", "hiking", "mountaineering", "snowshoeing"})


@dataclass
class Link:
    """An activity's (source, external_id) pair: its identity at a service such as Strava."""

    source: str
    external_id: str
    sport_type: str | None = None
    """The service's own sport name, as is (Strava: Run, TrailRun, ...)."""
    via: str | None = None
    """How the service's fields arrived (Strava: api or export); see `MergeRule.channels`."""


@dataclass(frozen=True)
class MergeRule:
    """What a source may fill on whichever copy of an activity the store keeps.

    New values fill gaps and win; a copy from the source itself (an edit) replaces its
    fields even where it cleared them; a value that came by a more trusted channel is never
    overridden by one from a less trusted channel.
    """

    source: str
    fields: tuple[str, ...]
    channels: tuple[str, ...] = ()
    """How the source's values arrive, most trusted first (Strava: api, then export)."""
    from_streams: bool = False
    """The source records activities from its own streams, not files: a file's copy of the
    same activity is the fuller recording."""

    def outranks(self, old_via: str | None, new_via: str | None) -> bool:
        """Whether a value that came `old_via` must stay against one coming `new_via`."""
        if old_via not in self.channels or new_via not in self.channels:
            return False
        return self.channels.index(old_via) < self.channels.index(new_via)


@dataclass
class Activity:
    """One activity: a whole file, or one session of a multisport file."""

    source: str
    source_id: str
    sport: str
    sub_sport: str | None
    start_time_utc: datetime
    utc_offset_min: int
    offset_source: str
    """Where the local offset came from: file, gps or athlete (configured zone)."""
    timezone: str | None
    elapsed_time_s: float
    moving_time_s: float
    distance_m: float | None
    ascent_m: float | None
    descent_m: float | None
    avg_cadence_spm: float | None
    avg_hr: float | None
    max_hr: float | None
    totals_source: str
    """session (the device's own figures) or records (recomputed: missing or provably wrong)."""
    partial: bool = False
    surface: str | None = None
    device: str | None = None
    name: str | None = None
    start_lat: float | None = None
    start_lon: float | None = None
    gear_id: str | None = None
    """Source-qualified, e.g. `strava:g123` (see core.gear)."""
    link: Link | None = None
    """The activity's identity at a service, when known: what makes API, export and file one."""
    trainer: bool | None = None
    description: str | None = None
    private_note: str | None = None
    fit_notes: str | None = None
    """What the athlete typed about it in the recording app, from the FIT file's notes."""
    samples: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SAMPLE_SCHEMA))
    laps: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LAP_SCHEMA))


@dataclass
class ParsedFile:
    """What a worker hands the single writer: the file's activities, or why there are none."""

    path: Path
    sha256: str
    status: str
    """activity, skipped (not an activity file) or rejected (unreadable)."""
    reason: str | None = None
    decoder: str | None = None
    activities: list[Activity] = field(default_factory=list)
    records: int = 0
    size_bytes: int = 0
