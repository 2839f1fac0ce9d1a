"""Metrics: per-activity stream figures stored once, and SQL views across days and weeks."""

from gaitload.metrics.refresh import RefreshReport, refresh, refresh_database

__all__ = ["RefreshReport", "refresh", "refresh_database"]
