"""The look-back: what changed in the training before a pain started (see docs/lookback.md)."""

from gaitload.lookback.chart import weekly_chart
from gaitload.lookback.compute import LOAD_FACTORS, look_back
from gaitload.lookback.model import LookBack

__all__ = ["LOAD_FACTORS", "LookBack", "look_back", "weekly_chart"]
