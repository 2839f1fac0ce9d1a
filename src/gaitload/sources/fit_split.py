"""Set a FIT file's record messages apart from the rest, without decoding either.

The compiled decoder reads records as columns (`fitfast.records`), but its only reader of
the other messages (`fitfast.parse`) builds a Python dict per message, records included:
on a watch's 1 Hz file that is three quarters of the decoding time, spent on dicts thrown
away. Walking the file's message headers (sizes come from the definitions; no field is
read) finds the records; the file without them, with its size and CRC made true again, is
what `parse` then reads: a few hundred messages instead of thousands.

The walk also sees what the fast decoder reads wrongly in records: compressed timestamp
headers and `compressed_speed_distance`. For those, and for anything the walk does not
expect (a chained file, a file cut short, a header it cannot place), it returns None and
the caller decodes the whole file as before.
"""

from __future__ import annotations

from dataclasses import dataclass

RECORD = 20
"""The record message's global number in the FIT profile."""
COMPRESSED_SPEED_DISTANCE = 8
"""Its field that packs speed and distance into 3 bytes (the fast decoder does not expand it)."""


@dataclass(frozen=True)
class Layout:
    """A record definition: byte order and (field number, size, base type) of each field;
    a record is a header byte, these fields in order, then `developer_size` bytes."""

    big_endian: bool
    fields: tuple[tuple[int, int, int], ...]
    developer_size: int

    @property
    def size(self) -> int:
        """A data message's bytes after its header."""
        return sum(size for _, size, _ in self.fields) + self.developer_size


@dataclass(frozen=True)
class Run:
    """Consecutive records of one definition: where the first starts, how many there are."""

    offset: int
    count: int
    layout: Layout


@dataclass(frozen=True)
class Split:
    others: bytes
    """A whole FIT file (header, messages, CRC) holding every message but the records."""
    runs: tuple[Run, ...]

    @property
    def records(self) -> int:
        return sum(run.count for run in self.runs)


def split_records(data: bytes) -> Split | None:
    """The file without its record messages, or None where only a full decode will do."""
    header_size = data[0] if data else 0
    if header_size not in (12, 14) or len(data) < header_size + 2:
        return None
    end = header_size + int.from_bytes(data[4:8], "little")
    if len(data) != end + 2:
        return None  # a chained file, or one cut short
    kept, runs = _walk(data, header_size, end)
    if kept is None:
        return None
    body = b"".join(kept)
    header = bytearray(data[:header_size])
    header[4:8] = len(body).to_bytes(4, "little")
    if header_size == 14:
        header[12:14] = crc16(bytes(header[:12])).to_bytes(2, "little")
    others = bytes(header) + body
    return Split(others + crc16(others).to_bytes(2, "little"), tuple(runs))


def _walk(data: bytes, position: int, end: int) -> tuple[list[bytes] | None, list[Run]]:
    """The byte ranges that are not record messages, and the runs of records left out."""
    sizes: dict[int, int] = {}
    record_layouts: dict[int, Layout] = {}
    kept: list[bytes] = []
    runs: list[Run] = []
    keep_from = position
    try:
        while position < end:
            header = data[position]
            if header & 0x80:
                return None, []  # compressed timestamps: read wrongly on the fast path
            local = header & 0x0F
            if header & 0x40:
                position, global_number, layout = _definition(data, position, header)
                sizes[local] = layout.size
                record_layouts.pop(local, None)
                if global_number == RECORD:
                    if any(number == COMPRESSED_SPEED_DISTANCE for number, _, _ in layout.fields):
                        return None, []
                    record_layouts[local] = layout
                continue
            step = 1 + sizes[local]
            if local not in record_layouts:
                position += step
                continue
            if keep_from < position:
                kept.append(data[keep_from:position])
            start = position
            while position < end and data[position] == header:  # a run of records
                position += step
            runs.append(Run(start, (position - start) // step, record_layouts[local]))
            keep_from = position
    except (KeyError, IndexError):
        return None, []  # data before its definition, or a definition cut short
    if position != end:
        return None, []
    if keep_from < end:
        kept.append(data[keep_from:end])
    return kept, runs


def _definition(data: bytes, position: int, header: int) -> tuple[int, int, Layout]:
    """(where the next message starts, global number, layout)."""
    big_endian = data[position + 2] == 1
    order = "big" if big_endian else "little"
    global_number = int.from_bytes(data[position + 3 : position + 5], order)
    count = data[position + 5]
    raw = data[position + 6 : position + 6 + 3 * count]
    if len(raw) != 3 * count:
        raise IndexError("definition cut short")
    fields = tuple(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))
    position += 6 + 3 * count
    developer_size = 0
    if header & 0x20:  # developer fields follow
        developer_count = data[position]
        developer = data[position + 1 : position + 1 + 3 * developer_count]
        developer_size = sum(developer[1::3])
        position += 1 + 3 * developer_count
    return position, global_number, Layout(big_endian, fields, developer_size)


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc_table()


def crc16(chunk: bytes) -> int:
    """The FIT format's CRC (CRC-16/ARC), a table lookup per byte."""
    crc = 0
    table = _TABLE
    for byte in chunk:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc
