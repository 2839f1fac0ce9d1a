"""Turn FIT bytes into plain messages, surviving what real devices write.

Three decoders, each for what it does best. `fitfast` (Rust, compiled; ~45x fitparse per
file, records as NumPy columns) reads most files first; a file it refuses (its CRC check is
stricter than the format's practice, a panic on a malformed definition), or that it is known
to read wrongly (compressed or relative timestamps, compressed speed/distance, COROS's
misaligned local time), takes the reference path instead, so no file is lost or changes its
numbers: `tests/test_fit_fast_path.py` compares both paths on every real file. Records are
read apart from the other messages (`fit_split` finds them): as NumPy views of the bytes
(`fit_records`), while fitfast checks the whole file's CRC and structure and reads the few
other messages as dicts (its reader of messages would otherwise build a dict per record,
three quarters of the decoding time).

The reference path: fitparse reads almost everything, including compressed timestamps and
chained files, but stops at the first structural oddity. Garmin's own SDK (`garmin-fit-sdk`,
maintained by the format's owner) reads the COROS and Strava-app files that fitparse rejects,
so it is the fallback for fitparse's parse errors only: it cannot expand compressed
timestamps, so it is never the first choice. A file that ends early keeps every message read
before the end and is marked partial; a broken header or CRC is rejected, since the bytes
cannot be trusted. fitparse checks the CRC as it reads; before trusting the fallback's
messages, the CRC of every complete chained file is checked here (a header CRC of 0 means
"not written", which the format allows).

Sport, sub-sport, manufacturer and product are named from Garmin's current profile (the
SDK's `Profile`), whichever decoder read them, not fitparse's 2020 one: newer values (diving
is sport 53, COROS is manufacturer 294) would otherwise come out as numbers.

Developer fields (what apps add to the profile, such as an activity's notes) appear in a
message under the name their `field_description` gives them, from any decoder; a native
field of the same name wins.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

import fitparse
import fitparse.records
import numpy as np
from fitparse.utils import FitCRCError, FitEOFError, FitHeaderError, FitParseError
from garmin_fit_sdk import Profile

from gaitload.errors import CorruptFileError
from gaitload.sources.fit_records import record_columns
from gaitload.sources.fit_split import Split, crc16, split_records

try:
    import fitfast
except ImportError:  # no wheel for this platform (musl): every file takes the reference path
    fitfast = None

WANTED = ("file_id", "device_info", "sport", "session", "lap", "record", "activity", "event")
PROFILE_NAMED = ("sport", "sub_sport", "manufacturer", "garmin_product", "favero_product")
"""FIT types whose names come from the SDK's current profile, whichever decoder read them."""
TRUSTED_FROM = datetime(1998, 1, 1, tzinfo=UTC)
"""Earlier times in a file are seconds since power-on or compressed ones, which the fast
decoder reads as 1989 or 1990 dates (no FIT device recorded before 1998)."""
TRUSTED_FROM_UNIX = TRUSTED_FROM.timestamp()
ENHANCED = {"speed": 0.001, "avg_speed": 0.001, "max_speed": 0.001, "altitude": 0.2}
"""Fields the fast decoder expands into `enhanced_*` with a rounding error (8.107 m/s becomes
8.106), by the resolution of the field they expand: within it, the encoded value stands."""


@dataclass
class Decoded:
    """Messages by name, each a dict of FIT field name to value (fitparse's units)."""

    messages: dict[str, list[dict]] = field(default_factory=lambda: {n: [] for n in WANTED})
    decoder: str = "fitparse"
    partial_reason: str | None = None
    record_columns: dict[str, np.ndarray] | None = None
    """The record messages as columns (NaN where a record lacks a field), when the fast
    decoder read them: then `messages["record"]` is empty and nothing loops over records."""

    @property
    def partial(self) -> bool:
        return self.partial_reason is not None

    def first(self, name: str) -> dict:
        found = self.messages.get(name) or [{}]
        return found[0]


def decode(data: bytes) -> Decoded:
    """Decode one FIT file's bytes; raises `CorruptFileError` with a reason for the log."""
    if not data:
        raise CorruptFileError("empty file")
    if len(data) < 12 or data[8:12] != b".FIT":
        raise CorruptFileError("not a FIT file (no .FIT signature in the header)")
    if (decoded := _with_fitfast(data)) is not None:
        return decoded
    try:
        return _with_fitparse(data)
    except FitParseError as exc:
        first_error = _describe(exc)
    return _with_garmin_sdk(data, first_error)


