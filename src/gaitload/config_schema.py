"""What `gaitload.toml`, `secrets.toml` and the GAITLOAD_* variables may hold, declared once.

pydantic checks every key's type and range and rejects unknown keys in every section; the
loader (`config.py`) turns its findings into one line naming the file, section and key, and
`docs/configuration.md` is generated from these declarations (`python -m
gaitload.config_schema > docs/configuration.md`; a test fails when it is out of date).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name like Europe/Berlin)"
        ) from None
    return name


def _clock(value: str) -> str:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"{value!r} is not a time of day HH:MM (00:00 to 23:59)")
    return value


def _address(value: str) -> str:
    if "@" not in value:
        raise ValueError(f"{value!r} is not an email address")
    return value


Zone = Annotated[str, AfterValidator(_zone)]
Address = Annotated[str, AfterValidator(_address)]
Name = Annotated[str, Field(min_length=1)]


def env(name: str) -> dict[str, str]:
    """The environment variable that overrides a key (it wins over the file)."""
    return {"env": name}


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _thresholds(table: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Factor and threshold names come from the rule catalogue; every threshold is >= 0."""
    from gaitload.rules.catalogue import catalogue

    rules = catalogue().rules
    for factor, values in table.items():
        if factor not in rules:
            raise ValueError(f"unknown factor {factor!r}{did_you_mean(factor, list(rules))}")
        known = list(rules[factor].thresholds)
        for name in values:
            if name not in known:
                raise ValueError(f"unknown threshold {factor}.{name}{did_you_mean(name, known)}")
    return table


Thresholds = Annotated[
    dict[str, dict[str, Annotated[float, Field(ge=0, strict=True)]]], AfterValidator(_thresholds)
]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AthleteConfig(Section):
    """`[athletes.<name>]`: one athlete (the name is the one `--athlete` takes)."""

    timezone: Zone | None = Field(
        None, description="IANA zone used when a file says nothing trustworthy about local time"
    )
    hr_rest: float | None = Field(
        None,
        strict=True,
        ge=25,
        le=120,
        description="resting heart rate (bpm) for TRIMP; default 60",
    )
    hr_max: float | None = Field(
        None,
        strict=True,
        ge=100,
        le=240,
        description="maximum heart rate (bpm) for TRIMP; default 190",
    )
    inbox: Path | None = Field(
        None,
        description="a folder a watch-sync tool fills with FIT files; the nightly run imports it",
    )
    email: Address | None = Field(None, description="where this athlete's alerts go")
    coach: Address | None = Field(None, description="a coach who gets a copy (Cc) of every alert")
    thresholds: Thresholds = Field(
        default_factory=dict,
        description="rule thresholds for this athlete: [athletes.<name>.thresholds.<factor>]",
    )

    @model_validator(mode="after")
    def _rest_below_max(self) -> AthleteConfig:
        if self.hr_rest is not None and self.hr_max is not None and self.hr_rest >= self.hr_max:
            raise ValueError(f"hr_rest {self.hr_rest:g} is not below hr_max {self.hr_max:g}")
        return self


class StravaConfig(Section):
    """`[strava]`: the Strava API application and how politely to use it."""

    client_id: int | None = Field(
        None,
        strict=True,
        ge=1,
        description="the API application's number",
        json_schema_extra=env("STRAVA_CLIENT_ID"),
    )
    client_secret: str | None = Field(
        None,
        description="the API application's secret",
        json_schema_extra=env("STRAVA_CLIENT_SECRET"),
        repr=False,
    )
    host: Name = Field(
        "www.strava.com",
        description="API host[:port]",
        json_schema_extra=env("GAITLOAD_STRAVA_HOST"),
    )
    token_dir: Path | None = Field(
        None,
        description="where the 0600 token files live (default: <data dir>/strava-tokens)",
        json_schema_extra=env("GAITLOAD_STRAVA_TOKEN_DIR"),
    )
    max_wait_s: float = Field(
        3600.0,
        strict=True,
        ge=0,
        description="total time one sync may wait for 15-minute rate windows",
    )
    reserve: int = Field(
        0, strict=True, ge=0, description="requests of each window left unused, for other programs"
    )
    request_timeout_s: float = Field(
        30.0, strict=True, gt=0, le=600, description="seconds per request"
    )
    retries: int = Field(
        3,
        strict=True,
        ge=0,
        le=10,
        description="retries of a request that timed out or got a 5xx/429",
    )
    backoff_s: float = Field(
        2.0, strict=True, ge=0, description="first retry delay; doubles with each retry"
    )
    per_page: int = Field(200, strict=True, ge=1, le=200, description="activities per list request")
    recheck_days: int = Field(
        2, strict=True, ge=0, description="recent activities whose details are re-read every sync"
    )
    login_timeout_s: float = Field(
        300.0,
        strict=True,
        gt=0,
        description="how long `gaitload strava login` waits for the browser",
    )


