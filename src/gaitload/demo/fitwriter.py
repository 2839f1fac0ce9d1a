"""Write FIT activity files with fit-tool, for demo data and test fixtures.

The files are meant to look like what a sports watch writes, so that the FIT import
can be exercised end to end: ``file_id``, ``device_info``, a timer start event, the
records, one lap and one session per :class:`SessionSpec`, a timer stop event and the
``activity`` message. Flags let tests produce the broken files real users have too
(no summary messages after a crash, a truncated upload).

FIT has no notes field; apps that let the athlete type one write it as a *developer
field*. A session's ``notes`` is written that way: one ``developer_data_id`` (developer
data index 0) and one ``field_description`` (field 0, a string named ``notes``) before
the records, then the text as that developer field on the session's own message. Files
without notes carry neither, so they are byte for byte what they were before.

Records dominate the run time: a generated fit-tool ``RecordMessage()`` builds ~85
``Field`` objects and every value goes through a scaling setter, ~0.5 ms per record.
We encode whole columns at once with polars (using the scale/offset of fit-tool's own
profile fields, so units stay fit-tool's business) and hand the builder lean record
messages that carry only the fields present. That makes a record ~10x cheaper while
the definition/record framing, CRC and header are still produced by fit-tool.

fit-tool quirks this module relies on (checked by reading back with fitparse 1.2):

* ``date_time`` fields (``timestamp``, ``start_time``, ``time_created``) take epoch
  **milliseconds**; ``activity.local_timestamp`` is a ``local_date_time`` with no
  scale, so it takes raw **seconds since the FIT epoch** (1989-12-31T00:00:00).
* ``position_lat``/``position_long`` take degrees (profile scale 2**31/180);
  fitparse returns the raw semicircles.
* ``fractional_cadence``/``avg_fractional_cadence`` take the fraction (scale 128).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import polars as pl
from fit_tool import FitFileBuilder
from fit_tool.base_type import BaseType
from fit_tool.data_message import DataMessage
from fit_tool.developer_field import DeveloperField
from fit_tool.field import Field
from fit_tool.profile import profile_type
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.developer_data_id_message import DeveloperDataIdMessage
from fit_tool.profile.messages.device_info_message import DeviceInfoMessage
from fit_tool.profile.messages.event_message import EventMessage
from fit_tool.profile.messages.field_description_message import FieldDescriptionMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.profile_type import (
    Activity,
    Event,
    EventType,
    FileType,
    LapTrigger,
    Manufacturer,
    SessionTrigger,
    Sport,
    SubSport,
)

from gaitload.streams import ascent_descent

__all__ = ["SessionSpec", "write_fit"]

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_S = 631065600

#: Local message number for records; everything else uses 0. Keeping records on their
#: own local number means the summary messages in between never force a redefinition.
_RECORD_LOCAL_ID = 1

#: The developer field a session's notes are written as (see the module docstring).
NOTES_FIELD_NAME = "notes"
NOTES_DEVELOPER_DATA_INDEX = 0
NOTES_FIELD_NUMBER = 0
#: Identifies the app that defined the field (16 bytes, as a UUID would be).
NOTES_APPLICATION_ID = b"gaitload-notes\x00\x01"
#: A FIT field holds at most 255 bytes; a string also needs its NUL terminator.
MAX_NOTES_BYTES = 254


@dataclass
class SessionSpec:
    """One sport session of an activity file and the samples recorded during it.

    ``samples`` has one row per record: ``t_s`` (seconds since the file's start, required)
    and optionally ``lat``/``lon`` (degrees), ``altitude_m``, ``distance_m`` (cumulative over
    the file), ``speed_m_s``, ``heart_rate``, ``cadence_spm`` (running, steps/min) and
    ``cadence_rpm`` (cycling). Nulls are written as FIT invalid values.
    ``totals`` overrides session-message fields by FIT field name in SI units; a value of
    None removes the field from the session message.
    ``notes`` is what the athlete typed about the session, written as the developer string
    field ``notes`` on its session message (at most 254 bytes of UTF-8).
    """

    sport: str
    samples: pl.DataFrame
    sub_sport: str = "generic"
    totals: dict | None = None
    notes: str | None = None


def write_fit(
    path: Path,
    start_utc: datetime,
    sessions: list[SessionSpec],
    *,
    local_offset_s: int | None = 0,
    write_summary: bool = True,
    product_name: str = "gaitload demo",
    serial_number: int = 1,
    truncate_to: int | None = None,
) -> Path:
    """Write ``sessions`` as one FIT activity file at ``path`` and return the path.

    ``start_utc`` (tz-aware) is the time of ``t_s == 0``. ``local_offset_s`` sets
    ``activity.local_timestamp - timestamp`` (None omits it, as some devices do).
    ``write_summary=False`` leaves out lap/session/activity, like a watch that crashed;
    ``truncate_to`` cuts the file to that many bytes, like an interrupted upload.
    """
    if start_utc.tzinfo is None:
        raise ValueError("start_utc must be timezone-aware")
    if not sessions:
        raise ValueError("write_fit needs at least one session")
    for spec in sessions:
        _check_notes(spec.notes)
    start_ms = round(start_utc.astimezone(UTC).timestamp() * 1000)

    builder = FitFileBuilder(auto_define=True)
    builder.add(_file_id(start_ms, serial_number))
    builder.add(_device_info(start_ms, serial_number, product_name))
    if write_summary and any(spec.notes is not None for spec in sessions):
        builder.add(_notes_developer())
        builder.add(_notes_field_description())
    builder.add(_timer_event(start_ms, EventType.START))

    summaries: list[_Summary] = []
    prev_distance = 0.0
    for spec in sessions:
        if "t_s" not in spec.samples.columns or spec.samples.height == 0:
            raise ValueError("every session needs a non-empty samples frame with a t_s column")
        for message in _record_messages(spec, start_ms):
            builder.add(message)
        summary = _summarize(spec, start_ms, prev_distance)
        prev_distance = summary.end_distance if summary.end_distance is not None else prev_distance
        summaries.append(summary)

    end_ms = summaries[-1].end_ms
    session_messages = [_session(s, i) for i, s in enumerate(summaries)] if write_summary else []
    for index, summary in enumerate(summaries if write_summary else []):
        builder.add(_lap(summary, index))
    for message in session_messages:
        builder.add(message)
    builder.add(_timer_event(end_ms, EventType.STOP))
    if write_summary:
        # the activity agrees with the sessions as written, overrides included
        timer_s = sum(
            m.total_timer_time if m.total_timer_time is not None else s.timer_s
            for m, s in zip(session_messages, summaries, strict=True)
        )
        builder.add(_activity(end_ms, len(summaries), timer_s, local_offset_s))

    data = builder.build_bytes()
    if truncate_to is not None:
        data = data[: max(0, truncate_to)]
    path = Path(path)
    path.write_bytes(data)
    return path


# --- header messages ---------------------------------------------------------------


def _file_id(start_ms: int, serial_number: int) -> FileIdMessage:
    message = FileIdMessage()
    message.type = FileType.ACTIVITY
    message.manufacturer = Manufacturer.DEVELOPMENT.value
    message.product = 0
    message.serial_number = serial_number
    message.time_created = start_ms
    return message


def _device_info(start_ms: int, serial_number: int, product_name: str) -> DeviceInfoMessage:
    message = DeviceInfoMessage()
    message.timestamp = start_ms
    message.device_index = 0  # the creator device
    message.manufacturer = Manufacturer.DEVELOPMENT.value
    message.product = 0
    message.serial_number = serial_number
    if product_name:
        message.product_name = product_name
    return message


def _timer_event(timestamp_ms: int, event_type: EventType) -> EventMessage:
    message = EventMessage()
    message.timestamp = timestamp_ms
    message.event = Event.TIMER
    message.event_type = event_type
    message.event_group = 0
    return message


# --- records -----------------------------------------------------------------------

_RECORD_TEMPLATE = RecordMessage()


def _record_field(name: str) -> Field:
    field = _RECORD_TEMPLATE.get_field_by_name(name)
    if field is None:  # pragma: no cover - would mean a fit-tool profile change
        raise RuntimeError(f"fit-tool RecordMessage has no field {name!r}")
    return field


def _record_value_exprs(spec: SessionSpec, start_ms: int) -> dict[str, pl.Expr]:
    """Record field name -> polars expression of its value in fit-tool's units."""
    cols = set(spec.samples.columns)
    exprs: dict[str, pl.Expr] = {"timestamp": start_ms + pl.col("t_s").cast(pl.Float64) * 1000.0}
    if "lat" in cols and "lon" in cols:
        exprs["position_lat"] = pl.col("lat")
        exprs["position_long"] = pl.col("lon")
    for column, field_name in (
        ("altitude_m", "altitude"),
        ("heart_rate", "heart_rate"),
        ("distance_m", "distance"),
        ("speed_m_s", "speed"),
    ):
        if column in cols:
            exprs[field_name] = pl.col(column)
    if "cadence_spm" in cols:
        # FIT running cadence is strides/min + 1/128 fractions: quantize once, then split,
        # so cadence + fractional_cadence is the nearest 1/128 of spm/2.
        strides_128 = (pl.col("cadence_spm").cast(pl.Float64) * 64.0).round()
        exprs["cadence"] = (strides_128 // 128).cast(pl.Float64)
        exprs["fractional_cadence"] = (strides_128 % 128) / 128.0
    elif "cadence_rpm" in cols:
        exprs["cadence"] = pl.col("cadence_rpm")
    return exprs


def _encoded_columns(spec: SessionSpec, start_ms: int) -> list[tuple[Field, list[int]]]:
    """Encode each present record field column-wise with fit-tool's scale and offset.

    Columns that are entirely null are dropped (the field is not defined at all); single
    nulls become the FIT invalid value, as a watch writes a dropped sensor reading.
    """
    exprs = _record_value_exprs(spec, start_ms)
    templates = {name: _record_field(name) for name in exprs}
    encoded_exprs = []
    for name, expr in exprs.items():
        field = templates[name]
        scale = field.scale if field.scale is not None else 1.0
        offset = field.offset if field.offset is not None else 0.0
        encoded_exprs.append(
            ((expr.cast(pl.Float64) + offset) * scale).round().cast(pl.Int64).alias(name)
        )
    frame = spec.samples.select(encoded_exprs)
    out: list[tuple[Field, list[int]]] = []
    for name in exprs:
        series = frame.get_column(name)
        if series.null_count() == series.len():
            continue
        field = templates[name]
        base = field.base_type
        invalid = base.invalid_raw_value()
        lo, hi = series.min(), series.max()
        if lo < base.min or hi > base.max or invalid in (lo, hi) or (series == invalid).any():
            raise ValueError(
                f"record field {name!r} out of range for FIT {base.name}: encoded {lo}..{hi}"
            )
        out.append((field, series.fill_null(invalid).to_list()))
    return out


def _record_messages(spec: SessionSpec, start_ms: int) -> Iterator[DataMessage]:
    """Yield lean record messages holding only the fields present in ``spec.samples``.

    Each message is a real ``RecordMessage`` instance, but instead of the ~85 blank fields
    its constructor builds we attach shallow copies of the profile fields we need with
    their encoded value already in place. The builder keeps references until build time,
    so every message needs its own field objects.
    """
    columns = _encoded_columns(spec, start_ms)
    templates = []
    for field, _ in columns:
        template = Field.__new__(type(field))
        template.__dict__.update(field.__dict__)
        template.size = field.base_type.size
        template.growable = False
        templates.append(template)
    template_dicts = [(type(t), t.__dict__) for t in templates]
    new = object.__new__
    init = DataMessage.__init__
    for row in zip(*(values for _, values in columns), strict=True):
        fields = []
        for (cls, attrs), value in zip(template_dicts, row, strict=True):
            field = new(cls)
            field.__dict__.update(attrs)
            field.encoded_values = [value]
            fields.append(field)
        message = new(RecordMessage)
        init(
            message,
            local_id=_RECORD_LOCAL_ID,
            global_id=RecordMessage.ID,
            name=RecordMessage.NAME,
            fields=fields,
        )
        yield message


# --- summary messages --------------------------------------------------------------


@dataclass
class _Summary:
    """Session totals computed from the samples, in fit-tool's units."""

    spec: SessionSpec
    start_ms: int
    end_ms: int
    timer_s: float
    distance_m: float | None
    end_distance: float | None
    ascent_m: float | None
    descent_m: float | None
    avg_hr: int | None
    max_hr: int | None
    avg_speed: float | None
    max_speed: float | None
    avg_cadence: int | None
    avg_fractional_cadence: float | None
    start_lat: float | None
    start_lon: float | None


def _col(samples: pl.DataFrame, name: str) -> pl.Series | None:
    """The non-null values of a column, or None if the column is missing or all null."""
    if name not in samples.columns:
        return None
    series = samples.get_column(name).drop_nulls()
    if series.dtype.is_float():
        series = series.drop_nans()
    return series if series.len() else None


def _summarize(spec: SessionSpec, file_start_ms: int, prev_distance: float) -> _Summary:
    samples = spec.samples
    t = samples.get_column("t_s").cast(pl.Float64)
    first_t, last_t = float(t.min()), float(t.max())
    timer_s = last_t - first_t

    distance = _col(samples, "distance_m")
    end_distance = float(distance.max()) if distance is not None else None
    distance_m = max(0.0, end_distance - prev_distance) if end_distance is not None else None

    altitude = _col(samples, "altitude_m")
    ascent_m = descent_m = None
    if altitude is not None:
        ascent_m, descent_m = ascent_descent(altitude, threshold_m=1.0)

    hr = _col(samples, "heart_rate")
    speed = _col(samples, "speed_m_s")
    if distance_m is not None and timer_s > 0:
        avg_speed: float | None = distance_m / timer_s
    else:
        avg_speed = float(speed.mean()) if speed is not None else None

    avg_cadence = avg_fractional = None
    spm = _col(samples, "cadence_spm")
    rpm = _col(samples, "cadence_rpm")
    if spm is not None:
        strides_128 = round(float(spm.mean()) * 64.0)
        avg_cadence, avg_fractional = strides_128 // 128, (strides_128 % 128) / 128.0
    elif rpm is not None:
        avg_cadence = round(float(rpm.mean()))

    lat, lon = _col(samples, "lat"), _col(samples, "lon")
    has_position = lat is not None and lon is not None
    return _Summary(
        spec=spec,
        start_ms=file_start_ms + round(first_t * 1000),
        end_ms=file_start_ms + round(last_t * 1000),
        timer_s=timer_s,
        distance_m=distance_m,
        end_distance=end_distance,
        ascent_m=ascent_m,
        descent_m=descent_m,
        avg_hr=round(float(hr.mean())) if hr is not None else None,
        max_hr=int(hr.max()) if hr is not None else None,
        avg_speed=avg_speed,
        max_speed=float(speed.max()) if speed is not None else None,
        avg_cadence=avg_cadence,
        avg_fractional_cadence=avg_fractional,
        start_lat=float(lat[0]) if has_position else None,
        start_lon=float(lon[0]) if has_position else None,
    )


def _sport(name: str) -> Sport:
    try:
        return Sport[name.upper()]
    except KeyError:
        raise ValueError(f"unknown FIT sport {name!r}") from None


def _sub_sport(name: str) -> SubSport:
    try:
        return SubSport[name.upper()]
    except KeyError:
        raise ValueError(f"unknown FIT sub_sport {name!r}") from None


def _fill_totals(message: LapMessage | SessionMessage, summary: _Summary) -> None:
    """Set the fields lap and session share; None values stay out of the message."""
    values: dict[str, Any] = {
        "start_time": summary.start_ms,
        "timestamp": summary.end_ms,
        "sport": _sport(summary.spec.sport),
        "sub_sport": _sub_sport(summary.spec.sub_sport),
        "total_elapsed_time": summary.timer_s,
        "total_timer_time": summary.timer_s,
        "total_distance": summary.distance_m,
        "total_ascent": round(summary.ascent_m) if summary.ascent_m is not None else None,
        "total_descent": round(summary.descent_m) if summary.descent_m is not None else None,
        "avg_heart_rate": summary.avg_hr,
        "max_heart_rate": summary.max_hr,
        "avg_speed": summary.avg_speed,
        "max_speed": summary.max_speed,
        "avg_cadence": summary.avg_cadence,
        "avg_fractional_cadence": summary.avg_fractional_cadence,
        "start_position_lat": summary.start_lat,
        "start_position_long": summary.start_lon,
    }
    for name, value in values.items():
        if value is not None:
            setattr(message, name, value)


def _lap(summary: _Summary, index: int) -> LapMessage:
    message = LapMessage()
    message.message_index = index
    message.event = Event.LAP
    message.event_type = EventType.STOP
    message.lap_trigger = LapTrigger.SESSION_END
    _fill_totals(message, summary)
    return message


def _session(summary: _Summary, index: int) -> SessionMessage:
    message = SessionMessage()
    message.message_index = index
    message.event = Event.SESSION
    message.event_type = EventType.STOP
    message.trigger = SessionTrigger.ACTIVITY_END
    message.first_lap_index = index
    message.num_laps = 1
    _fill_totals(message, summary)
    for name, value in (summary.spec.totals or {}).items():
        _override(message, name, value)
    if summary.spec.notes is not None:
        message.developer_fields = [_notes_field(summary.spec.notes)]
    return message


# --- notes: a developer string field -----------------------------------------------


def _check_notes(notes: str | None) -> None:
    if notes is None:
        return
    if not isinstance(notes, str):
        raise ValueError(f"notes must be a string, not {type(notes).__name__}")
    size = len(notes.encode("utf-8"))
    if "\0" in notes or size > MAX_NOTES_BYTES:
        raise ValueError(
            f"notes must be at most {MAX_NOTES_BYTES} bytes of UTF-8 without NUL, got {size}"
        )


def _notes_developer() -> DeveloperDataIdMessage:
    message = DeveloperDataIdMessage()
    message.developer_data_index = NOTES_DEVELOPER_DATA_INDEX
    message.application_id = NOTES_APPLICATION_ID
    message.application_version = 1
    return message


def _notes_field_description() -> FieldDescriptionMessage:
    message = FieldDescriptionMessage()
    message.developer_data_index = NOTES_DEVELOPER_DATA_INDEX
    message.field_definition_number = NOTES_FIELD_NUMBER
    message.fit_base_type_id = BaseType.STRING
    message.field_name = NOTES_FIELD_NAME
    return message


def _notes_field(notes: str) -> DeveloperField:
    field = DeveloperField(
        developer_data_index=NOTES_DEVELOPER_DATA_INDEX,
        field_id=NOTES_FIELD_NUMBER,
        name=NOTES_FIELD_NAME,
        base_type=BaseType.STRING,
        growable=True,
    )
    field.set_value(0, notes)
    return field


def _override(message: SessionMessage, name: str, value: Any) -> None:
    """Apply one ``SessionSpec.totals`` entry; datetimes and enum names are converted."""
    if not isinstance(getattr(type(message), name, None), property):
        raise ValueError(f"unknown session field {name!r}")
    field = message.get_field_by_name(name)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"totals[{name!r}] must be timezone-aware")
        value = round(value.timestamp() * 1000)
    elif isinstance(value, str):
        value = _enum_value(field, name, value)
    elif (
        isinstance(value, float)
        and field is not None
        and field.base_type.is_integer()
        and field.scale in (None, 1)
    ):
        value = round(value)  # fit-tool would truncate, e.g. total_ascent 49.7 -> 49
    setattr(message, name, value)


def _enum_value(field: Field | None, name: str, value: str) -> Enum:
    type_name = field.type_name if field is not None else ""
    enum_cls = getattr(profile_type, "".join(p.title() for p in type_name.split("_")), None)
    if not (isinstance(enum_cls, type) and issubclass(enum_cls, Enum)):
        raise ValueError(f"session field {name!r} does not take a name, got {value!r}")
    try:
        return enum_cls[re.sub(r"\W", "_", value.upper())]
    except KeyError:
        raise ValueError(f"{value!r} is not a FIT {type_name}") from None


def _activity(
    end_ms: int, num_sessions: int, timer_s: float, local_offset_s: int | None
) -> ActivityMessage:
    message = ActivityMessage()
    message.timestamp = end_ms
    message.total_timer_time = timer_s
    message.num_sessions = num_sessions
    message.type = Activity.MANUAL
    message.event = Event.ACTIVITY
    message.event_type = EventType.STOP
    if local_offset_s is not None:
        # local_date_time has no scale in fit-tool: raw seconds since the FIT epoch.
        message.local_timestamp = math.floor(end_ms / 1000) + local_offset_s - FIT_EPOCH_S
    return message
