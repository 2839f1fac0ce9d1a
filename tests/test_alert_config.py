"""Alert settings: thresholds per athlete, mail and SMTP from the file and the environment,
the password only from the environment or a secrets file only its owner can read."""

from __future__ import annotations

import re

import pytest

from gaitload.config import load_settings
from gaitload.errors import ConfigError
from gaitload.rules.catalogue import catalogue, thresholds_for


def settings_from(tmp_path, toml: str, **env: str):
    config = tmp_path / "gaitload.toml"
    config.write_text(toml)
    return load_settings(env={"GAITLOAD_CONFIG": str(config), **env})


def test_thresholds_merge_defaults_then_everyone_then_the_athlete(tmp_path):
    settings = settings_from(
        tmp_path,
        "[thresholds.load_ramp]\nwarn_pct = 15\n"
        "[athletes.anna.thresholds.load_ramp]\nwarn_min_km = 8\n"
        "[athletes.anna.thresholds.long_run_spike]\nhigh_pct = 80.5\n",
    )
    anna = thresholds_for(settings.thresholds, settings.athlete("anna").thresholds)
    ben = thresholds_for(settings.thresholds, settings.athlete("ben").thresholds)
    assert anna["load_ramp"] == {
        "warn_pct": 15.0,
        "warn_min_km": 8.0,
        "usual_factor": 4.0,
        "usual_weeks": 12,
        "peak_pct": 10.0,
        "clear_days": 7,
    }
    assert anna["long_run_spike"]["high_pct"] == 80.5
    assert ben["load_ramp"]["warn_min_km"] == 5.0 and ben["load_ramp"]["warn_pct"] == 15.0
    assert ben["long_run_spike"] == catalogue().rules["long_run_spike"].defaults()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[thresholds.load-ramp]\nwarn_pct = 15\n", "thresholds: unknown factor 'load-ramp'"),
        (
            "[athletes.anna.thresholds.load_ramp]\npct = 15\n",
            "[athletes.anna] thresholds: unknown threshold load_ramp.pct",
        ),
        (
            '[thresholds.acwr]\ninfo_high = "1.5"\n',
            "[thresholds.acwr] info_high: should be a valid number",
        ),
        ('[smtp]\nhost = "x"\npassword = "hunter2"\n', "keep the password out of gaitload.toml"),
        (
            '[smtp]\nhost = "x"\nsecurity = "tls"\n',
            "[smtp] security: should be 'none', 'starttls' or 'ssl', not 'tls'",
        ),
    ],
    ids=["unknown-factor", "unknown-threshold", "not-a-number", "password-in-file", "security"],
)
def test_bad_alert_config_is_one_clear_error(tmp_path, toml, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings_from(tmp_path, toml)


def test_no_smtp_means_the_outbox_in_the_data_directory(tmp_path):
    settings = settings_from(tmp_path, "", GAITLOAD_DATA_DIR=str(tmp_path))
    assert settings.mail.smtp is None
    assert settings.outbox_dir == tmp_path / "outbox"
    assert settings.mail.alert_to is None


def test_the_environment_beats_the_file_and_ports_follow_security(tmp_path):
    toml = (
        '[mail]\nfrom = "file@example.org"\nto = "me@example.org"\n'
        '[smtp]\nhost = "file.example.org"\nsecurity = "ssl"\nuser = "u"\n'
    )
    from_file = settings_from(tmp_path, toml)
    assert (from_file.mail.smtp.host, from_file.mail.smtp.port) == ("file.example.org", 465)
    assert from_file.mail.mail_from == "file@example.org"
    env = settings_from(
        tmp_path,
        toml,
        GAITLOAD_SMTP_HOST="env.example.org",
        GAITLOAD_SMTP_PORT="2525",
        GAITLOAD_SMTP_SECURITY="NONE",
        GAITLOAD_SMTP_USER="alerts",
        GAITLOAD_MAIL_FROM="env@example.org",
        GAITLOAD_ALERT_TO="coachless@example.org",
    )
    smtp = env.mail.smtp
    assert (smtp.host, smtp.port, smtp.security, smtp.user) == (
        "env.example.org",
        2525,
        "none",
        "alerts",
    )
    assert (env.mail.mail_from, env.mail.alert_to) == ("env@example.org", "coachless@example.org")
    starttls = settings_from(tmp_path, "", GAITLOAD_SMTP_HOST="h")
    assert (starttls.mail.smtp.security, starttls.mail.smtp.port) == ("starttls", 587)


def test_the_password_comes_from_a_private_secrets_file_or_the_environment(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('smtp_password = "from-the-file"\n')
    toml = f'[smtp]\nhost = "h"\nuser = "u"\nsecrets_file = "{secrets}"\n'
    secrets.chmod(0o644)
    with pytest.raises(ConfigError, match=re.escape(f"is readable by others: chmod 600 {secrets}")):
        settings_from(tmp_path, toml)
    secrets.chmod(0o600)
    settings = settings_from(tmp_path, toml)
    assert str(settings.mail.smtp.password) == "from-the-file"
    assert "from-the-file" not in repr(settings)
    assert repr(settings.mail.smtp.password) == "Secret('***')"
    env = settings_from(tmp_path, toml, GAITLOAD_SMTP_PASSWORD="from-the-env")
    assert str(env.mail.smtp.password) == "from-the-env"
    via_env = settings_from(tmp_path, '[smtp]\nhost = "h"\n', GAITLOAD_SECRETS=str(secrets))
    assert str(via_env.mail.smtp.password) == "from-the-file"


def test_athletes_have_an_email_and_a_coach(tmp_path):
    settings = settings_from(
        tmp_path, '[athletes.anna]\nemail = "anna@example.org"\ncoach = "c@example.org"\n'
    )
    anna = settings.athlete("anna")
    assert (anna.email, anna.coach) == ("anna@example.org", "c@example.org")
    assert settings.athlete("ben").email is None


def test_the_demo_never_uses_a_configured_smtp_server(tmp_path):
    from gaitload import demo

    settings = settings_from(
        tmp_path, '[smtp]\nhost = "smtp.example.org"\n', GAITLOAD_DATA_DIR=str(tmp_path)
    )
    assert settings.mail.smtp is not None
    for db in (None, tmp_path / "given.duckdb"):  # `gaitload --db X demo` too
        own = demo.demo_settings(settings, tmp_path / "demo" / "fit", db=db)
        assert own.mail.smtp is None
        assert own.outbox_dir == tmp_path / "demo" / "outbox"