class MailConfig(Section):
    """`[mail]`: who sends and who receives alert emails."""

    from_: str | None = Field(
        None,
        alias="from",
        description="the emails' sender (default: the SMTP user, if an address)",
        json_schema_extra=env("GAITLOAD_MAIL_FROM"),
    )
    to: Address | None = Field(
        None,
        description="the recipient for athletes without an email of their own",
        json_schema_extra=env("GAITLOAD_ALERT_TO"),
    )
    outbox: Path | None = Field(
        None,
        description="folder for .eml files when no SMTP server is set (default: <data dir>/outbox)",
    )


class SmtpConfig(Section):
    """`[smtp]`: the server for alert emails (without a host: .eml files in the outbox).
    The password never goes here: GAITLOAD_SMTP_PASSWORD or `smtp_password` in secrets.toml."""

    host: Name | None = Field(
        None, description="the SMTP server", json_schema_extra=env("GAITLOAD_SMTP_HOST")
    )
    port: int | None = Field(
        None,
        strict=True,
        ge=1,
        le=65535,
        description="default 25, 587 or 465 by `security`",
        json_schema_extra=env("GAITLOAD_SMTP_PORT"),
    )
    security: Literal["none", "starttls", "ssl"] = Field(
        "starttls",
        description="`none` (a local relay), `starttls` or `ssl`",
        json_schema_extra=env("GAITLOAD_SMTP_SECURITY"),
    )
    user: Name | None = Field(
        None, description="the SMTP login", json_schema_extra=env("GAITLOAD_SMTP_USER")
    )
    secrets_file: Path | None = Field(
        None,
        description="a TOML file, chmod 600, with `smtp_password` (default: secrets.toml "
        "beside the config file)",
        json_schema_extra=env("GAITLOAD_SECRETS"),
    )
    ca_file: Path | None = Field(
        None, description="an extra certificate authority to trust (a private relay)"
    )
    timeout_s: float = Field(
        30.0,
        strict=True,
        gt=0,
        le=600,
        description="seconds to wait for the SMTP server",
        json_schema_extra=env("GAITLOAD_SMTP_TIMEOUT"),
    )
    allow_plaintext_login: bool = Field(
        False,
        strict=True,
        description='with `security = "none"`, send the password in clear text to a server '
        "that is not on this machine (refused unless true)",
        json_schema_extra=env("GAITLOAD_SMTP_ALLOW_PLAINTEXT_LOGIN"),
    )

    @field_validator("security", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class ConfigFile(Section):
    """`gaitload.toml`: the top-level keys."""

    db: Path | None = Field(
        None,
        description="the DuckDB file (default: <data dir>/gaitload.duckdb)",
        json_schema_extra=env("GAITLOAD_DB"),
    )
    data_dir: Path | None = Field(
        None,
        description="where the default database, outbox, tokens and demo files live",
        json_schema_extra=env("GAITLOAD_DATA_DIR"),
    )
    default_athlete: Name = Field(
        "me",
        description="the athlete when --athlete is not given",
        json_schema_extra=env("GAITLOAD_ATHLETE"),
    )
    timezone: Zone | None = Field(
        None, description="the fallback zone for athletes without one (default: this machine's)"
    )
    lock_wait_s: float = Field(
        30.0,
        strict=True,
        ge=0,
        le=86400,
        description="seconds a writer waits for another program to release the database",
        json_schema_extra=env("GAITLOAD_LOCK_WAIT"),
    )
    nightly_at: Annotated[str, AfterValidator(_clock)] = Field(
        "03:00", description="local time of the scheduled nightly run (HH:MM)"
    )
    thresholds: Thresholds = Field(
        default_factory=dict,
        description="rule thresholds for every athlete: [thresholds.<factor>] (see docs/alerts.md)",
    )
    athletes: dict[Name, AthleteConfig] = Field(
        default_factory=dict, description="one [athletes.<name>] table per athlete"
    )
    strava: StravaConfig = Field(default_factory=StravaConfig)
    mail: MailConfig = Field(default_factory=MailConfig)
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)


class SecretsFile(Section):
    """`secrets.toml` (chmod 600), beside the config file or at `[smtp] secrets_file`."""

    smtp_password: str | None = Field(
        None,
        description="the SMTP password",
        json_schema_extra=env("GAITLOAD_SMTP_PASSWORD"),
        repr=False,
    )


