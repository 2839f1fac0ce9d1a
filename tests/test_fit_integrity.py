"""A damaged file is rejected by either decoder; a file the format allows is not.

The COROS file is one fitparse cannot read, so Garmin's SDK (the fallback) decodes it:
changed copies of it (in a temporary folder) check that the fallback path checks the CRCs
too, that a header CRC of 0 ("not computed", which the format allows) is accepted, and that
a file cut short is partial rather than damaged. (fitparse may see the damage first; the
real Lezyne file in tests/test_fit_reference.py is damaged where only the fallback reads.)
"""

from __future__ import annotations

import pytest
from garmin_fit_sdk.crc_calculator import CrcCalculator

from gaitload.ingest import import_paths

COROS = "coros-pace-2-cycling-misaligned-fields.fit"


def crc(data: bytes) -> int:
    return CrcCalculator.calculate_crc(bytearray(data), 0, len(data))


def with_file_crc(data: bytearray) -> bytes:
    """The file with its trailing CRC recomputed, as a writer would have written it."""
    data[-2:] = crc(bytes(data[:-2])).to_bytes(2, "little")
    return bytes(data)


def header_crc_zero(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[12:14] = b"\0\0"
    return with_file_crc(changed)


def header_crc_wrong(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[12:14] = ((crc(data[:12]) + 1) % 65536).to_bytes(2, "little")
    return with_file_crc(changed)


def one_byte_changed(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[len(data) // 2] ^= 0x01  # a bit flipped in a record; the CRC left as it was
    return bytes(changed)


def cut_short(data: bytes) -> bytes:
    return data[: len(data) - 5000]


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        (header_crc_zero, "imported", None),
        (header_crc_wrong, "rejected", "CRC mismatch"),
        (one_byte_changed, "rejected", "CRC mismatch: the file is damaged"),
        (cut_short, "partial", "read up to an error"),
    ],
)
def test_the_fallback_decoder_checks_integrity(
    settings, tmp_path, shared_fit, change, status, reason
):
    original = (shared_fit / COROS).read_bytes()
    assert original[0] == 14 and original[12:14] != b"\0\0"  # a header CRC to change
    path = tmp_path / "coros.fit"
    path.write_bytes(change(original))
    (outcome,) = import_paths(settings, [path]).outcomes
    assert outcome.status == status
    if reason is None:
        assert outcome.reason is None
    else:
        assert reason in outcome.reason
