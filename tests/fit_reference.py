"""Garmin's FIT SDK's view of a FIT file: the independent reference for the import's numbers.

Reads the file with `garmin_fit_sdk` (the format owner's decoder), never with gaitload's
code, and returns the session messages as the device wrote them, with names from the
SDK's current profile. Used by the cross-check over the real files (tests/test_fit_reference.py)
and by benchmarks/sdk_agreement.py; a faster decode path can assert equality against it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from garmin_fit_sdk import Decoder, Stream
from garmin_fit_sdk.crc_calculator import CrcCalculator

FIT_EPOCH_VALID_FROM = datetime(1990, 1, 1)
"""FIT times before this are seconds since power-on, not dates (the format's 0x10000000)."""


@dataclass(frozen=True)
class ReferenceSession:
    """One session message as the SDK reads it; times naive UTC, SI units."""

    sport: str
    sub_sport: str | None
    start_time: datetime | None
    end_time: datetime | None
    distance_m: float | None
    timer_s: float | None
    elapsed_s: float | None
    ascent_m: float | None
    cadence: float | None
    """avg_cadence + avg_fractional_cadence as written: strides/min on foot, rpm on a bike."""
    record_timestamps: int
    """Distinct record timestamps from this session's start to the next session's."""


@dataclass(frozen=True)
class ReferenceFile:
    file_type: str | None
    sessions: tuple[ReferenceSession, ...]
    record_timestamps: frozenset[datetime]
    crc_ok: bool
    """Every chained file's CRC matches (a header CRC of 0 means "not written": allowed)."""
    complete: bool
    """The bytes hold every file the headers announce."""
    errors: tuple[str, ...]


def sdk_view(path: Path) -> ReferenceFile:
    """The SDK's reading of `path`: its sessions, record times and integrity."""
    data = Path(path).read_bytes()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        merge_heart_rates=False
    )
    times = frozenset(
        t
        for t in (_naive(r.get("timestamp")) for r in messages.get("record_mesgs", []))
        if t is not None and t >= FIT_EPOCH_VALID_FROM
    )
    crc_ok, complete = _integrity(data)
    raw = [s for s in messages.get("session_mesgs", [])]
    starts = sorted({_naive(s.get("start_time")) for s in raw} - {None})
    sessions = tuple(_session(s, times, starts) for s in raw)
    file_type = (messages.get("file_id_mesgs") or [{}])[0].get("type")
    return ReferenceFile(
        file_type=None if file_type is None else str(file_type),
        sessions=sessions,
        record_timestamps=times,
        crc_ok=crc_ok,
        complete=complete,
        errors=tuple(str(e) for e in errors),
    )


def _session(message: dict, times: frozenset[datetime], starts: list[datetime]):
    start = _naive(message.get("start_time"))
    later = [s for s in starts if start is not None and s > start]
    earlier = start is not None and any(s < start for s in starts)
    in_window = [t for t in times if (not earlier or t >= start) and (not later or t < later[0])]
    whole = message.get("avg_running_cadence", message.get("avg_cadence"))
    fraction = message.get("avg_fractional_cadence") or 0.0
    return ReferenceSession(
        sport=_name(message.get("sport")) or "generic",
        sub_sport=_name(message.get("sub_sport")),
        start_time=start,
        end_time=_naive(message.get("timestamp")),
        distance_m=message.get("total_distance"),
        timer_s=message.get("total_timer_time"),
        elapsed_s=message.get("total_elapsed_time"),
        ascent_m=message.get("total_ascent"),
        cadence=None if whole is None else whole + fraction,
        record_timestamps=len(in_window),
    )


def _integrity(data: bytes) -> tuple[bool, bool]:
    """(CRCs match, nothing missing) over every file chained in `data`."""
    position, crc_ok = 0, True
    while position < len(data):
        header_size = data[position]
        if header_size not in (12, 14) or len(data) < position + header_size:
            return crc_ok, False
        data_size = int.from_bytes(data[position + 4 : position + 8], "little")
        header_crc = int.from_bytes(data[position + 12 : position + 14], "little")
        if header_size == 14 and header_crc not in (0, _crc(data[position : position + 12])):
            crc_ok = False
        end = position + header_size + data_size
        if len(data) < end + 2:
            return crc_ok, False
        if int.from_bytes(data[end : end + 2], "little") != _crc(data[position:end]):
            crc_ok = False
        position = end + 2
    return crc_ok, True


def _crc(chunk: bytes) -> int:
    return CrcCalculator.calculate_crc(bytearray(chunk), 0, len(chunk))


def _naive(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _name(value: object) -> str | None:
    return None if value is None else str(value)


# --- comparing an imported activity with its session ----------------------------------

STORED_COLUMNS = (
    "sport",
    "sub_sport",
    "start_time_utc",
    "distance_m",
    "moving_time_s",
    "elapsed_time_s",
    "ascent_m",
    "avg_cadence_spm",
    "samples",
)
"""The `activities` columns `differences` reads, in this order."""


def differences(session: ReferenceSession, stored: dict, foot: bool) -> list[str]:
    """The fields where a stored activity and the SDK's session disagree beyond tolerance.

    start 2 s, distance 1 % or 20 m, timer and elapsed 2 %, ascent 15 % (1 m: it is whole
    metres), cadence 1 step/min (foot sports: the session's strides doubled), samples exact
    against distinct record timestamps; a figure the session lacks is not compared.
    """
    found = []
    if stored["sport"] != session.sport:
        found.append(f"sport {stored['sport']!r} != {session.sport!r}")
    if stored["sub_sport"] != session.sub_sport:
        found.append(f"sub_sport {stored['sub_sport']!r} != {session.sub_sport!r}")
    if session.start_time is not None:
        gap = abs((stored["start_time_utc"] - session.start_time).total_seconds())
        if gap > 2:
            found.append(f"start {stored['start_time_utc']} != {session.start_time}")
    checks = (
        ("distance_m", session.distance_m, lambda v: max(0.01 * v, 20.0)),
        ("moving_time_s", session.timer_s, lambda v: 0.02 * v),
        ("elapsed_time_s", session.elapsed_s, lambda v: 0.02 * v),
        ("ascent_m", session.ascent_m, lambda v: max(0.15 * v, 1.0)),
    )
    for column, expected, tolerance in checks:
        got = stored[column]
        if expected is not None and (got is None or abs(got - expected) > tolerance(expected)):
            found.append(f"{column} {got} != {expected}")
    if foot and session.cadence:
        got = stored["avg_cadence_spm"]
        if got is None or abs(got - 2 * session.cadence) > 1.0:
            found.append(f"avg_cadence_spm {got} != {2 * session.cadence}")
    if stored["samples"] != session.record_timestamps:
        found.append(f"samples {stored['samples']} != {session.record_timestamps} record times")
    return found
