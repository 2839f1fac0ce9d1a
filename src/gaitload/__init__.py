"""gaitload: running load and overuse-injury risk from Strava and FIT files, in DuckDB.

The names below load on first use: a parse worker or `gaitload --help` imports only what it
needs (eagerly, `import gaitload` cost ~0.9 s, half of it stravalib's unit registry; a
spawned worker spent that before it could arrange to die with its parent).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "Settings": ("gaitload.config", "Settings"),
    "load_settings": ("gaitload.config", "load_settings"),
    "ImportReport": ("gaitload.ingest", "ImportReport"),
    "import_paths": ("gaitload.ingest", "import_paths"),
    "DeliveryReport": ("gaitload.notify", "DeliveryReport"),
    "send_alerts": ("gaitload.notify", "send_alerts"),
    "Alert": ("gaitload.rules", "Alert"),
    "check_alerts": ("gaitload.rules", "check_alerts"),
    "SyncReport": ("gaitload.sources.strava.syncing", "SyncReport"),
    "sync_strava": ("gaitload.sources.strava.syncing", "sync"),
}

__all__ = [  # noqa: RUF022 (the order of _EXPORTS)
    "Settings",
    "load_settings",
    "ImportReport",
    "import_paths",
    "DeliveryReport",
    "send_alerts",
    "Alert",
    "check_alerts",
    "SyncReport",
    "sync_strava",
    "__version__",
]

if TYPE_CHECKING:
    from gaitload.config import Settings, load_settings
    from gaitload.ingest import ImportReport, import_paths
    from gaitload.notify import DeliveryReport, send_alerts
    from gaitload.rules import Alert, check_alerts
    from gaitload.sources.strava.syncing import SyncReport
    from gaitload.sources.strava.syncing import sync as sync_strava


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'gaitload' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value