def _with_fitparse(data: bytes) -> Decoded:
    decoded = Decoded()
    # fitparse keeps developer field descriptions in a module global, never cleared: a file
    # that uses developer fields it never describes would be read with the last file's names
    fitparse.records.DEV_TYPES.clear()
    try:
        fit = fitparse.FitFile(io.BytesIO(data), check_crc=True)
        for message in fit.get_messages(list(WANTED)):
            present = [f for f in message.fields if f.value is not None]
            values = {f.name: _profile_value(f) for f in present if not _developer(f)}
            for f in present:
                if _developer(f):
                    values.setdefault(f.name, f.value)
            decoded.messages[message.name].append(values)
    except FitCRCError as exc:
        raise CorruptFileError("CRC mismatch: the file is damaged") from exc
    except FitHeaderError as exc:
        raise CorruptFileError(f"corrupt FIT header ({exc})") from exc
    except FitEOFError as exc:
        if not decoded.messages["record"] and not decoded.messages["session"]:
            raise CorruptFileError(f"file ends before any activity data ({exc})") from exc
        decoded.partial_reason = f"truncated: {exc}"
    return decoded


def _with_fitfast(data: bytes) -> Decoded | None:
    """The compiled decoder's messages, or None for a file it cannot be trusted with."""
    if fitfast is None:
        return None
    try:
        read = _fast_read(data)
    except Exception:
        return None
    except BaseException as exc:  # a panic in the Rust decoder arrives as a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return None
    if read is None:
        return None
    messages, columns = read
    decoded = Decoded(decoder="fitfast", record_columns=columns)
    for name in WANTED:
        if name == "record" and columns is not None:
            continue
        decoded.messages[name] = [
            {k: _naive_utc(v) for k, v in m.items() if isinstance(k, str) and v is not None}
            for m in messages.get(name, [])
        ]
    for name in ("record", "lap", "session"):
        for message in decoded.messages[name]:
            _encoded_not_enhanced(message)
    for name in ("file_id", "device_info"):
        for message in decoded.messages[name]:
            _name_product(message)
    return decoded


def _fast_read(data: bytes) -> tuple[dict[str, list[dict]], dict[str, np.ndarray] | None] | None:
    """The messages but records, and the records as columns; None where the fast decoder
    reads the file wrongly."""
    split = split_records(data)
    if split is not None and (columns := _split_columns(data, split)) is not None:
        messages = fitfast.parse(split.others, datetimes=True)
        if _needs_reference(messages) or _relative_times(columns):
            return None
        # the whole file's CRC and structure, checked as the compiled decoder walks it
        if fitfast.message_counts(data).get("record", 0) != split.records:
            return None
        return messages, columns
    # decoded whole: compressed timestamps or speed, a chained file, no records, or records
    # the columns leave out (read as messages instead)
    messages = fitfast.parse(data, datetimes=True)
    if _needs_reference(messages):
        return None
    return messages, _record_columns(data, len(messages.get("record", [])))


def _split_columns(data: bytes, split: Split) -> dict[str, np.ndarray] | None:
    """The records read from the bytes, or by the compiled decoder where a record field is
    declared oddly."""
    return record_columns(data, split.runs) or _record_columns(data, split.records)


def _record_columns(data: bytes, records: int) -> dict[str, np.ndarray] | None:
    """Every record as columns, or None if the columns lack a record (one holding only
    developer fields is left out of them); positions stay in semicircles, as fitparse's."""
    if records == 0:
        return None
    columns = fitfast.records(data, degrees=False)
    if len(columns.get("timestamp", ())) != records:
        return None
    for base, resolution in ENHANCED.items():
        encoded, enhanced = columns.get(base), columns.get(f"enhanced_{base}")
        if encoded is not None and enhanced is not None:
            within = np.abs(encoded - enhanced) <= resolution * 1.01
            columns[f"enhanced_{base}"] = np.where(within, encoded, enhanced)
    return columns


def _relative_times(columns: dict[str, np.ndarray]) -> bool:
    """Record times counted from power-on (an old watch's), which the epoch is not applied to."""
    stamps = columns["timestamp"]
    return bool(np.any(stamps[~np.isnan(stamps)] < TRUSTED_FROM_UNIX))


def _encoded_not_enhanced(message: dict) -> None:
    for base, resolution in ENHANCED.items():
        encoded, enhanced = message.get(base), message.get(f"enhanced_{base}")
        if None not in (encoded, enhanced) and abs(encoded - enhanced) <= resolution * 1.01:
            message[f"enhanced_{base}"] = encoded


