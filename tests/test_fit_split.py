"""Setting records apart (fit_split): the rest of a file reads the same without them, and
anything odd is refused (None), never misread, so the caller decodes the file whole."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from garmin_fit_sdk.crc_calculator import CrcCalculator

from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.sources.fit_records import record_columns
from gaitload.sources.fit_split import crc16, split_records
from tests.builders import run_samples
from tests.test_import_edge_cases import SUMMER

fitfast = pytest.importorskip("fitfast", reason="fitfast has no wheel for this platform")
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL = sorted(
    p
    for folder in ("fit", "fit-more")
    for p in (SHARED_DATA / folder).glob("*")
    if p.suffix.lower() == ".fit"
)


def unless_refused(read, data: bytes, **options):
    """fitfast's reading of a file, or None where it refuses it (its CRC check, a panic)."""
    try:
        return read(data, **options)
    except BaseException as exc:  # a Rust panic arrives as a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return None


def test_crc_is_the_formats(tmp_path):
    rng = random.Random(3)
    for size in (0, 1, 13, 4096):
        chunk = bytes(rng.randrange(256) for _ in range(size))
        assert crc16(chunk) == CrcCalculator.calculate_crc(bytearray(chunk), 0, size)


@pytest.mark.skipif(not REAL, reason="../shared/data/fit and fit-more are not present")
def test_every_real_file_reads_the_same_without_its_records_or_is_refused():
    split_files = 0
    for path in REAL:
        data = path.read_bytes()
        split = split_records(data)
        whole = unless_refused(fitfast.parse, data, datetimes=True)
        if whole is None or split is None:  # refused: the fast path is not taken anyway
            continue
        split_files += 1
        records = whole.pop("record", [])
        rest = fitfast.parse(split.others, datetimes=True)
        assert "record" not in rest, path.name
        assert split.records == len(records), path.name
        assert rest == whole, path.name
    assert split_files >= 0.6 * len(REAL)  # 73 of the 90 today


def demo_file(tmp_path: Path, **kwargs) -> bytes:
    spec = SessionSpec("running", run_samples(), sub_sport="street", **kwargs)
    return write_fit(tmp_path / "run.fit", SUMMER, [spec]).read_bytes()


def test_a_written_file_splits_into_its_records_and_the_rest(tmp_path):
    data = demo_file(tmp_path, notes="left shin sore")  # a developer field, after the records
    split = split_records(data)
    assert split is not None and split.records == 721
    rest = fitfast.parse(split.others, datetimes=True)
    whole = fitfast.parse(data, datetimes=True)
    assert len(whole.pop("record")) == 721
    assert rest == whole
    assert len(split.others) < len(data) / 10


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("empty", lambda d: b""),
        ("cut short", lambda d: d[: len(d) // 2]),
        ("cut in the header", lambda d: d[:10]),
        ("chained with a second file", lambda d: d + d),
        ("trailing bytes", lambda d: d + b"\0\0\0"),
        ("a data message with no definition", lambda d: d[: d[0]] + b"\x05" + d[d[0] + 1 :]),
        ("a size past the end", lambda d: d[:4] + len(d).to_bytes(4, "little") + d[8:]),
        (
            "garbage after the header",
            lambda d: d[: d[0]] + bytes(range(256)) * 8 + d[d[0] + 2048 :],
        ),
    ],
)
def test_an_odd_file_is_refused_not_misread(tmp_path, name, change):
    data = change(demo_file(tmp_path))
    split = split_records(data)  # never raises
    assert split is None, name


def test_compressed_timestamps_are_left_to_a_whole_decode(tmp_path):
    data = bytearray(demo_file(tmp_path))
    assert split_records(bytes(data)) is not None
    _, first_record = _record_layout(bytes(data))
    local = data[first_record] & 0x0F
    data[first_record] = 0x80 | (local << 5) | 1  # its header, with a time offset instead
    assert split_records(bytes(data)) is None


def test_compressed_speed_and_distance_are_left_to_a_whole_decode(tmp_path):
    data = bytearray(demo_file(tmp_path))
    definition, _ = _record_layout(bytes(data))
    data[definition + 6] = 8  # the first field defined becomes compressed_speed_distance
    assert split_records(bytes(data)) is None


