"""The errors gaitload raises, so callers catch at the level they need.

    GaitloadError
     ├── TransientError        worth retrying later: a locked database, a rate limit, a timeout
     │    ├── DatabaseLockedError
     │    ├── RateLimitSpent    Strava's request budget is used up: the next run resumes
     │    ├── StravaUnavailable Strava kept failing (5xx, timeouts) after retries
     │    └── DeliveryError     a channel could not deliver: the notification stays pending
     │         └── MailDeliveryError SMTP down, refused or timed out
     └── TerminalError         retrying will not help until something changes
          ├── ConfigError
          ├── DiskFullError     the disk (or the file size limit) is full: free space, re-run
          ├── CorruptFileError
          ├── StravaAuthError   no token, or Strava revoked it: the athlete must log in again
          ├── StravaAppInactive the API application is inactive (owner has no subscription)
          └── ChannelLoginError a channel's service refused its credentials
               └── MailLoginError    the SMTP server refused the user name or password

The CLI turns any of them into one line that says what to do; Prefect retries only
`TransientError`.
"""

from __future__ import annotations

import errno
import re


class GaitloadError(Exception):
    """Base of every error gaitload raises on purpose."""


class TransientError(GaitloadError):
    """The same call may succeed later."""


class TerminalError(GaitloadError):
    """The same call will fail again until the input or the setup changes."""


class ConfigError(TerminalError):
    """The configuration is missing a value or holds a wrong one."""


class DiskFullError(TerminalError):
    """A write failed for lack of space; what was committed before it is kept."""


class CorruptFileError(TerminalError):
    """An input file cannot be read; the message says why, for the ingest log."""


class DatabaseLockedError(TransientError):
    """Another process holds the DuckDB file for writing."""


class RateLimitSpent(TransientError):
    """Strava's 15-minute or daily request budget is used up; what was fetched is kept."""


class StravaUnavailable(TransientError):
    """Strava answered 5xx or timed out, retries included; nothing half-written is kept."""


class StravaAuthError(TerminalError):
    """No usable token for an athlete: never connected, revoked, or a dead refresh token."""


class StravaAppInactive(TerminalError):
    """Strava refuses every call of this API application (HTTP 403, Application Inactive)."""


class DeliveryError(TransientError):
    """A notification was not delivered (service down, refused it, timed out); it stays
    pending with the error recorded, and the next send retries it."""


class MailDeliveryError(DeliveryError):
    """An alert email was not delivered (server down, refused it, timed out); it stays pending
    with the error recorded, and the next send retries it."""


class ChannelLoginError(TerminalError):
    """A channel's service refused its credentials: they need fixing before a retry helps."""


class MailLoginError(ChannelLoginError):
    """The SMTP server refused the login: the credentials need fixing before a retry helps."""


_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_FULL_WORDS = ("no space left on device", "file too large", "disk quota exceeded")


def disk_full(exc: BaseException, path: object = None) -> DiskFullError | None:
    """The one-line error for a write that ran out of space, or None for any other error.

    DuckDB reports it in words inside its own exceptions ('Could not write file "x.wal":
    File too large'), Python as an OSError number; both name the file when they can.
    """
    if isinstance(exc, OSError):
        if exc.errno not in _FULL_ERRNOS:
            return None
        path = exc.filename or path
    elif not any(word in str(exc).lower() for word in _FULL_WORDS):
        return None
    else:
        named = re.search(r'write (?:to )?file "([^"]+)"', str(exc))
        path = named.group(1) if named else path
    where = f" while writing {path}" if path else ""
    return DiskFullError(f"disk full / file too large{where}: free some space and run it again")