def _name_product(message: dict) -> None:
    """The product's name by its maker's list, as the SDK and fitparse expand it."""
    product, sub_field = message.get("product"), PRODUCT_SUB_FIELDS.get(message.get("manufacturer"))
    if isinstance(product, int) and sub_field:
        message[sub_field] = _profile_name(sub_field, product)


def _needs_reference(messages: dict[str, list[dict]]) -> bool:
    """What the fast decoder gets wrong, checked per file."""
    for activity in messages.get("activity", []):
        if activity.get("local_timestamp") == activity.get("timestamp") is not None:
            return True  # COROS's misaligned local time reads as UTC here, as a raw number there
    for name in ("record", "session", "lap", "activity"):
        for m in messages.get(name, []):
            if "compressed_speed_distance" in m:
                return True  # not expanded into speed and distance
            stamp = m.get("timestamp")
            if isinstance(stamp, datetime) and stamp.year < TRUSTED_FROM.year:
                return True  # compressed or relative timestamps: the epoch is not applied
    return False


def _developer(field: fitparse.records.FieldData) -> bool:
    return isinstance(field.field, fitparse.records.DevField)


def _profile_value(field: fitparse.records.FieldData) -> object:
    type_name = getattr(field.type, "name", None)
    if type_name not in PROFILE_NAMED or not isinstance(field.raw_value, int):
        return field.value
    return _profile_name(type_name, field.raw_value)


def _profile_name(type_name: str, raw: int) -> str:
    names = Profile["types"][type_name]  # keyed by int, or by str before SDK 21.200 or so
    return names.get(raw) or names.get(str(raw), str(raw))


def _product_sub_fields() -> dict[str, str]:
    """Which name `product` takes for each manufacturer (garmin_product for Garmin's)."""
    file_id = next(m for m in Profile["messages"].values() if m["name"] == "file_id")
    product = next(f for f in file_id["fields"].values() if f["name"] == "product")
    return {ref["value_name"]: sub["name"] for sub in product["sub_fields"] for ref in sub["map"]}


PRODUCT_SUB_FIELDS = _product_sub_fields()


def _with_garmin_sdk(data: bytes, first_error: str) -> Decoded:
    from garmin_fit_sdk import Decoder, Stream

    _check_crcs(data)
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    sdk_messages, errors = decoder.read(
        apply_scale_and_offset=True,
        convert_datetimes_to_dates=True,
        convert_types_to_strings=True,
        expand_sub_fields=True,
        expand_components=True,
        merge_heart_rates=False,
    )
    decoded = Decoded(decoder="garmin-fit-sdk")
    developer_names = {
        d.get("key"): d.get("field_name") for d in sdk_messages.get("field_description_mesgs", [])
    }
    for name in WANTED:
        for message in sdk_messages.get(f"{name}_mesgs", []):
            plain = {
                k: _naive_utc(v)
                for k, v in message.items()
                if isinstance(k, str) and k != "developer_fields" and v is not None
            }
            for key, value in (message.get("developer_fields") or {}).items():
                field_name = developer_names.get(key)
                if isinstance(field_name, str) and value is not None:
                    plain.setdefault(field_name, value)
            decoded.messages[name].append(plain)
    if not decoded.messages["record"] and not decoded.messages["session"]:
        reasons = "; ".join(str(e) for e in errors) or "no activity data"
        raise CorruptFileError(f"unreadable: fitparse: {first_error}; garmin-fit-sdk: {reasons}")
    if errors:
        decoded.partial_reason = f"read up to an error: {errors[0]} (fitparse: {first_error})"
    return decoded


def _check_crcs(data: bytes) -> None:
    """Raise for a CRC that does not match; a file cut short has none to check (partial)."""
    position = 0
    while position + 12 <= len(data):
        header_size = data[position]
        if header_size not in (12, 14) or data[position + 8 : position + 12] != b".FIT":
            return  # not another chained file: the decoder says what it makes of the rest
        header_crc = int.from_bytes(data[position + 12 : position + 14], "little")
        if header_size == 14 and header_crc not in (0, crc16(data[position : position + 12])):
            raise CorruptFileError("CRC mismatch: the file header is damaged")
        end = position + header_size + int.from_bytes(data[position + 4 : position + 8], "little")
        if len(data) < end + 2:
            return
        if int.from_bytes(data[end : end + 2], "little") != crc16(data[position:end]):
            raise CorruptFileError("CRC mismatch: the file is damaged")
        position = end + 2


def _naive_utc(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _describe(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
