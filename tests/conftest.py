from __future__ import annotations

import os
from pathlib import Path

import pytest

from gaitload.config import AthleteSettings, Settings
from gaitload.ingest import ImportReport, import_paths

SHARED_FIT = Path(__file__).resolve().parents[2] / "shared" / "data" / "fit"
TEST_ATHLETE = "tester"
TEST_TIMEZONE = "Europe/Zurich"


@pytest.fixture(autouse=True)
def _no_gaitload_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own GAITLOAD_* settings must not leak into tests."""
    for name in list(os.environ):
        if name.startswith("GAITLOAD_"):
            monkeypatch.delenv(name)


def make_settings(root: Path, **overrides) -> Settings:
    values = {
        "db_path": root / "gaitload.duckdb",
        "data_dir": root,
        "default_athlete": TEST_ATHLETE,
        "default_timezone": "UTC",
        "athletes": {TEST_ATHLETE: AthleteSettings(TEST_ATHLETE, TEST_TIMEZONE)},
        "lock_wait_s": 2.0,
    }
    return Settings(**{**values, **overrides})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def shared_fit() -> Path:
    if not SHARED_FIT.is_dir():
        pytest.skip(f"real device FIT files not found at {SHARED_FIT} (../shared/data/fit)")
    return SHARED_FIT


@pytest.fixture(scope="session")
def shared_import(shared_fit: Path, tmp_path_factory) -> tuple[Settings, ImportReport]:
    """Every real device file imported once, in parallel, into one database."""
    settings = make_settings(tmp_path_factory.mktemp("shared"))
    return settings, import_paths(settings, [shared_fit], workers=2)
