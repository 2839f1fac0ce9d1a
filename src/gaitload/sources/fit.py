"""FIT files to normalized activities: one per session, totals checked against the records.

The device's session stands unless it is provably wrong (docs/devices.md): it knows what
the records do not (pool lengths, a transition's distance, a foot pod). The records fill
what a session lacks, and replace it only when it is missing, zero or impossible: a timer
longer than the elapsed time beyond rounding (read as swapped), a distance shorter than its
own records cover, an end well before records the watch went on writing. Records on another
clock (a jump of more than `CLOCK_JUMP_S`) are dropped: no sample lands on a day the runner
did not run.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from gaitload.errors import CorruptFileError
from gaitload.sources import local_time
from gaitload.sources.fit_decode import Decoded, decode
from gaitload.sources.model import FOOT_SPORTS, LAP_SCHEMA, Activity, ParsedFile
from gaitload.sources.records import (
    RecordTotals,
    one_row_per_time,
    record_schema,
    records_frame,
    samples_from_records,
)

MAX_FIT_BYTES = 256 * 1024 * 1024
"""Larger than any real activity; a .fit.gz that inflates past this is a decompression bomb."""
FIT_EPOCH_VALID_FROM = datetime(1990, 1, 1)
FIT_EPOCH_VALID_FROM_UNIX = FIT_EPOCH_VALID_FROM.replace(tzinfo=UTC).timestamp()
SEMICIRCLE_DEG = 180.0 / 2**31
SURFACE_BY_SUB_SPORT = {
    "street": "road",
    "road": "road",
    "trail": "trail",
    "track": "track",
    "treadmill": "treadmill",
    "indoor_running": "treadmill",
    "virtual_activity": "treadmill",
}
NOTE_FIELD_NAMES = ("notes", "note", "description", "comment")
CLOCK_JUMP_S = 12 * 3600
"""A gap between records longer than this is a clock that jumped, not a pause: nobody pauses
a recording for half a day and carries on."""
END_SLACK_S = 60
"""Seconds a session's figures may be off by rounding or a last record written late."""
RECORDS = record_schema(
    ("ts", "lat", "lon", "altitude_m", "distance_m", "speed_m_s", "heart_rate", "power_w")
)
"""The records frame of a FIT file, as `records_frame` types it."""


def read_fit_bytes(path: Path) -> bytes:
    """The bytes of a file, `.gz` undone with a cap on what gzip may inflate to."""
    if not path.name.lower().endswith(".gz"):
        return path.read_bytes()
    return gunzip_capped(path.read_bytes())


