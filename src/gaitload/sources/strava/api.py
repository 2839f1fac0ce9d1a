"""The one door to Strava: stravalib's client, with our budget, retries, tokens and errors.

stravalib does the HTTP and the models; this adds what a nightly job needs: a timeout on
every request, the rate budget asked before each call, retries with backoff for 429s the
budget cannot explain, 5xx answers and timeouts, token refresh before expiry (saved at
once), and Strava's failures turned into gaitload's errors with one line saying what to do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import requests
from stravalib import Client, exc

from gaitload.config import Settings, StravaSettings
from gaitload.errors import (
    ConfigError,
    GaitloadError,
    RateLimitSpent,
    StravaAppInactive,
    StravaAuthError,
    StravaUnavailable,
)
from gaitload.sources.strava import tokens as token_store
from gaitload.sources.strava.budget import RateBudget

T = TypeVar("T")
REFRESH_MARGIN_S = 300
"""Refresh an access token this long before Strava says it expires (they last 6 hours)."""
INACTIVE = (
    "Strava refuses every request: the API application is inactive (HTTP 403 'Application "
    "Status Inactive'). Since 30 June 2026 an app works only while the account that owns it "
    "has a Strava subscription, and a standard app serves at most 10 athletes. Subscribe with "
    "that account and reactivate the app at https://www.strava.com/settings/api, or import "
    "your Strava export instead: gaitload import export.zip"
)


class NotFound(GaitloadError):
    """The activity is gone (deleted on Strava between listing and fetching)."""


class _TimeoutSession(requests.Session):
    """requests has no session-wide timeout; without one a stalled socket hangs the job."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__()
        self.timeout_s = timeout_s

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout_s)
        return super().request(*args, **kwargs)


def app_credentials(strava: StravaSettings) -> tuple[int, str]:
    if strava.client_id is None or not strava.client_secret:
        raise ConfigError(
            "the Strava app's client id and secret are not set: put them in gaitload.toml "
            "([strava] client_id, client_secret) or STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET "
            "(from https://www.strava.com/settings/api)"
        )
    return strava.client_id, strava.client_secret


def make_client(strava: StravaSettings, rate_limiter: RateBudget | None = None) -> Client:
    """A stravalib client for the configured host, that never sleeps on its own."""
    with _quiet_credential_warnings():
        client = Client(
            rate_limit_requests=rate_limiter is not None,
            rate_limiter=rate_limiter,
            requests_session=_TimeoutSession(strava.request_timeout_s),
        )
    client.protocol.server = strava.host
    # stravalib refreshes on its own when STRAVA_CLIENT_* are in the environment, but could
    # not save the new refresh token: refreshing is ours (see StravaApi._fresh_token).
    client.protocol.client_id = client.protocol.client_secret = None
    return client


@contextmanager
def _quiet_credential_warnings() -> Iterator[None]:
    """stravalib warns on the root logger when STRAVA_CLIENT_* are not in the environment;
    gaitload passes credentials itself, so the warning would only mislead."""

    def drop(record: logging.LogRecord) -> bool:
        return "STRAVA_CLIENT" not in record.getMessage()

    root = logging.getLogger()
    root.addFilter(drop)
    try:
        yield
    finally:
        root.removeFilter(drop)


class StravaApi:
    """Calls on behalf of one athlete, sharing the application's budget with the others."""

    def __init__(
        self,
        settings: Settings,
        athlete: str,
        budget: RateBudget,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings, self.athlete, self.budget, self.sleep = settings, athlete, budget, sleep
        self.client_id, self.client_secret = app_credentials(settings.strava)
        self.tokens = token_store.load(settings, athlete)
        self.client = make_client(settings.strava, budget)
        self.client.access_token = self.tokens.access_token

    # -- the endpoints the sync uses -------------------------------------------------------
    def athlete_profile(self) -> Any:
        return self.call(self.client.get_athlete)

    def list_activities(self, after: int, per_page: int) -> list[dict]:
        """Raw summaries started after `after` (epoch s), oldest first."""
        return self.call(
            self.client.protocol.get, "/athlete/activities", after=after, page=1, per_page=per_page
        )

    def list_page(self, page: int, per_page: int) -> list[dict]:
        """Raw summaries, newest first: the full listing that shows deletions."""
        return self.call(
            self.client.protocol.get, "/athlete/activities", page=page, per_page=per_page
        )

    def activity(self, activity_id: int) -> Any:
        return self.call(self.client.get_activity, activity_id)

    def streams(self, activity_id: int, types: list[str]) -> dict[str, Any]:
        return self.call(self.client.get_activity_streams, activity_id, types=types)

    def gear(self, gear_id: str) -> Any:
        return self.call(self.client.get_gear, gear_id)

    # -- the machinery ---------------------------------------------------------------------
    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        retries = self.settings.strava.retries
        attempt = 0
        refreshed = False
        while True:
            self.budget.acquire(1)
            self._fresh_token()
            try:
                return fn(*args, **kwargs)
            except exc.ApplicationInactive:
                raise StravaAppInactive(INACTIVE) from None
            except exc.ObjectNotFound:
                raise NotFound(f"not found on Strava: {args[:1]}") from None
            except exc.AccessUnauthorized:
                if refreshed:
                    raise self._auth_error("Strava no longer accepts the access token") from None
                self._refresh()  # expired early, or revoked: a refresh tells which
                refreshed = True
                continue
            except exc.Fault as fault:
                status = fault.response.status_code if fault.response is not None else 0
                if status == 429 and self.budget.spent:
                    continue  # acquire() now waits for the window or stops the sync
                if status == 403:
                    raise self._auth_error(
                        "Strava refused access (403); the connection may lack the "
                        "activity:read_all or profile:read_all scope"
                    ) from None
                if status != 429 and status < 500:
                    raise StravaUnavailable(f"Strava answered {status}: {fault}") from None
                reason = f"Strava answered {status}"
            except (requests.Timeout, requests.ConnectionError) as error:
                reason = f"no answer from Strava ({type(error).__name__})"
            attempt += 1
            if attempt > retries:
                cls = RateLimitSpent if reason.endswith("429") else StravaUnavailable
                raise cls(f"{reason} {attempt} times; the next sync resumes where this stopped")
            self.sleep(self.settings.strava.backoff_s * 2 ** (attempt - 1))

    def _fresh_token(self) -> None:
        if self.tokens.expires_at - time.time() < REFRESH_MARGIN_S:
            self._refresh()

    def _refresh(self) -> None:
        try:
            info = self.client.refresh_access_token(
                client_id=self.client_id,
                client_secret=self.client_secret,
                refresh_token=self.tokens.refresh_token,
            )
        except exc.ApplicationInactive:
            raise StravaAppInactive(INACTIVE) from None
        except exc.Fault as fault:
            status = fault.response.status_code if fault.response is not None else 0
            if status >= 500 or status == 429:
                raise StravaUnavailable(f"Strava could not refresh the token ({status})") from None
            raise self._auth_error("Strava refused to refresh the token") from None
        except (requests.Timeout, requests.ConnectionError) as error:
            raise StravaUnavailable(f"no answer from Strava ({type(error).__name__})") from None
        self.tokens.access_token = info["access_token"]
        self.tokens.refresh_token = info["refresh_token"]
        self.tokens.expires_at = int(info["expires_at"])
        token_store.save(self.settings, self.tokens)
        self.client.access_token = self.tokens.access_token

    def _auth_error(self, what: str) -> StravaAuthError:
        return StravaAuthError(
            f"{what} for {self.athlete} (revoked in Strava's settings, or expired); "
            f"{token_store.reconnect_hint(self.athlete)}"
        )
