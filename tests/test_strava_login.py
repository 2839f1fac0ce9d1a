"""Connecting to Strava: the browser flow through the 127.0.0.1 catcher, pasted codes, the CLI."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import requests
from click.testing import CliRunner

from gaitload.cli import cli
from gaitload.errors import StravaAuthError
from gaitload.sources.strava import source as strava
from gaitload.sources.strava import tokens
from tests.builders import run_samples
from tests.conftest import strava_settings
from tests.fake_strava import ATHLETE_ID, CLIENT_ID, CLIENT_SECRET, run


@pytest.fixture
def settings(tmp_path, fake_strava):
    return strava_settings(tmp_path, fake_strava)


def browser(fake_strava):
    """The user's browser: opens the consent page, Strava redirects to the catcher."""
    seen = {}

    def open_url(url: str) -> None:
        seen["url"] = url

        def visit() -> None:
            seen["answer"] = requests.get(url, timeout=5).text

        threading.Thread(target=visit, daemon=True).start()

    return open_url, seen


def test_browser_login_catches_the_redirect_and_saves_private_tokens(
    settings, fake_strava, caplog, capsys
):
    open_url, seen = browser(fake_strava)

    saved = strava.login(settings, "anna", on_url=open_url)

    assert seen["url"].startswith(f"https://{fake_strava.host}/oauth/authorize?")
    assert "scope=activity%3Aread_all%2Cprofile%3Aread_all" in seen["url"]
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in seen["url"]
    assert "connected to Strava" in seen["answer"]
    assert saved.strava_athlete_id == ATHLETE_ID
    assert saved.access_token in fake_strava.access
    path = tokens.path_for(settings, "anna")
    assert path.stat().st_mode & 0o777 == 0o600
    output = caplog.text + capsys.readouterr().out
    assert saved.access_token not in output and saved.refresh_token not in output


def test_login_refuses_a_connection_without_the_needed_scopes(settings, fake_strava):
    fake_strava.granted_scope = "read,activity:read"  # the user unticked two boxes
    open_url, _ = browser(fake_strava)
    with pytest.raises(StravaAuthError, match="did not grant activity:read_all, profile:read_all"):
        strava.login(settings, "anna", on_url=open_url)
    assert not tokens.path_for(settings, "anna").exists()


def test_a_used_or_wrong_code_is_one_clear_message(settings, fake_strava):
    with pytest.raises(StravaAuthError, match="refused the authorization code"):
        strava.login(settings, "anna", code="not-a-code")


def test_cli_login_with_a_pasted_code_then_sync(tmp_path, fake_strava):
    env = {
        "STRAVA_CLIENT_ID": str(CLIENT_ID),
        "STRAVA_CLIENT_SECRET": CLIENT_SECRET,
        "GAITLOAD_STRAVA_HOST": fake_strava.host,
        "GAITLOAD_DATA_DIR": str(tmp_path),
    }
    fake_strava.add(run(1, datetime(2026, 7, 14, 12, tzinfo=UTC), samples=run_samples(n=61)))
    runner = CliRunner()

    login = runner.invoke(
        cli, ["strava", "login", "--athlete", "anna", "--code", fake_strava.issue_code()], env=env
    )
    assert login.exit_code == 0, login.output
    assert "Connected anna to Strava athlete 1234567" in login.output

    synced = runner.invoke(cli, ["strava", "sync"], env=env)
    assert synced.exit_code == 0, synced.output
    assert "anna: 1 new, 0 updated" in synced.output
    assert "history synced to 2026-07-14" in synced.output


def test_cli_without_app_credentials_says_where_to_put_them(tmp_path, fake_strava):
    result = CliRunner().invoke(
        cli, ["strava", "login", "--code", "x"], env={"GAITLOAD_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code != 0
    assert "STRAVA_CLIENT_ID" in result.output  # one line, no traceback
    assert "Traceback" not in result.output


def test_cli_inactive_application_is_one_line_without_traceback(tmp_path, fake_strava):
    import subprocess
    import sys

    settings = strava_settings(tmp_path, fake_strava)
    strava.login(settings, "tester", code=fake_strava.issue_code())
    fake_strava.inactive = True
    env = {
        "PATH": "/usr/bin:/bin",
        "STRAVA_CLIENT_ID": str(CLIENT_ID),
        "STRAVA_CLIENT_SECRET": CLIENT_SECRET,
        "GAITLOAD_STRAVA_HOST": fake_strava.host,
        "GAITLOAD_DATA_DIR": str(tmp_path),
        "REQUESTS_CA_BUNDLE": str(fake_strava.ca_file),
    }
    done = subprocess.run(
        [sys.executable, "-m", "gaitload", "strava", "sync"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("error: Strava refuses every request")
    assert "subscription" in done.stderr and "gaitload import export.zip" in done.stderr
