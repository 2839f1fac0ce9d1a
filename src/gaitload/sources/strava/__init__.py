"""Strava as a source: the API (OAuth login, a sync within the rate limits) and the bulk
export, one package. This module is what the registry needs, and imports the rest lazily.

Modules: `auth`, `tokens`, `api`, `budget` (the account and its requests), `syncing` (the
nightly sync), `activity` (an API activity to the normalized shape), `export` (the
"Download your data" archive), `linking` (export gear, a csv line linked to a file),
`cli` (`gaitload strava ...`), `source` (what the registry calls: login, sync, pull).
This module holds only Strava's merge rule, so the store can read it without importing
the sync, which writes through the store.
"""

from __future__ import annotations

from gaitload.sources.model import MergeRule

RULE = MergeRule(
    source="strava",
    fields=("name", "trainer", "description", "private_note", "gear_id"),
    channels=("api", "export"),
    from_streams=True,
)
"""Strava's title, notes, gear and indoor flag go on whichever copy is kept; what the API
said is never overridden by the (older) export."""
