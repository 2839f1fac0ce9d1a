"""Strava's request budget, read from every response's headers, spent deliberately.

Strava counts requests per application in 15-minute windows (reset at :00, :15, :30, :45)
and per UTC day, and reports usage in the `X-ReadRateLimit-*` / `X-RateLimit-*` headers.
stravalib's default limiter sleeps until a window or the day resets, inside whatever call
hit the limit; a nightly job must not hang like that. This budget is the limiter hook
instead: it only records usage; `acquire` is asked before each request and either lets it
go, waits for the next 15-minute window (within `max_wait_s` for the whole run), or raises
`RateLimitSpent` so the sync stops cleanly and the next run resumes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import arrow
from stravalib.util.limiter import get_rates_from_response_headers, get_seconds_until_next_quarter

from gaitload.errors import RateLimitSpent


class RateBudget:
    def __init__(
        self,
        *,
        max_wait_s: float,
        reserve: int = 0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self.max_wait_s = max_wait_s
        self.reserve = reserve
        self.sleep, self.clock, self.on_wait = sleep, clock, on_wait
        self.short_usage = self.daily_usage = 0
        self.short_limit = self.daily_limit = None
        self.seen_at: float | None = None
        self.waited_s = 0.0
        self.requests = 0

    def __call__(self, headers: dict[str, str], method: str) -> None:
        """stravalib's rate-limiter hook: called with each API response's headers."""
        self.requests += 1
        rates = get_rates_from_response_headers(headers, method)
        if rates:
            self.short_usage, self.daily_usage = rates.short_usage, rates.long_usage
            self.short_limit, self.daily_limit = rates.short_limit, rates.long_limit
            self.seen_at = self.clock()

    @property
    def spent(self) -> bool:
        """The last answer said a limit is reached (a 429 that the budget explains)."""
        self._forget_reset_windows()
        return self.short_limit is not None and (
            self.short_usage >= self.short_limit or self.daily_usage >= self.daily_limit
        )

    def acquire(self, n: int = 1) -> None:
        """Return when `n` requests may be made now; raise `RateLimitSpent` if not today."""
        if self.short_limit is None:
            return  # nothing seen yet: the first answer tells us where we stand
        self._forget_reset_windows()
        if self.daily_usage + n > self.daily_limit - self.reserve:
            raise RateLimitSpent(
                f"Strava's daily request limit is used up ({self.daily_usage}/{self.daily_limit}); "
                "the next sync after midnight UTC resumes where this one stopped"
            )
        if self.short_usage + n <= self.short_limit - self.reserve:
            return
        wait = get_seconds_until_next_quarter(arrow.get(self.clock())) + 1
        if self.waited_s + wait > self.max_wait_s:
            raise RateLimitSpent(
                f"Strava's 15-minute request limit is used up ({self.short_usage}/"
                f"{self.short_limit}) and waiting {wait:.0f} s more would pass the "
                f"{self.max_wait_s:.0f} s allowed; the next sync resumes where this one stopped"
            )
        if self.on_wait:
            self.on_wait(wait)
        self.sleep(wait)
        self.waited_s += wait
        self.short_usage = 0  # a new window has begun; the next answer says exactly

    def _forget_reset_windows(self) -> None:
        if self.seen_at is None:
            return
        now = self.clock()
        if _day(now) != _day(self.seen_at):
            self.daily_usage = self.short_usage = 0
        elif int(now // 900) != int(self.seen_at // 900):
            self.short_usage = 0
        self.seen_at = now


def _day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).date().isoformat()
