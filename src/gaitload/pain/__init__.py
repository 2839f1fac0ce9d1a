"""The pain journal: where it hurts, from the runner or from activity notes."""

from gaitload.pain.journal import Recorded, add_pain, pain_entries, read_notes, remove_pain

__all__ = ["Recorded", "add_pain", "pain_entries", "read_notes", "remove_pain"]
