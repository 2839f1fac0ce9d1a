"""Pain written in an activity's notes, in one short syntax: read exactly, or not at all.

A line that starts with `pain:` holds one or more places, separated by commas or semicolons:

    pain: left heel 3/10
    Pain: right top of foot bone 6/10 (sore to press), left arch 2/10

Each place is `[left|right] WHERE [bone] SCORE/10 [(note)]`; `bone` marks point pain on a
bone. Anything else on such a line (two scores, two sides, an unknown place, a score above
10, the same place twice) makes the whole line unread, with the reason: a guess about pain
would be worse than none. Lines that do not start with `pain:` are never looked at, so
"no pain: lovely run" in the middle of a sentence stays prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gaitload.pain.places import PLACES, WORDS

_LINE = re.compile(r"^\s*(?:[-*•]\s*)?pain\s*:(?P<rest>.*)$", re.IGNORECASE)
_WHERE = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in WORDS), key=len)[::-1])
_ITEM = re.compile(
    rf"^(?:(?P<side>left|right)\s+)?(?P<where>{_WHERE})(?:\s+(?P<bone>bone))?"
    r"\s+(?P<score>\d{1,2})\s*/\s*10(?:\s*\((?P<note>[^()]*)\))?$",
    re.IGNORECASE,
)
EXAMPLE = "pain: left heel 3/10"


@dataclass(frozen=True)
class PainMark:
    location: str
    side: str | None
    bone: bool
    score: int
    note: str | None


@dataclass(frozen=True)
class Unread:
    line: str
    problem: str


@dataclass(frozen=True)
class NoteReading:
    marks: list[PainMark]
    unread: list[Unread]


def read_note(text: str | None) -> NoteReading:
    """Every `pain:` line of a note, read into marks, or listed as unread with the reason."""
    marks: list[PainMark] = []
    unread: list[Unread] = []
    for line in (text or "").splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        try:
            marks += read_line(match["rest"])
        except ValueError as problem:
            unread.append(Unread(line.strip(), str(problem)))
    return NoteReading(marks, unread)


def read_line(rest: str) -> list[PainMark]:
    """The places after `pain:`; raises ValueError saying why when any part is unclear."""
    items = [item.strip() for item in re.split(r"[,;]", rest) if item.strip()]
    if not items:
        raise ValueError(f"nothing after 'pain:' (write e.g. '{EXAMPLE}')")
    marks = []
    for item in items:
        match = _ITEM.match(item)
        if not match:
            raise ValueError(_why_unread(item))
        score = int(match["score"])
        if score > 10:
            raise ValueError(f"score {score}/10 in {item!r} is above 10")
        where = re.sub(r"\s+", " ", match["where"].lower())
        marks.append(
            PainMark(
                location=WORDS[where],
                side=match["side"].lower() if match["side"] else None,
                bone=match["bone"] is not None,
                score=score,
                note=(match["note"] or "").strip() or None,
            )
        )
    places = [(m.location, m.side) for m in marks]
    if len(set(places)) < len(places):
        raise ValueError("the same place twice on one line: which score is meant?")
    return marks


_SHAPE = re.compile(
    r"^(?:(?:left|right)\s+)?(?P<where>[a-z' ]+?)(?:\s+bone)?\s+\d{1,2}\s*/\s*10$", re.IGNORECASE
)


def _why_unread(item: str) -> str:
    """The reason an item was not read: an unknown place is named as such."""
    words = item.lower().split()
    if "left" in words and "right" in words:
        return f"two sides in {item!r}: one place per side, e.g. 'left heel 3/10, right heel 2/10'"
    if len(re.findall(r"/\s*10", item)) > 1:
        return f"more than one score in {item!r}: which is meant?"
    shape = _SHAPE.match(item)
    if shape and " ".join(shape["where"].lower().split()) not in WORDS:
        return f"unknown place {shape['where'].strip()!r} in {item!r} (places: {', '.join(PLACES)})"
    return f"could not read {item!r} (write e.g. '{EXAMPLE}')"
