"""A notification: what one message says, composed once, before any channel sees it.

Channels render it their own way (an email with both parts and the chart inline; a push
service would take the title and the text) but never query or word anything themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Evidence:
    """One episode the notification is about, with the numbers it fired on."""

    episode_id: int
    factor: str
    title: str
    severity: str
    message: str
    """The numbers in words, as in the `alerts` view."""
    numbers: dict
    """The same numbers by name (the view's `evidence`)."""


@dataclass(frozen=True)
class Notification:
    athlete: str
    as_of: date
    title: str
    """One line, e.g. "[gaitload] anna: A run much longer ... (high) and 1 more"."""
    severity: str
    """The highest of its episodes'."""
    text: str
    """The whole message as plain text."""
    html: str
    """The whole message as an HTML page; it shows the chart as `cid:<chart_id>`."""
    chart: bytes
    """A PNG: running per week, the alerts' weeks marked."""
    chart_id: str
    """Unique; the HTML's reference to the chart (an email's Content-ID)."""
    evidence: tuple[Evidence, ...]
    """Most severe first."""

    @property
    def factors(self) -> tuple[str, ...]:
        return tuple(e.factor for e in self.evidence)


def one_line(text: str) -> str:
    """No line breaks or control characters (user-supplied names end up in titles, headers)."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
