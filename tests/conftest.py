from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from gaitload.config import AthleteSettings, Settings
from gaitload.ingest import ImportReport, import_paths

SHARED_FIT = Path(__file__).resolve().parents[2] / "shared" / "data" / "fit"
TEST_ATHLETE = "tester"
TEST_TIMEZONE = "Europe/Zurich"


os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry in tests
# Prefect as on a fresh machine, whatever the developer's holds: its own home (a ~/.prefect
# migrated by another Prefect version, or a profile, would change what the flows meet) and no
# server of theirs to record test runs on. Set before anything imports prefect.
_PREFECT_HOME = tempfile.mkdtemp(prefix="gaitload-tests-prefect-")
atexit.register(shutil.rmtree, _PREFECT_HOME, ignore_errors=True)
os.environ["PREFECT_HOME"] = _PREFECT_HOME
for _name in ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
    os.environ.pop(_name, None)


@pytest.fixture
def copies(monkeypatch) -> list[Path]:
    """Every copy of a database this process makes from here on (its source path): the
    readers' snapshot is the one thing gaitload copies (`shutil.copyfile`), and a flow's
    tasks run on this process's threads, so it is copied here or not at all."""
    made: list[Path] = []
    copy = shutil.copyfile

    def spy(src, dst, **kwargs):
        made.append(Path(src))
        return copy(src, dst, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", spy)
    return made


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


@pytest.fixture(scope="session")
def fake_strava_server(tmp_path_factory):
    from tests.fake_strava import FakeStrava

    fake = FakeStrava(tmp_path_factory.mktemp("fake-strava-ca"))
    yield fake
    fake.close()


@pytest.fixture
def fake_strava(fake_strava_server, monkeypatch: pytest.MonkeyPatch):
    """The fake Strava, emptied, trusted through REQUESTS_CA_BUNDLE as a private CA would be."""
    fake_strava_server.reset()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake_strava_server.ca_file))
    for name in ("STRAVA_CLIENT_ID", "STRAVA_CLIENT_SECRET", "SILENCE_TOKEN_WARNINGS"):
        monkeypatch.delenv(name, raising=False)
    return fake_strava_server


def strava_settings(root: Path, fake, **strava) -> Settings:
    from gaitload.config import StravaSettings
    from tests.fake_strava import CLIENT_ID, CLIENT_SECRET

    values = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "host": fake.host,
        "per_page": 5,
        "backoff_s": 0.01,
        "retries": 2,
        "request_timeout_s": 2.0,
        "max_wait_s": 0.0,
        "login_timeout_s": 10.0,
    }
    return make_settings(root, strava=StravaSettings(**{**values, **strava}))


@pytest.fixture(scope="session")
def smtp_server_session():
    """The SMTP server on 127.0.0.1 (tests/smtp_server.py), one for the whole run."""
    from tests import smtp_server
    from tests.smtp_server import Recorder

    recorder = Recorder()
    controller = smtp_server.start(recorder)
    yield recorder, controller.port
    controller.stop()


@pytest.fixture
def smtp(smtp_server_session):
    """(recorder, port) of the SMTP server, emptied and well-behaved for this test."""
    recorder, port = smtp_server_session
    recorder.received.clear()
    recorder.refuse.clear()
    recorder.kill = None
    return recorder, port


@pytest.fixture(scope="session")
def anna_template(tmp_path_factory) -> Path:
    """Anna's history (tests/histories.py) imported once; tests get their own copy."""
    from tests.histories import athlete_settings, build_anna

    root = tmp_path_factory.mktemp("anna")
    settings = athlete_settings(make_settings(root), ["anna"])
    build_anna(settings, root / "fit")
    return settings.db_path


@pytest.fixture
def anna_env(anna_template: Path, tmp_path: Path) -> dict[str, str]:
    """GAITLOAD_* for a copy of Anna's database, with her gaitload.toml (email, coach)."""
    from tests.histories import ANNA_CONFIG

    db = tmp_path / "gaitload.duckdb"
    shutil.copy(anna_template, db)
    config = tmp_path / "gaitload.toml"
    config.write_text(ANNA_CONFIG)
    return {
        "GAITLOAD_DB": str(db),
        "GAITLOAD_CONFIG": str(config),
        "GAITLOAD_DATA_DIR": str(tmp_path),
    }
