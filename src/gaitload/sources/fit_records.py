"""Record messages straight from the bytes into NumPy columns: one view per run of records.

A watch writes thousands of records of one definition back to back, so a run of them is
an array of fixed-size structs: NumPy reads each field of the run at once, by the base type
its definition declares (byte order included), with the FIT "invalid" value as NaN and the
profile's scale and offset (from Garmin's SDK `Profile`) applied, as the SDKs do. Only the
fields a sample is made of are read. A field declared as an array or with a base type
outside the integers returns None: the caller reads the file with the compiled decoder.
"""

from __future__ import annotations

import numpy as np
from garmin_fit_sdk import Profile

from gaitload.sources.fit_split import Layout, Run

FIT_EPOCH_UNIX = 631_065_600
"""1989-12-31 00:00 UTC, where FIT's date_time counts from, in Unix seconds."""
SAMPLE_FIELDS = (
    "timestamp",
    "position_lat",
    "position_long",
    "altitude",
    "enhanced_altitude",
    "distance",
    "speed",
    "enhanced_speed",
    "heart_rate",
    "cadence",
    "fractional_cadence",
    "power",
)
"""The record fields a sample is made of: the only ones read."""
BASE_TYPES = {  # base type number: (NumPy type, invalid value)
    0x00: ("u1", 0xFF),  # enum
    0x01: ("i1", 0x7F),
    0x02: ("u1", 0xFF),
    0x03: ("i2", 0x7FFF),
    0x04: ("u2", 0xFFFF),
    0x05: ("i4", 0x7FFFFFFF),
    0x06: ("u4", 0xFFFFFFFF),
    0x0A: ("u1", 0x00),  # uint8z
    0x0B: ("u2", 0x0000),  # uint16z
    0x0C: ("u4", 0x00000000),  # uint32z
}


def _profile_fields() -> dict[int, tuple[str, float, float]]:
    """Field number: (name, scale, offset) of the record fields read, from the profile."""
    record = next(m for m in Profile["messages"].values() if m["name"] == "record")
    return {
        int(number): (field["name"], float(field["scale"][0]), float(field["offset"][0]))
        for number, field in record["fields"].items()
        if field["name"] in SAMPLE_FIELDS
    }


FIELDS = _profile_fields()


def record_columns(data: bytes, runs: tuple[Run, ...]) -> dict[str, np.ndarray] | None:
    """Every record as float64 columns by field name (NaN: not recorded), positions in
    semicircles and times in Unix seconds, as `fitfast.records` gives them; None where a
    record field is one this reader does not take, or no record has a time."""
    if not runs:
        return None
    parts: list[dict[str, np.ndarray]] = []
    for run in runs:
        columns = _run_columns(data, run)
        if columns is None:
            return None
        parts.append(columns)
    names = [name for name in SAMPLE_FIELDS if any(name in part for part in parts)]
    if "timestamp" not in names:
        return None  # records without times: the caller reads them as messages
    pairs = list(zip(parts, runs, strict=True))
    return {
        name: np.concatenate([part.get(name, _nan(run.count)) for part, run in pairs])
        for name in names
    }


def _run_columns(data: bytes, run: Run) -> dict[str, np.ndarray] | None:
    layout = run.layout
    read: dict[int, tuple[int, str, int]] = {}  # field number: (offset, type, invalid)
    position = 1  # the header byte
    for number, size, base_type in layout.fields:
        if number in FIELDS:
            code, invalid = BASE_TYPES.get(base_type & 0x1F, ("", 0))
            if not code or np.dtype(code).itemsize != size or number in read:
                return None  # an array, a float, a field twice: not what a sample field is
            read[number] = (position, code, invalid)
        position += size
    record = np.dtype(
        {
            "names": [str(number) for number in read],
            "formats": [_dtype(code, layout) for _, code, _ in read.values()],
            "offsets": [offset for offset, _, _ in read.values()],
            "itemsize": 1 + layout.size,
        }
    )
    array = np.frombuffer(data, dtype=record, count=run.count, offset=run.offset)
    columns = {}
    for number, (_, _, invalid) in read.items():
        name, scale, offset = FIELDS[number]
        raw = array[str(number)]
        values = raw.astype(np.float64)
        values[raw == invalid] = np.nan
        if name == "timestamp":
            values += FIT_EPOCH_UNIX
        elif scale != 1.0 or offset != 0.0:
            values = values / scale - offset
        columns[name] = values
    return columns


def _dtype(code: str, layout: Layout) -> np.dtype:
    return np.dtype(code).newbyteorder(">" if layout.big_endian else "<")


def _nan(count: int) -> np.ndarray:
    return np.full(count, np.nan)