OTHER_VARIABLES = {
    "GAITLOAD_CONFIG": "the configuration file (default: gaitload.toml in the user config folder)",
}
"""Variables that are not a key of any file."""


def model_at(path: tuple) -> type[BaseModel] | None:
    """The section model for a location in the file, e.g. ('athletes', 'anna')."""
    model: type[BaseModel] = ConfigFile
    parts = list(path)
    while parts:
        part = parts.pop(0)
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return None
        annotation = _unwrap(field.annotation)
        if get_origin(annotation) is dict:
            if not parts:
                return None
            parts.pop(0)  # the athlete's name
            annotation = _unwrap(get_args(annotation)[1])
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _unwrap(annotation: Any) -> Any:
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (None, dict, Annotated) or len(args) != 1:
        return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation
    return args[0]


def key_names(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def variables() -> dict[str, tuple[tuple[str, ...], type[BaseModel]]]:
    """Every environment variable: the (section..., key) it overrides and its model."""
    found: dict[str, tuple[tuple[str, ...], type[BaseModel]]] = {}
    for section, model in _sections():
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra
            if isinstance(extra, dict) and "env" in extra:
                found[str(extra["env"])] = ((*section, field.alias or name), model)
    return found


def _sections() -> list[tuple[tuple[str, ...], type[BaseModel]]]:
    return [
        ((), ConfigFile),
        (("athletes", "<name>"), AthleteConfig),
        (("strava",), StravaConfig),
        (("mail",), MailConfig),
        (("smtp",), SmtpConfig),
        (("<secrets.toml>",), SecretsFile),
    ]


def reference() -> str:
    """docs/configuration.md, from the declarations above."""
    out = [
        "# Configuration reference",
        "",
        "<!-- Generated from src/gaitload/config_schema.py by "
        "`python -m gaitload.config_schema > docs/configuration.md`; do not edit. -->",
        "",
        "Settings come from the command line (`--db`, `--config`), then the environment, then",
        "`gaitload.toml`, then the defaults below. Every key is checked when gaitload starts:",
        "a wrong type, a value out of range or an unknown key (in any section) stops it with",
        "one line naming the file, the section and the key, and the closest known key when",
        "there is one. A GAITLOAD_* variable whose name is close to a known one is refused",
        "the same way.",
        "",
    ]
    for section, model in _sections():
        title = (
            "secrets.toml"
            if section == ("<secrets.toml>",)
            else (f"[{'.'.join(section)}]" if section else "top level")
        )
        out += [f"## {title}", "", " ".join((model.__doc__ or "").split()), ""]
        out += [
            "| key | type | default | range | variable | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for name, field in model.model_fields.items():
            if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
                continue  # a section of its own
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            out.append(
                f"| `{field.alias or name}` | {_type_name(field)} | "
                f"{_default(field)} | {_range(field)} | "
                f"{'`' + str(extra['env']) + '`' if 'env' in extra else ''} | "
                f"{(field.description or '').replace('<', '&lt;')} |"
            )
        out.append("")
    out += ["## Other variables", "", "| variable | meaning |", "|---|---|"]
    out += [f"| `{name}` | {meaning} |" for name, meaning in OTHER_VARIABLES.items()]
    return "\n".join(out) + "\n"


_TYPE_NAMES = (
    ("_zone", "IANA zone"),
    ("_address", "email address"),
    ("_clock", "HH:MM"),
    ("AthleteConfig", "tables"),
    ("dict[str, dict", "tables"),
    ("Path", "path"),
    ("bool", "true or false"),
    ("float", "number"),
    ("int", "whole number"),
    ("str", "text"),
)


def _type_name(field: Any) -> str:
    text = f"{field.annotation!r} {field.metadata!r}"
    literal = re.search(r"Literal\[([^\]]*)\]", text)
    if literal:
        return " or ".join(f"`{v.strip(chr(39))}`" for v in literal.group(1).split(", "))
    return next((name for marker, name in _TYPE_NAMES if marker in text), "text")


def _default(field: Any) -> str:
    if field.default_factory is not None or field.default is None:
        return ""
    return f"`{str(field.default).lower() if isinstance(field.default, bool) else field.default}`"


def _range(field: Any) -> str:
    bounds = []
    for item in field.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            value = getattr(item, attr, None)
            if value is not None:
                bounds.append(f"{sign} {value}")
    return ", ".join(bounds)


if __name__ == "__main__":
    print(reference(), end="")
