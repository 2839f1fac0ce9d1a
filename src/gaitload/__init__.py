"""gaitload: running load and overuse-injury risk from Strava and FIT files, in DuckDB."""

from gaitload.config import Settings, load_settings
from gaitload.ingest import ImportReport, import_paths

__version__ = "0.1.0"

__all__ = ["ImportReport", "Settings", "__version__", "import_paths", "load_settings"]
