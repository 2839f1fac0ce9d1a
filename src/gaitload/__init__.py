"""gaitload: running load and overuse-injury risk from Strava and FIT files, in DuckDB."""

from gaitload.config import Settings, load_settings
from gaitload.ingest import ImportReport, import_paths
from gaitload.notify import DeliveryReport, send_alerts
from gaitload.rules import Alert, check_alerts
from gaitload.sources.strava.syncing import SyncReport
from gaitload.sources.strava.syncing import sync as sync_strava

__version__ = "0.1.0"

__all__ = [
    "Alert",
    "DeliveryReport",
    "ImportReport",
    "Settings",
    "SyncReport",
    "__version__",
    "check_alerts",
    "import_paths",
    "load_settings",
    "send_alerts",
    "sync_strava",
]
