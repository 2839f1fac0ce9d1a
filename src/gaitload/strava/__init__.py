"""Strava: connect an athlete (OAuth), sync activities within the rate limits."""

from gaitload.strava.auth import login
from gaitload.strava.sync import SyncReport, sync

__all__ = ["SyncReport", "login", "sync"]
