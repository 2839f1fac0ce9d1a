"""Pain next to the load before it, as the alert email and the dashboard show each entry.

Both read an entry with the running of the 7 days up to its day and of the 7 before (from
`load_signals`), and the load alerts open at any time in the `LOOKBACK_DAYS` up to it.
"""

from __future__ import annotations

LOOKBACK_DAYS = 21
"""'The 3 weeks before': an alert open on any of the 21 days up to and including the pain
day counts (a run's own spike is on the day it hurt)."""

PAIN_FACTORS = ["persistent_pain", "bone_stress_pain", "heel_pain"]
"""Rules that fire on the pain journal itself: not load before the pain, so never listed."""

_WORDS = {
    "ball": "ball of the foot",
    "top": "top of the foot",
    "general": "foot (general)",
    "achilles": "Achilles",
}


def place_label(location: str, side: str | None = None, bone: bool = False) -> str:
    """'left heel', 'right top of the foot (bone)': where it hurt, in words."""
    words = " ".join(filter(None, [side, _WORDS.get(location, location)]))
    return f"{words} (bone)" if bone else words
