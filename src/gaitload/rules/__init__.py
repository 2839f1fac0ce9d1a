"""Risk rules: the article's patterns as a catalogue, evaluated in SQL, kept as episodes."""

from gaitload.rules.alerts import Alert, check_alerts, list_alerts, recorded_alerts
from gaitload.rules.catalogue import catalogue
from gaitload.rules.evaluate import Episode, Evaluation, evaluate
from gaitload.rules.state import RecordReport, record

__all__ = [
    "Alert",
    "Episode",
    "Evaluation",
    "RecordReport",
    "catalogue",
    "check_alerts",
    "evaluate",
    "list_alerts",
    "record",
    "recorded_alerts",
]
