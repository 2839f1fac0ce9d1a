"""Settings, loaded once: command line, then environment, then `gaitload.toml`, then defaults.

Nothing deeper in the code reads `os.environ`; it gets a `Settings`.
"""

from __future__ import annotations

import difflib
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
import pydantic

from gaitload import config_schema as schema
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
    allow_plaintext_login: bool = False
    """With security "none", log in to a server off this machine anyway (the password goes
    out in clear text): refused unless the user says so."""


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
    """Build the settings; `db` and `config` are the command line's `--db` and `--config`.

    Every key and variable is checked against `config_schema` first: a wrong one stops here
    with one line naming the file (or variable), section and key.
    """
    env = os.environ if env is None else env
    _check_variable_names(env)
    config_path = Path(config or env.get("GAITLOAD_CONFIG") or default_config_path()).expanduser()
    doc = _read_toml(config_path, required=bool(config or env.get("GAITLOAD_CONFIG")))
    smtp_doc = doc.get("smtp")
    if isinstance(smtp_doc, dict) and "password" in smtp_doc:
        raise ConfigError(
            f"{config_path}: [smtp] password: keep the password out of gaitload.toml; set "
            "GAITLOAD_SMTP_PASSWORD or put smtp_password in secrets.toml beside it, readable "
            "only by you (chmod 600)"
        )
    doc, from_env = _with_env(doc, env)
    checked = _validate(schema.ConfigFile, doc, config_path, from_env)
    data_dir = (checked.data_dir or default_data_dir()).expanduser()
    db_path = Path(db) if db else checked.db or data_dir / "gaitload.duckdb"
    athletes = {
        name: AthleteSettings(
            name=name,
            timezone=body.timezone,
            hr_rest=body.hr_rest,
            hr_max=body.hr_max,
            inbox=body.inbox.expanduser() if body.inbox else None,
            email=body.email,
            coach=body.coach,
            thresholds=body.thresholds,
        )
        for name, body in checked.athletes.items()
    }
    strava = checked.strava.model_dump()
    if strava["token_dir"]:
        strava["token_dir"] = strava["token_dir"].expanduser()
    return Settings(
        db_path=db_path.expanduser(),
        data_dir=data_dir,
        config_path=config_path if config_path.exists() else None,
        default_athlete=checked.default_athlete,
        default_timezone=checked.timezone or _machine_zone(),
        athletes=athletes,
        lock_wait_s=checked.lock_wait_s,
        nightly_at=checked.nightly_at,
        strava=StravaSettings(**strava),
        thresholds=checked.thresholds,
        mail=_mail(checked, env, config_path),
    )


def _check_variable_names(env: Mapping[str, str]) -> None:
    """A misspelt GAITLOAD_* variable would be ignored without a word: name the right one.
    (Names unlike any known one are left alone: other tools may have their own.)"""
    known = [*schema.variables(), *schema.OTHER_VARIABLES]
    for name in env:
        if name.startswith("GAITLOAD_") and name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.85)
            if close:
                raise ConfigError(
                    f"environment variable {name} is not one gaitload reads "
                    f"(did you mean {close[0]}?)"
                )


def _with_env(doc: dict, env: Mapping[str, str]) -> tuple[dict, dict[tuple, str]]:
    """The file's values with the environment's laid over them, and which came from where
    (`VAR='text'`, for the error message)."""
    doc = {k: dict(v) if isinstance(v, dict) else v for k, v in doc.items()}
    from_env: dict[tuple, str] = {}
    for var, (where, model) in schema.variables().items():
        if model is schema.SecretsFile or not env.get(var):
            continue
        *sections, key = where
        table = doc
        for section in sections:
            table = table.setdefault(section, {})
        if isinstance(table, dict):
            table[key] = _from_text(model, key, env[var])
            from_env[tuple(where)] = f"{var}={env[var]!r}"
    return doc, from_env


def _from_text(model, key: str, text: str) -> object:
    """A variable's text as the key's type ("30" -> 30.0, "true" -> True), where it reads as
    one; the file's numbers must be numbers, but a variable is always text."""
    field = next(f for name, f in model.model_fields.items() if (f.alias or name) == key)
    try:
        return pydantic.TypeAdapter(field.annotation).validate_python(text)
    except pydantic.ValidationError:
        return text  # the model's check names the variable and what is wrong


