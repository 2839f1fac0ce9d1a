"""Settings, loaded once: command line, then environment, then `gaitload.toml`, then defaults.

Nothing deeper in the code reads `os.environ`; it gets a `Settings`.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from gaitload.errors import ConfigError

APP = "gaitload"
DEFAULT_ATHLETE = "me"


@dataclass(frozen=True)
class AthleteSettings:
    name: str
    timezone: str | None = None
    """IANA zone used when a file says nothing trustworthy about local time."""
    hr_rest: float | None = None
    hr_max: float | None = None
    """Heart rates for TRIMP; without them gaitload assumes 60 and 190 bpm."""
    inbox: Path | None = None
    """A folder a watch-sync tool fills with FIT files; the nightly run imports it."""
    email: str | None = None
    """Where this athlete's alerts go (else `MailSettings.alert_to`)."""
    coach: str | None = None
    """A coach who gets a copy (Cc) of every alert email."""
    thresholds: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """Rule thresholds for this athlete: factor -> name -> value, over the global ones."""


@dataclass(frozen=True)
class StravaSettings:
    """The Strava API application and how politely to use it."""

    client_id: int | None = None
    client_secret: str | None = field(default=None, repr=False)
    host: str = "www.strava.com"
    """API host[:port]; a test server on 127.0.0.1 speaks the same HTTPS."""
    token_dir: Path | None = None
    """Where the 0600 token files live (default: <data dir>/strava-tokens)."""
    max_wait_s: float = 3600.0
    """Total time one sync may wait for 15-minute rate windows; the daily limit never waits."""
    reserve: int = 0
    """Requests of each window left unused, for other programs sharing the application."""
    request_timeout_s: float = 30.0
    retries: int = 3
    """Retries of a request that timed out or got a 5xx/429 that the budget did not explain."""
    backoff_s: float = 2.0
    """First retry delay; doubles with each retry."""
    per_page: int = 200
    recheck_days: int = 2
    """Recent activities whose details (description, private note) are re-read every sync."""
    login_timeout_s: float = 300.0


class Secret(str):
    """A string that never shows itself in a repr, a log line or a traceback's locals."""

    def __repr__(self) -> str:
        return "Secret('***')"


SMTP_SECURITY = ("none", "starttls", "ssl")
SMTP_DEFAULT_PORT = {"none": 25, "starttls": 587, "ssl": 465}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "starttls"
    """none (a local relay), starttls or ssl."""
    user: str | None = None
    password: Secret | None = field(default=None, repr=False)
    """From GAITLOAD_SMTP_PASSWORD or the 0600 secrets file; never from gaitload.toml."""
    timeout_s: float = 30.0
    ca_file: Path | None = None
    """Extra certificate authority to trust (a private relay); the system's are always used."""


@dataclass(frozen=True)
class MailSettings:
    mail_from: str = "gaitload <gaitload@localhost>"
    alert_to: str | None = None
    """Recipient for athletes without an address of their own."""
    smtp: SmtpSettings | None = None
    """None: messages are written as .eml files to the outbox instead."""
    outbox: Path | None = None
    """Default: <data dir>/outbox."""


@dataclass(frozen=True)
class Settings:
    db_path: Path
    data_dir: Path
    config_path: Path | None = None
    default_athlete: str = DEFAULT_ATHLETE
    default_timezone: str = "UTC"
    """The machine's zone: the last fallback for an athlete with none configured."""
    athletes: Mapping[str, AthleteSettings] = field(default_factory=dict)
    lock_wait_s: float = 30.0
    """How long a writer waits for another process to release the database."""
    nightly_at: str = "03:00"
    """Local time of the scheduled nightly run (`gaitload schedule`)."""
    strava: StravaSettings = field(default_factory=StravaSettings)

    @property
    def token_dir(self) -> Path:
        return self.strava.token_dir or self.data_dir / "strava-tokens"

    thresholds: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """Rule thresholds for every athlete: factor -> name -> value (see rules/catalogue.toml)."""
    mail: MailSettings = field(default_factory=MailSettings)

    @property
    def outbox_dir(self) -> Path:
        return self.mail.outbox or self.data_dir / "outbox"

    def athlete(self, name: str | None) -> AthleteSettings:
        name = name or self.default_athlete
        return self.athletes.get(name, AthleteSettings(name=name))

    def timezone_of(self, name: str | None) -> str:
        return self.athlete(name).timezone or self.default_timezone


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "gaitload.toml"


