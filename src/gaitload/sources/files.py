"""Activity files (FIT, GPX, TCX) as a source: what a file may add to a stored activity."""

from gaitload.sources.model import MergeRule

RULE = MergeRule(source="files", fields=("fit_notes",))
"""The notes a FIT file carries are the file's: only another file with notes replaces them,
so neither a sync nor a copy without notes can erase them."""