def _validate(model, doc: dict, path: Path, from_env: dict[tuple, str] | None = None):
    try:
        return model.model_validate(doc)
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ConfigError(_describe(errors[0], model, path, from_env or {}) + more) from None


def _describe(error: dict, model, path: Path, from_env: dict[tuple, str]) -> str:
    """One line: where (file, [section] and key, or the variable), what is wrong, the fix."""
    loc = tuple(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        section = model if model is not schema.ConfigFile else schema.model_at(loc[:-1])
        known = schema.key_names(section) if section else []
        problem = f"unknown key{schema.did_you_mean(loc[-1], known)}"
        if section is schema.SmtpConfig and schema.did_you_mean(loc[-1], ["password"]):
            problem = "unknown key; the password goes in secrets.toml or GAITLOAD_SMTP_PASSWORD"
    else:
        problem = _PROBLEMS.get(error["type"]) or error["msg"].removeprefix("Value error, ")
        problem = problem.removeprefix("Input ").split(", unable to")[0]
        value = error.get("input")
        if isinstance(value, str | int | float | bool) and repr(value) not in problem:
            problem += f", not {value!r}"
    if loc in from_env:
        return f"{from_env[loc]}: {problem}"
    if model is schema.ConfigFile and loc and schema.model_at(loc) is not None:
        return f"{path}: [{'.'.join(loc)}]: {problem}"  # the whole section (hr_rest vs hr_max)
    *section, key = loc or ("",)
    return f"{path}: {'[' + '.'.join(section) + '] ' if section else ''}{key}: {problem}"


_PROBLEMS = {
    "path_type": "should be a path (a string in quotes)",
    "dict_type": "should be a table",
    "model_type": "should be a table",
}
"""pydantic's wording where it speaks of Python rather than TOML."""


def _mail(checked: schema.ConfigFile, env: Mapping[str, str], config_path: Path) -> MailSettings:
    mail, smtp = checked.mail, checked.smtp
    mail_from = mail.from_
    if not mail_from:
        mail_from = smtp.user if smtp.user and "@" in smtp.user else MailSettings.mail_from
    return MailSettings(
        mail_from=mail_from,
        alert_to=mail.to,
        smtp=_smtp(smtp, env, config_path) if smtp.host else None,
        outbox=mail.outbox.expanduser() if mail.outbox else None,
    )


def _smtp(smtp: schema.SmtpConfig, env: Mapping[str, str], config_path: Path) -> SmtpSettings:
    password = env.get("GAITLOAD_SMTP_PASSWORD")
    if not password:
        secrets = smtp.secrets_file or config_path.parent / "secrets.toml"
        if smtp.secrets_file or secrets.exists():
            password = _read_secrets(secrets.expanduser()).smtp_password
    return SmtpSettings(
        host=smtp.host,
        port=smtp.port or SMTP_DEFAULT_PORT[smtp.security],
        security=smtp.security,
        user=smtp.user,
        password=Secret(password) if password else None,
        timeout_s=smtp.timeout_s,
        ca_file=smtp.ca_file.expanduser() if smtp.ca_file else None,
        allow_plaintext_login=smtp.allow_plaintext_login,
    )


def _read_secrets(path: Path) -> schema.SecretsFile:
    """The secrets file must be readable by its owner only, like ~/.ssh keys."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(f"secrets file {path}: {exc.strerror}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"secrets file {path} is readable by others: chmod 600 {path}")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"secrets file {path} is not valid TOML: {exc}") from exc
    return _validate(schema.SecretsFile, doc, path)


def _read_toml(path: Path, *, required: bool) -> dict:
    if not path.exists():
        if required:
            raise ConfigError(f"config file {path} does not exist")
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _machine_zone() -> str:
    try:
        import tzlocal

        return tzlocal.get_localzone_name() or "UTC"
    except Exception:  # an unconfigured container has no zone: UTC is the honest answer
        return "UTC"