def load_settings(
    db: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Build the settings; `db` and `config` are the command line's `--db` and `--config`."""
    env = os.environ if env is None else env
    config_path = Path(config or env.get("GAITLOAD_CONFIG") or default_config_path())
    doc = _read_toml(config_path, required=bool(config or env.get("GAITLOAD_CONFIG")))
    data_dir = Path(env.get("GAITLOAD_DATA_DIR") or doc.get("data_dir") or default_data_dir())
    db_path = Path(db or env.get("GAITLOAD_DB") or doc.get("db") or data_dir / "gaitload.duckdb")
    athletes = {
        name: AthleteSettings(
            name=name,
            timezone=_zone(body.get("timezone"), f"athletes.{name}"),
            hr_rest=body.get("hr_rest"),
            hr_max=body.get("hr_max"),
            inbox=Path(body["inbox"]).expanduser() if body.get("inbox") else None,
            email=body.get("email"),
            coach=body.get("coach"),
            thresholds=_thresholds(body.get("thresholds"), f"athletes.{name}.thresholds"),
        )
        for name, body in (doc.get("athletes") or {}).items()
    }
    return Settings(
        db_path=db_path.expanduser(),
        data_dir=data_dir.expanduser(),
        config_path=config_path if config_path.exists() else None,
        default_athlete=env.get("GAITLOAD_ATHLETE")
        or doc.get("default_athlete")
        or DEFAULT_ATHLETE,
        default_timezone=_zone(doc.get("timezone"), "timezone") or _machine_zone(),
        athletes=athletes,
        lock_wait_s=float(env.get("GAITLOAD_LOCK_WAIT") or doc.get("lock_wait_s") or 30.0),
        nightly_at=str(doc.get("nightly_at") or "03:00"),
        strava=_strava(doc.get("strava") or {}, env),
        thresholds=_thresholds(doc.get("thresholds"), "thresholds"),
        mail=_mail(doc, env),
    )


def _strava(doc: Mapping, env: Mapping[str, str]) -> StravaSettings:
    """`[strava]` from the file; the app's id and secret and the host may come from the env."""
    known = {f for f in StravaSettings.__dataclass_fields__}
    unknown = set(doc) - known
    if unknown:
        raise ConfigError(f"[strava]: unknown setting(s) {', '.join(sorted(unknown))}")
    values = dict(doc)
    for key, var in (
        ("client_id", "STRAVA_CLIENT_ID"),
        ("client_secret", "STRAVA_CLIENT_SECRET"),
        ("host", "GAITLOAD_STRAVA_HOST"),
        ("token_dir", "GAITLOAD_STRAVA_TOKEN_DIR"),
    ):
        if env.get(var):
            values[key] = env[var]
    if values.get("client_id") is not None:
        try:
            values["client_id"] = int(values["client_id"])
        except ValueError as exc:
            raise ConfigError("Strava client_id must be the app's number") from exc
    if values.get("token_dir"):
        values["token_dir"] = Path(values["token_dir"]).expanduser()
    return StravaSettings(**values)


def _thresholds(table: object, where: str) -> dict[str, dict[str, float]]:
    from gaitload.rules.catalogue import check_overrides  # the catalogue knows the names

    return check_overrides(table or {}, where)


def _mail(doc: dict, env: Mapping[str, str]) -> MailSettings:
    mail, smtp = doc.get("mail") or {}, doc.get("smtp") or {}
    if "password" in smtp:
        raise ConfigError(
            "smtp.password: keep the password out of gaitload.toml; set GAITLOAD_SMTP_PASSWORD "
            "or put smtp_password in a secrets file only you can read (chmod 600)"
        )
    host = env.get("GAITLOAD_SMTP_HOST") or smtp.get("host")
    user = env.get("GAITLOAD_SMTP_USER") or smtp.get("user")
    mail_from = env.get("GAITLOAD_MAIL_FROM") or mail.get("from")
    if not mail_from:
        mail_from = user if user and "@" in user else MailSettings.mail_from
    outbox = mail.get("outbox")
    return MailSettings(
        mail_from=mail_from,
        alert_to=env.get("GAITLOAD_ALERT_TO") or mail.get("to"),
        smtp=_smtp(host, user, smtp, env) if host else None,
        outbox=Path(outbox).expanduser() if outbox else None,
    )


def _smtp(host: str, user: str | None, smtp: dict, env: Mapping[str, str]) -> SmtpSettings:
    security = (env.get("GAITLOAD_SMTP_SECURITY") or smtp.get("security") or "starttls").lower()
    if security not in SMTP_SECURITY:
        raise ConfigError(f"smtp security {security!r}: use one of {', '.join(SMTP_SECURITY)}")
    port = env.get("GAITLOAD_SMTP_PORT") or smtp.get("port") or SMTP_DEFAULT_PORT[security]
    try:
        port = int(port)
    except ValueError as exc:
        raise ConfigError(f"smtp port {port!r} is not a number") from exc
    password = env.get("GAITLOAD_SMTP_PASSWORD")
    secrets = env.get("GAITLOAD_SECRETS") or smtp.get("secrets_file")
    default_secrets = default_config_path().parent / "secrets.toml"
    if not secrets and default_secrets.exists():
        secrets = default_secrets
    if not password and secrets:
        password = _read_secrets(Path(secrets).expanduser()).get("smtp_password")
    ca_file = smtp.get("ca_file")
    return SmtpSettings(
        host=host,
        port=port,
        security=security,
        user=user,
        password=Secret(password) if password else None,
        timeout_s=float(env.get("GAITLOAD_SMTP_TIMEOUT") or smtp.get("timeout_s") or 30.0),
        ca_file=Path(ca_file).expanduser() if ca_file else None,
    )


def _read_secrets(path: Path) -> dict:
    """The secrets file must be readable by its owner only, like ~/.ssh keys."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(f"secrets file {path}: {exc.strerror}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"secrets file {path} is readable by others: chmod 600 {path}")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"secrets file {path} is not valid TOML: {exc}") from exc


def _read_toml(path: Path, *, required: bool) -> dict:
    if not path.exists():
        if required:
            raise ConfigError(f"config file {path} does not exist")
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _zone(name: str | None, where: str) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{where}: unknown time zone {name!r} (use an IANA name)") from exc
    return name


def _machine_zone() -> str:
    try:
        import tzlocal

        return tzlocal.get_localzone_name() or "UTC"
    except Exception:  # an unconfigured container has no zone: UTC is the honest answer
        return "UTC"
