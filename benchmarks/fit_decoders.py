"""FIT decoders side by side: the candidates for a fast import path, measured in one run.

    python benchmarks/fit_decoders.py [--repeat 3] [--weeks 16]

Files: every real device file in ../shared/data/fit and ../shared/data/fit-more (when
present) plus the demo athlete's files. Each decoder turns every file into the columns an
import needs (every `record` message's timestamp, position, altitude, distance, speed,
heart rate, cadence and power, materialised as Python or NumPy values) and the file's
session messages. The baseline is plain fitparse. A decoder that refuses or crashes on a
file is counted and named, not timed on it: the rates are over the files it read, and the
"refused" column says how many it could not.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from gaitload.demo.athlete import write_demo_athlete

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FIELDS = (
    "timestamp",
    "position_lat",
    "position_long",
    "altitude",
    "distance",
    "speed",
    "heart_rate",
    "cadence",
    "power",
)


def with_fitparse(data: bytes) -> int:
    import fitparse

    fit = fitparse.FitFile(io.BytesIO(data), check_crc=True)
    columns: dict[str, list] = {f: [] for f in FIELDS}
    for message in fit.get_messages(["record", "session"]):
        if message.name == "record":
            values = message.get_values()
            for f in FIELDS:
                columns[f].append(values.get(f))
    return len(columns["timestamp"])


def with_fitdecode(data: bytes) -> int:
    import warnings

    import fitdecode

    warnings.simplefilter("ignore", UserWarning)  # undescribed developer fields, said per file

    columns: dict[str, list] = {f: [] for f in FIELDS}
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.ENABLED) as fit:
        for frame in fit:
            if frame.frame_type == fitdecode.FIT_FRAME_DATA and frame.name == "record":
                for f in FIELDS:
                    columns[f].append(frame.get_value(f, fallback=None))
    return len(columns["timestamp"])


def with_garmin_sdk(data: bytes) -> int:
    from garmin_fit_sdk import Decoder, Stream

    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    if errors:
        raise ValueError(errors[0])
    records = messages.get("record_mesgs", [])
    columns = {f: [r.get(f) for r in records] for f in FIELDS}
    return len(columns["timestamp"])


def with_fitfast(data: bytes) -> int:
    import fitfast

    columns = fitfast.records(data)
    fitfast.records(data, message="session")
    return len(columns.get("timestamp", ()))


DECODERS: dict[str, Callable[[bytes], int]] = {
    "fitparse (baseline)": with_fitparse,
    "fitdecode": with_fitdecode,
    "garmin-fit-sdk": with_garmin_sdk,
    "fitfast (rustyfit)": with_fitfast,
}


def run(decoder: Callable[[bytes], int], files: dict[str, bytes]) -> tuple[float, int, list[str]]:
    """Seconds over the files read, records decoded, names of the files refused."""
    seconds, records, refused = 0.0, 0, []
    for name, data in files.items():
        start = time.perf_counter()
        try:
            records += decoder(data)
        except BaseException as exc:  # a Rust panic arrives as a BaseException
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            refused.append(name)
            continue
        seconds += time.perf_counter() - start
    return seconds, records, refused


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = [p for folder in ("fit", "fit-more") for p in sorted((SHARED / folder).glob("*"))]
        real = {p.name: p.read_bytes() for p in paths if p.suffix.lower() == ".fit"}
        demo = write_demo_athlete(Path(tmp), end=date(2026, 11, 20), weeks=args.weeks, workers=1)
        files = {**real, **{p.name: p.read_bytes() for p in demo}}
    size_mb = sum(len(d) for d in files.values()) / 1e6
    print(f"{len(real)} real files and {len(demo)} demo files, {size_mb:.1f} MB")
    results = {}
    for name, decoder in DECODERS.items():
        try:
            __import__(decoder.__code__.co_names[0])
        except ImportError:
            print(f"{name}: not installed, left out")
            continue
        runs = [run(decoder, files) for _ in range(args.repeat)]
        results[name] = (statistics.median(r[0] for r in runs), runs[0][1], runs[0][2])
    base_rate = None
    print(f"{'':22} {'s (median)':>10} {'records':>9} {'records/s':>10} {'vs base':>8}  refused")
    for name, (seconds, records, refused) in results.items():
        rate = records / seconds
        base_rate = base_rate or rate
        print(
            f"{name:22} {seconds:10.2f} {records:9d} {rate:10.0f} {rate / base_rate:7.1f}x"
            f"  {len(refused)}"
        )
    for name, (_, _, refused) in results.items():
        if refused:
            print(f"\n{name} refused: {', '.join(refused)}")


if __name__ == "__main__":
    main()
