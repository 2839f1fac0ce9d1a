"""Strava tokens: one 0600 file per athlete, outside the database, never logged.

Strava may answer a refresh with a new refresh token, after which the old one stops
working, so every refresh is saved at once (atomically: a crash leaves the old file whole).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gaitload.config import Settings
from gaitload.errors import StravaAuthError


@dataclass
class Tokens:
    athlete: str
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: int
    scope: str = ""
    strava_athlete_id: int | None = None


def reconnect_hint(athlete: str) -> str:
    return f"reconnect with: gaitload strava login --athlete {athlete}"


def path_for(settings: Settings, athlete: str) -> Path:
    """A file name of its own for every athlete name: a readable slug plus a short hash of
    the exact name, so `a/b` and `a_b` (one slug) never share a token file."""
    digest = hashlib.sha256(athlete.encode("utf-8")).hexdigest()[:10]
    return settings.token_dir / f"{_slug(athlete)}-{digest}.json"


def _slug(athlete: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", athlete).lstrip(".")[:60] or "_"


def _migrate(settings: Settings, athlete: str) -> Path:
    """Move a token file saved under the old name (the slug alone) to the new one, if it is
    this athlete's: an upgrade must not log anyone out."""
    path = path_for(settings, athlete)
    old = settings.token_dir / f"{_slug(athlete)}.json"
    if path.exists() or not old.exists():
        return path
    try:
        owner = json.loads(old.read_text(encoding="utf-8")).get("athlete")
    except (OSError, ValueError, AttributeError):
        return path
    if owner == athlete:
        os.replace(old, path)
    return path


def load(settings: Settings, athlete: str) -> Tokens:
    path = _migrate(settings, athlete)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # someone loosened it: tokens are for the user's eyes only
        doc = json.loads(path.read_text(encoding="utf-8"))
        return Tokens(**doc)
    except FileNotFoundError:
        raise StravaAuthError(
            f"{athlete} is not connected to Strava: {reconnect_hint(athlete)}"
        ) from None
    except (ValueError, TypeError) as exc:
        raise StravaAuthError(
            f"the Strava token file {path} is damaged ({type(exc).__name__}); "
            f"{reconnect_hint(athlete)}"
        ) from None


def save(settings: Settings, tokens: Tokens) -> Path:
    path = path_for(settings, tokens.athlete)
    if path.parent.exists():
        _migrate(settings, tokens.athlete)  # replaced below: no stale copy left behind
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        path.parent.chmod(0o700)  # mkdir's mode is filtered by the umask
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)
        json.dump(asdict(tokens), out)
    os.replace(tmp, path)
    return path


def connected_athletes(settings: Settings) -> list[str]:
    """Every athlete with a token file, by the name inside it."""
    if not settings.token_dir.is_dir():
        return []
    names = []
    for path in sorted(settings.token_dir.glob("*.json")):
        try:
            names.append(json.loads(path.read_text(encoding="utf-8"))["athlete"])
        except (OSError, ValueError, KeyError):
            names.append(path.stem)  # load() will say what is wrong with it
    return list(dict.fromkeys(names))
