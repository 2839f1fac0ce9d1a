"""The backtest: the load rules' episodes measured against injuries (docs/backtest.md)."""

from gaitload.backtest.compute import (
    ANY,
    Backtest,
    Injury,
    RuleRecord,
    backtest,
    measure,
    read_injuries,
)

__all__ = ["ANY", "Backtest", "Injury", "RuleRecord", "backtest", "measure", "read_injuries"]
