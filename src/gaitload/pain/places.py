"""Where it hurts: the places a runner can name, and what the article says each hints at."""

from __future__ import annotations

WORDS: dict[str, str] = {
    "heel": "heel",
    "ball": "ball",
    "ball of foot": "ball",
    "ball of the foot": "ball",
    "arch": "arch",
    "top": "top",
    "top of foot": "top",
    "top of the foot": "top",
    "toes": "toes",
    "toe": "toes",
    "general": "general",
    "achilles": "achilles",
    "shin": "shin",
    "ankle": "ankle",
    "knee": "knee",
    "hip": "hip",
}
"""Words a runner writes → the stored location. The first six places are the article's."""

PLACES = tuple(dict.fromkeys(WORDS.values()))
SIDES = ("left", "right")

HINTS: dict[str, str] = {
    "heel": "heel pain often comes from the plantar fascia (plantar fasciitis) or the Achilles",
    "ball": "pain in the ball of the foot can be metatarsalgia or a Morton's neuroma",
    "arch": "arch pain often goes with foot structure (flat feet or high arches)",
    "top": "pain on the top of the foot can be extensor tendonitis, or a stress fracture",
    "toes": "toe pain often comes from footwear or gait",
    "general": "general tiredness in the feet usually follows training load",
    "achilles": "Achilles pain is a tendon under load: reduce volume and hills",
    "shin": "pain at one point on the shin bone can be bone stress",
}
"""The article's 'where it hurts hints at why', shown when pain is recorded."""


def place(word: str) -> str:
    """The stored location for a runner's word; ValueError names the places known."""
    key = " ".join(word.lower().split())
    if key not in WORDS:
        raise ValueError(f"unknown place {word!r} (places: {', '.join(PLACES)})")
    return WORDS[key]