def _record_layout(data: bytes) -> tuple[int, int]:
    """Where the record definition and the first record start, by the definitions' sizes."""
    sizes, kinds, position, definition = {}, {}, data[0], None
    while True:
        header = data[position]
        local = header & 0x0F
        if header & 0x40:
            kinds[local] = int.from_bytes(data[position + 3 : position + 5], "little")
            if kinds[local] == 20:
                definition = position
            count = data[position + 5]
            sizes[local] = sum(data[position + 6 : position + 6 + 3 * count][1::3])
            position += 6 + 3 * count
            if header & 0x20:
                developer = data[position]
                sizes[local] += sum(data[position + 1 : position + 1 + 3 * developer][1::3])
                position += 1 + 3 * developer
            continue
        if kinds[local] == 20:
            return definition, position
        position += 1 + sizes[local]


def co(columns: dict, name: str):
    """The enhanced field where present, else the encoded one (what a sample takes)."""
    enhanced, encoded = columns.get(f"enhanced_{name}"), columns.get(name)
    if enhanced is None or encoded is None:
        return encoded if enhanced is None else enhanced
    return np.where(np.isnan(enhanced), encoded, enhanced)


SAMPLE_FIELDS = {  # field: the encoding's resolution
    "timestamp": 0.0,
    "position_lat": 0.0,
    "position_long": 0.0,
    "altitude": 0.2,
    "distance": 0.01,
    "speed": 0.001,
    "heart_rate": 0.0,
    "cadence": 0.0,
    "fractional_cadence": 0.0,
    "power": 0.0,
}


def assert_same_columns(ours: dict, theirs: dict, name: str) -> None:
    for field, resolution in SAMPLE_FIELDS.items():
        mine = co(ours, field) if field in ("altitude", "speed") else ours.get(field)
        ref = co(theirs, field) if field in ("altitude", "speed") else theirs.get(field)
        if mine is None or ref is None:
            present = ref if mine is None else mine
            assert present is None or np.isnan(present).all(), (name, field)
            continue
        same = (np.isnan(mine) & np.isnan(ref)) | (np.abs(mine - ref) <= resolution * 1.01)
        assert same.all(), (name, field, mine[~same][:3], ref[~same][:3])


@pytest.mark.skipif(not REAL, reason="../shared/data/fit and fit-more are not present")
def test_records_read_from_the_bytes_match_the_compiled_decoders_on_every_real_file():
    compared = 0
    for path in REAL:
        data = path.read_bytes()
        split = split_records(data)
        theirs = unless_refused(fitfast.records, data, degrees=False)
        if theirs is None or split is None or not split.records:
            continue
        ours = record_columns(data, split.runs)
        if ours is None:  # a field declared twice or as an array: left to fitfast
            continue
        assert len(ours["timestamp"]) == split.records == len(theirs["timestamp"]), path.name
        assert_same_columns(ours, theirs, path.name)
        compared += 1
    assert compared >= 50  # 57 of the 90 today


def hand_made_fit(big_endian: bool) -> bytes:
    """A FIT file of 3 records, byte by byte: timestamp, position, heart rate (one invalid),
    altitude and speed, in the byte order asked for."""
    order = "big" if big_endian else "little"
    fields = [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (3, 1, 0x02), (2, 2, 0x84), (6, 2, 0x84)]
    definition = bytes([0x40, 0, 1 if big_endian else 0]) + (20).to_bytes(2, order)
    definition += bytes([len(fields)]) + b"".join(bytes(f) for f in fields)
    records = b""
    for i, heart in enumerate((140, 0xFF, 150)):
        records += b"\x00" + (1_000_000_000 + i).to_bytes(4, order)
        records += (477_000_000 + i).to_bytes(4, order, signed=True)
        records += (-1_255_000_000 - i).to_bytes(4, order, signed=True)
        records += bytes([heart]) + (4000 + i).to_bytes(2, order) + (3100 + i).to_bytes(2, order)
    body = definition + records
    header = bytes([12, 0x20]) + (2195).to_bytes(2, "little") + len(body).to_bytes(4, "little")
    whole = header + b".FIT" + body
    return whole + crc16(whole).to_bytes(2, "little")


@pytest.mark.parametrize("big_endian", [False, True])
def test_records_read_from_the_bytes_in_either_byte_order(big_endian):
    data = hand_made_fit(big_endian)
    split = split_records(data)
    assert split is not None and split.records == 3
    ours = record_columns(data, split.runs)
    assert_same_columns(ours, fitfast.records(data, degrees=False), "hand-made")
    assert ours["timestamp"].tolist() == [1_631_065_600 + i for i in range(3)]
    assert np.isnan(ours["heart_rate"][1]) and ours["heart_rate"][[0, 2]].tolist() == [140, 150]
    assert ours["altitude"].tolist() == pytest.approx([300.0, 300.2, 300.4])
    assert ours["speed"].tolist() == pytest.approx([3.1, 3.101, 3.102])