def gunzip_capped(data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inflated = stream.read(MAX_FIT_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise CorruptFileError(f"not a readable gzip file ({exc})") from exc
    if len(inflated) > MAX_FIT_BYTES:
        raise CorruptFileError(f"inflates beyond {MAX_FIT_BYTES // 2**20} MiB: refused")
    return inflated


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_fit(path: Path, data: bytes, sha256: str, athlete_timezone: str) -> ParsedFile:
    """Parse one file's bytes; never raises for bad input, it reports it in the result."""
    parsed = ParsedFile(path=path, sha256=sha256, status="rejected", size_bytes=len(data))
    try:
        decoded = decode(data)
    except CorruptFileError as exc:
        parsed.reason = str(exc)
        return parsed
    parsed.decoder = decoded.decoder
    _rebase_relative_times(decoded, athlete_timezone)
    file_type = decoded.first("file_id").get("type")
    if file_type not in (None, "activity"):
        parsed.status, parsed.reason = "skipped", f"{file_type} file, not an activity"
        return parsed
    records = _on_one_clock(_records_frame(decoded))
    parsed.records = records.height
    sessions = _sessions(decoded, records)
    if not sessions:
        parsed.status, parsed.reason = "skipped", "no timestamped records or sessions: no activity"
        return parsed
    parsed.status, parsed.reason = "activity", decoded.partial_reason
    messages = [session for session, _ in sessions]
    parsed.activities = [
        _activity(decoded, messages, index, window, sha256, athlete_timezone)
        for index, (_, window) in enumerate(sessions)
    ]
    return parsed


def _records_frame(decoded: Decoded) -> pl.DataFrame:
    if decoded.record_columns is not None:
        return _records_frame_of_columns(decoded.record_columns)
    rows = [m for m in decoded.messages["record"] if _valid_time(m.get("timestamp"))]
    columns = {
        "ts": [m["timestamp"] for m in rows],
        "lat": [_degrees(m.get("position_lat")) for m in rows],
        "lon": [_degrees(m.get("position_long")) for m in rows],
        "altitude_m": [_first(m, "enhanced_altitude", "altitude") for m in rows],
        "distance_m": [m.get("distance") for m in rows],
        "speed_m_s": [_first(m, "enhanced_speed", "speed") for m in rows],
        "heart_rate": [m.get("heart_rate") for m in rows],
        "cadence_raw": [_cadence(m.get("cadence"), m.get("fractional_cadence")) for m in rows],
        "power_w": [m.get("power") for m in rows],
    }
    return records_frame(columns)


def _records_frame_of_columns(columns: dict[str, np.ndarray]) -> pl.DataFrame:
    """The same frame from the fast decoder's columns, in NumPy, with no loop over records
    (the decoder's NaN is null, as fitparse's None); a tenth of a polars query's cost."""
    stamps = columns["timestamp"]
    keep = stamps >= FIT_EPOCH_VALID_FROM_UNIX  # NaN, no time, is not kept either

    def column(name: str) -> np.ndarray | None:
        values = columns.get(name)
        return values[keep] if values is not None else None

    def first(name: str, fallback: str) -> np.ndarray | None:
        values, other = column(name), column(fallback)
        if values is None or other is None:
            return other if values is None else values
        return np.where(np.isnan(values), other, values)

    def degrees(name: str) -> np.ndarray | None:
        values = column(name)
        return values * SEMICIRCLE_DEG if values is not None else None

    cadence, fraction = column("cadence"), column("fractional_cadence")
    if cadence is not None and fraction is not None:
        cadence = cadence + np.nan_to_num(fraction)
    values = {
        "lat": degrees("position_lat"),
        "lon": degrees("position_long"),
        "altitude_m": first("enhanced_altitude", "altitude"),
        "distance_m": column("distance"),
        "speed_m_s": first("enhanced_speed", "speed"),
        "heart_rate": column("heart_rate"),
        "power_w": column("power"),
        "cadence_raw": cadence,
    }
    height = int(keep.sum())
    frame = {"ts": pl.Series("ts", stamps[keep].astype(np.int64) * 1_000_000, pl.Datetime("us"))}
    for name, dtype in list(RECORDS.items())[1:]:
        found = values[name]
        frame[name] = (
            pl.Series(name, found, nan_to_null=True).cast(dtype, strict=False)
            if found is not None
            else pl.Series(name, [None] * height, dtype)
        )
    return one_row_per_time(pl.DataFrame(frame))


def _on_one_clock(records: pl.DataFrame) -> pl.DataFrame:
    """The records on the recording's own clock: the largest run without a jump in time."""
    if records.height < 2:
        return records
    gaps = np.diff(records["ts"].dt.epoch("s").to_numpy())
    if not (gaps > CLOCK_JUMP_S).any():
        return records
    jumps = np.concatenate(([0], np.cumsum(gaps > CLOCK_JUMP_S)))
    runs = records.with_columns(run=pl.Series(jumps))
    largest = runs.group_by("run").len().sort(["len", "run"], descending=[True, False])[0, "run"]
    return runs.filter(pl.col("run") == largest).drop("run")


def _sessions(decoded: Decoded, records: pl.DataFrame) -> list[tuple[dict, pl.DataFrame]]:
    """Each session with the records that fall in it; a file with none is one session.

    A session without a start time still names the sport and holds the totals; the records
    say when it started.
    """
    sessions = sorted(
        (s for s in decoded.messages["session"] if _valid_time(s.get("start_time"))),
        key=lambda s: s["start_time"],
    )
    if not sessions:
        if records.height < 2:
            return []
        undated = decoded.messages["session"]
        if len(undated) == 1:
            return [({**undated[0], "start_time": None}, records)]
        sport = decoded.first("sport")
        return [({"sport": sport.get("sport"), "sub_sport": sport.get("sub_sport")}, records)]
    return [(s, _window(records, "ts", sessions, i)) for i, s in enumerate(sessions)]


def _window(frame: pl.DataFrame, column: str, sessions: list[dict], i: int) -> pl.DataFrame:
    """Rows from session i's start to the next session's; the first takes any earlier rows."""
    if i > 0:
        frame = frame.filter(pl.col(column) >= sessions[i]["start_time"])
    if i + 1 < len(sessions):
        frame = frame.filter(pl.col(column) < sessions[i + 1]["start_time"])
    return frame


def _activity(
    decoded: Decoded,
    sessions: list[dict],
    index: int,
    records: pl.DataFrame,
    sha256: str,
    athlete_timezone: str,
) -> Activity:
    session = sessions[index]
    sport = str(session.get("sport") or "generic").lower()
    sub_sport = _name_or_none(session.get("sub_sport"))
    foot = sport in FOOT_SPORTS
    start = _start(session, records)
    samples = samples_from_records(records, start, foot)
    totals, totals_source = _totals(session, start, samples, foot, decoded.partial)
    first_fix = samples.select("lat", "lon").drop_nulls().head(1)
    lat, lon = first_fix.row(0) if first_fix.height else (None, None)
    offset = local_time.resolve_offset(
        file_offset_s=_file_offset_s(decoded),
        lat=None if sub_sport == "virtual_activity" else lat,
        lon=None if sub_sport == "virtual_activity" else lon,
        at_utc=start,
        athlete_timezone=athlete_timezone,
    )
    return Activity(
        source="fit",
        source_id=f"{sha256}:{index}",
        sport=sport,
        sub_sport=sub_sport,
        start_time_utc=start,
        utc_offset_min=offset.minutes,
        offset_source=offset.source,
        timezone=offset.timezone,
        totals_source=totals_source,
        # a cut file: the last session, and any without a summary, end early
        partial=decoded.partial
        and (index == len(sessions) - 1 or not session.get("total_timer_time")),
        surface=SURFACE_BY_SUB_SPORT.get(sub_sport or "") if foot else None,
        device=_device(decoded),
        fit_notes=_notes(session) or _file_notes(decoded, sessions, index),
        start_lat=lat,
        start_lon=lon,
        samples=samples,
        laps=_laps(decoded.messages["lap"], sessions, index, foot),
        **totals,
    )


def _start(session: dict, records: pl.DataFrame) -> datetime:
    """The session's start, unless it lies on another clock than all of its records."""
    start = session.get("start_time")
    if records.height == 0:
        return start
    first, last = records["ts"].min(), records["ts"].max()
    if start is None or not first - timedelta(seconds=CLOCK_JUMP_S) <= start <= last:
        return first
    return start


def _totals(
    session: dict, start: datetime, samples: pl.DataFrame, foot: bool, truncated: bool
) -> tuple[dict, str]:
    """The device's totals unless they are missing or impossible; records fill the gaps."""
    from_records = RecordTotals(samples)
    from_session = _within_the_clock(_session_totals(session, foot), start, samples)
    if not from_session["elapsed_time_s"] and not from_session["moving_time_s"]:
        return dict(from_records), "records"
    if not truncated and _impossible(from_session, from_records, start, samples):
        return dict(from_records), "records"
    if not from_session["distance_m"] and (from_records["distance_m"] or 0.0) > 100:
        from_session["distance_m"] = None  # zero beside records that moved: not measured
    merged = {k: v if v is not None else from_records[k] for k, v in from_session.items()}
    return merged, "session"


def _within_the_clock(device: dict, start: datetime, samples: pl.DataFrame) -> dict:
    """Timer and elapsed as they can be: the timer never runs longer than the clock.

    A timer longer than the elapsed time by more than a device's rounding is the two
    fields swapped (a Nielsen-Kellerman writes them so); an elapsed time reaching past both
    the records and the timer by more than a clock jump was measured across one, and ends
    with the last record.
    """
    timer, elapsed = device["moving_time_s"], device["elapsed_time_s"]
    if timer and elapsed and timer > elapsed + END_SLACK_S:
        timer, elapsed = elapsed, timer
    if elapsed and samples.height:
        on_clock = (samples["ts"].max() - start).total_seconds()
        if elapsed > on_clock + CLOCK_JUMP_S and elapsed > (timer or 0) + CLOCK_JUMP_S:
            elapsed = on_clock
            timer = min(timer, elapsed) if timer is not None else None
    return {**device, "moving_time_s": timer, "elapsed_time_s": elapsed}


def _impossible(
    device: dict, recorded: RecordTotals, start: datetime, samples: pl.DataFrame
) -> bool:
    """A session that cannot be the whole of what its records show."""
    if samples.height < 2:
        return False
    end = start + timedelta(seconds=device["elapsed_time_s"] or device["moving_time_s"] or 0)
    if samples["ts"].max() > end + timedelta(seconds=END_SLACK_S):
        return True  # the watch went on recording after the summary was written
    device_m, records_m = device["distance_m"] or 0.0, recorded["distance_m"] or 0.0
    # shorter than the distance its own records cover; longer is what the records missed
    return device_m > 0 and records_m - device_m > max(0.05 * records_m, 50.0)


def _session_totals(session: dict, foot: bool) -> dict:
    cadence = _cadence(
        session.get("avg_running_cadence") or session.get("avg_cadence"),
        session.get("avg_fractional_cadence"),
    )
    return {
        "elapsed_time_s": session.get("total_elapsed_time"),
        "moving_time_s": session.get("total_timer_time"),
        "distance_m": session.get("total_distance"),
        "ascent_m": _float(session.get("total_ascent")),
        "descent_m": _float(session.get("total_descent")),
        "avg_cadence_spm": cadence * 2 if foot and cadence else None,
        "avg_hr": _positive(session.get("avg_heart_rate")),
        "max_hr": _positive(session.get("max_heart_rate")),
    }


def _laps(laps: list[dict], sessions: list[dict], index: int, foot: bool) -> pl.DataFrame:
    rows = [
        {"lap_start": lap["start_time"], **_session_totals(lap, foot)}
        for lap in laps
        if _valid_time(lap.get("start_time"))
    ]
    if not rows:
        return pl.DataFrame(schema=LAP_SCHEMA)
    frame = _window(pl.DataFrame(rows, strict=False), "lap_start", sessions, index)
    frame = frame.sort("lap_start").with_row_index("lap_index")
    return frame.rename({"lap_start": "start_time_utc"}).select(list(LAP_SCHEMA)).cast(LAP_SCHEMA)


def _rebase_relative_times(decoded: Decoded, athlete_timezone: str) -> None:
    """Old watches (Forerunner 70) count seconds since power-on; anchor them in real time.

    The activity message pairs such a relative `timestamp` with an absolute
    `local_timestamp`; the file cannot say its UTC offset, so the athlete's zone supplies it.
    """
    activity = decoded.first("activity")
    relative, local = activity.get("timestamp"), activity.get("local_timestamp")
    if not (isinstance(relative, int) and relative < 0x10000000 and _valid_time(local)):
        return
    local_anchor = local - timedelta(seconds=relative)
    offset = timedelta(minutes=local_time.offset_minutes(athlete_timezone, local))
    utc_anchor = local_anchor - offset
    for messages in decoded.messages.values():
        for message in messages:
            for key in ("timestamp", "start_time"):
                value = message.get(key)
                if isinstance(value, int) and value < 0x10000000:
                    message[key] = utc_anchor + timedelta(seconds=value)
    activity["local_timestamp"] = None  # its offset against rebased times would be circular


def _file_offset_s(decoded: Decoded) -> float | None:
    """Local minus UTC time from the activity message, if both are real timestamps."""
    activity = decoded.first("activity")
    utc, local = activity.get("timestamp"), activity.get("local_timestamp")
    if not (_valid_time(utc) and isinstance(local, datetime)):
        return None
    return (local - utc).total_seconds()


def _device(decoded: Decoded) -> str | None:
    file_id = decoded.first("file_id")
    creator = next(
        (
            d
            for d in decoded.messages["device_info"]
            if d.get("device_index") in ("creator", 0) and d.get("product_name")
        ),
        {},
    )
    maker = file_id.get("manufacturer")
    product = (
        creator.get("product_name")
        or file_id.get("product_name")
        or file_id.get("garmin_product")
        or file_id.get("product")
    )
    parts = [str(p) for p in (maker, product) if p is not None and str(p) != ""]
    return " ".join(parts) or None


def _notes(message: dict) -> str | None:
    """The text of a message's notes fields; several different ones are joined by lines."""
    texts = [
        value.strip()
        for key, value in message.items()
        if isinstance(key, str) and key.lower() in NOTE_FIELD_NAMES and isinstance(value, str)
    ]
    return "\n".join(dict.fromkeys(t for t in texts if t)) or None


def _file_notes(decoded: Decoded, sessions: list[dict], index: int) -> str | None:
    """The activity message's notes, for the first session of a file whose sessions have none."""
    if index > 0 or any(_notes(s) for s in sessions):
        return None
    return _notes(decoded.first("activity"))


def _valid_time(value: object) -> bool:
    return isinstance(value, datetime) and value >= FIT_EPOCH_VALID_FROM


def _degrees(semicircles: object) -> float | None:
    return semicircles * SEMICIRCLE_DEG if isinstance(semicircles, int) else None


def _cadence(whole: object, fraction: object) -> float | None:
    if not isinstance(whole, int | float):
        return None
    return float(whole) + (float(fraction) if isinstance(fraction, int | float) else 0.0)


def _first(message: dict, *names: str) -> object:
    return next((message[n] for n in names if message.get(n) is not None), None)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _positive(value: object) -> float | None:
    """Zero means "no sensor" in FIT summaries, not a heart at rest."""
    return float(value) if isinstance(value, int | float) and value > 0 else None


def _name_or_none(value: object) -> str | None:
    return str(value).lower() if value is not None else None
