"""Setting records apart (fit_split): the rest of a file reads the same without them, and
anything odd is refused (None), never misread, so the caller decodes the file whole."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from garmin_fit_sdk.crc_calculator import CrcCalculator

from gaitload.demo.fitwriter import SessionSpec, write_fit
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
        try:
            whole = fitfast.parse(data, datetimes=True)
        except BaseException as exc:  # a Rust panic arrives as a BaseException
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            continue  # the fast path refuses the file whatever the split says
        if split is None:
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
