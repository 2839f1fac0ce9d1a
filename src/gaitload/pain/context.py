"""Pain next to the load before it, as the alert email and the dashboard show each entry.

Both read an entry with the running of the 7 days up to its day and of the 7 before (from
`load_signals`), and the load alerts open at any time in the `LOOKBACK_DAYS` up to it.
"""

from __future__ import annotations

from gaitload.rules.catalogue import catalogue

LOOKBACK_DAYS = 21
"""'The 3 weeks before': an alert open on any of the 21 days up to and including the pain
day counts (a run's own spike is on the day it hurt)."""


def pain_factors() -> list[str]:
    """Rules that fire on the pain journal itself (the catalogue's `pain` group): not load
    before the pain, so never listed as such."""
    rules = catalogue().rules
    return [factor for factor, rule in rules.items() if rule.group == "pain"]


def place_label(place: str, bone: bool = False) -> str:
    """'left heel', 'right top of the foot (bone)': the `pain` view's place, and the bone."""
    return f"{place} (bone)" if bone else place
