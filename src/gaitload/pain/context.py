"""Pain next to the load before it, as the alert email and the dashboard show each entry.

Both read an entry with the running of the 7 days up to its day and of the 7 before (from
`load_signals`), and the load alerts open at any time in the `LOOKBACK_DAYS` up to it.
"""

from __future__ import annotations

LOOKBACK_DAYS = 21
"""'The 3 weeks before' of the `pain_load` view (pain/views.sql), which holds the number: an
alert open on any of the 21 days up to and including the pain day counts (a run's own spike
is on the day it hurt)."""


def place_label(place: str, bone: bool = False) -> str:
    """'left heel', 'right top of the foot (bone)': the `pain` view's place, and the bone."""
    return f"{place} (bone)" if bone else place
