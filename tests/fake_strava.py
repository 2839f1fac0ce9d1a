"""A fake Strava API over real HTTPS on 127.0.0.1, for stravalib to talk to unmodified.

Responses are shaped as in Strava's API reference (OAuth token exchange and refresh, the
athlete, the activity list with `after` and paging, activity details, streams keyed by
type, gear), every API answer carries the rate-limit headers, and tests script faults:
429 when the budget is spent, 5xx, slow answers, expired and revoked tokens, an inactive
application, an activity deleted between list and fetch.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import trustme

CLIENT_ID = 4242
CLIENT_SECRET = "fake-client-secret"
ATHLETE_ID = 1234567
NOT_FOUND = {
    "message": "Record Not Found",
    "errors": [{"resource": "Activity", "field": "id", "code": "invalid"}],
}
UNAUTHORIZED = {
    "message": "Authorization Error",
    "errors": [{"resource": "Athlete", "field": "access_token", "code": "invalid"}],
}
INACTIVE = {
    "message": "Forbidden",
    "errors": [{"resource": "Application", "field": "Status", "code": "Inactive"}],
}
RATE_LIMITED = {
    "message": "Rate Limit Exceeded",
    "errors": [{"resource": "Application", "field": "rate limit", "code": "exceeded"}],
}


@dataclass
class Fault:
    path: str
    """A regular expression matched against the request path."""
    status: int = 500
    times: int = 1
    delay_s: float = 0.0
    body: dict | None = None


@dataclass
class FakeActivity:
    summary: dict
    detail_extra: dict = field(default_factory=dict)
    streams: dict[str, list] = field(default_factory=dict)


class FakeStrava:
    def __init__(self, ca_dir: Path) -> None:
        self.ca = trustme.CA()
        self.ca_file = ca_dir / "fake-strava-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.lock = threading.RLock()
        self.reset()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- state the tests arrange --------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.activities: dict[int, FakeActivity] = {}
            self.gear: dict[str, dict] = {}
            self.profile = {
                "id": ATHLETE_ID,
                "resource_state": 3,
                "firstname": "Anna",
                "lastname": "Runner",
                "shoes": [],
                "bikes": [],
            }
            self.codes: dict[str, int] = {}
            self.access: dict[str, int] = {}  # token -> expires_at
            self.refresh: set[str] = set()
            self.counter = itertools.count(1)
            self.inactive = False
            self.short_limit, self.daily_limit = 100, 1000
            self.short_usage = self.daily_usage = 0
            self.faults: list[Fault] = []
            self.delete_when_listed: set[int] = set()
            self.requests: list[tuple[str, int]] = []
            """(path, status) of every answer."""
            self.granted_scope: str | None = None

    def add(self, activity: FakeActivity) -> None:
        with self.lock:
            self.activities[activity.summary["id"]] = activity

    def add_gear(self, gear: dict, kind: str = "shoes", listed: bool = True) -> None:
        with self.lock:
            self.gear[gear["id"]] = gear
            if listed:
                self.profile[kind].append(
                    {k: gear[k] for k in ("id", "name", "distance", "primary", "retired")}
                )

    def issue_code(self) -> str:
        code = f"code-{next(self.counter)}"
        self.codes[code] = ATHLETE_ID
        return code

    def new_window(self) -> None:
        """The next 15-minute window begins."""
        with self.lock:
            self.short_usage = 0

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.access.clear()

    def revoke(self) -> None:
        """The athlete removed the app in Strava's settings: no token works any more."""
        with self.lock:
            self.access.clear()
            self.refresh.clear()

    def fail(self, path: str, status: int = 500, times: int = 1, **kwargs) -> None:
        with self.lock:
            self.faults.append(Fault(path, status, times, **kwargs))

    def count(self, pattern: str, status: int | None = None) -> int:
        return sum(
            1
            for path, code in self.requests
            if re.fullmatch(pattern, path) and status in (None, code)
        )

    def revoke_tokens(self, access: str, refresh: str) -> None:
        """One athlete removed the app: only that athlete's tokens die."""
        with self.lock:
            self.access.pop(access, None)
            self.refresh.discard(refresh)

    # -- answers ---------------------------------------------------------------------------
    def token(self, form: dict[str, str]) -> tuple[int, dict]:
        if self.inactive:
            return 403, INACTIVE
        if form.get("client_id") != str(CLIENT_ID) or form.get("client_secret") != CLIENT_SECRET:
            bad = {"resource": "Application", "field": "client_id", "code": "invalid"}
            return 401, {"message": "Bad Request", "errors": [bad]}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            if self.codes.pop(form.get("code", ""), None) is None:
                bad = {"resource": "AuthorizationCode", "field": "code", "code": "invalid"}
                return 400, {"message": "Bad Request", "errors": [bad]}
        elif grant == "refresh_token":
            if form.get("refresh_token") not in self.refresh:
                bad = {"resource": "RefreshToken", "field": "refresh_token", "code": "invalid"}
                return 400, {"message": "Bad Request", "errors": [bad]}
            self.refresh.discard(form["refresh_token"])  # rotated: the old one stops working
        else:
            return 400, {"message": "Bad Request", "errors": []}
        n = next(self.counter)
        access, refresh = f"access-{n}", f"refresh-{n}"
        expires_at = int(time.time()) + 6 * 3600
        self.access[access] = expires_at
        self.refresh.add(refresh)
        body = {
            "token_type": "Bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_at": expires_at,
            "expires_in": 6 * 3600,
        }
        if grant == "authorization_code":
            body["athlete"] = {k: self.profile[k] for k in ("id", "firstname", "lastname")}
        return 200, body

    def api(self, path: str, query: dict[str, str]) -> tuple[int, object]:
        if path == "/api/v3/athlete":
            return 200, self.profile
        if path == "/api/v3/athlete/activities":
            return 200, self.listing(query)
        if m := re.fullmatch(r"/api/v3/activities/(\d+)", path):
            activity = self.activities.get(int(m.group(1)))
            if activity is None:
                return 404, NOT_FOUND
            return 200, {**activity.summary, "resource_state": 3, **activity.detail_extra}
        if m := re.fullmatch(r"/api/v3/activities/(\d+)/streams", path):
            activity = self.activities.get(int(m.group(1)))
            if activity is None or not activity.streams:
                return 404, NOT_FOUND
            keys = query.get("keys", "").split(",")
            return 200, {
                key: {
                    "data": data,
                    "series_type": "distance",
                    "original_size": len(data),
                    "resolution": "high",
                }
                for key, data in activity.streams.items()
                if key in keys
            }
        if m := re.fullmatch(r"/api/v3/gear/(\w+)", path):
            gear = self.gear.get(m.group(1))
            return (200, gear) if gear else (404, NOT_FOUND)
        return 404, {"message": "Record Not Found", "errors": []}

    def listing(self, query: dict[str, str]) -> list[dict]:
        summaries = sorted(
            (copy.deepcopy(a.summary) for a in self.activities.values()),
            key=lambda s: s["start_date"],
        )
        if "after" in query:
            after = datetime.fromtimestamp(int(query["after"]), UTC)
            summaries = [s for s in summaries if _when(s["start_date"]) > after]
        else:
            summaries.reverse()  # without `after`, Strava lists the newest first
        per_page = int(query.get("per_page", 30))
        page = int(query.get("page", 1))
        chosen = summaries[(page - 1) * per_page : page * per_page]
        for s in chosen:
            if s["id"] in self.delete_when_listed:
                self.delete_when_listed.discard(s["id"])
                del self.activities[s["id"]]
        return chosen

    def rate_headers(self) -> dict[str, str]:
        limit = f"{self.short_limit},{self.daily_limit}"
        usage = f"{self.short_usage},{self.daily_usage}"
        return {
            "X-RateLimit-Limit": f"{self.short_limit * 2},{self.daily_limit * 2}",
            "X-RateLimit-Usage": usage,
            "X-ReadRateLimit-Limit": limit,
            "X-ReadRateLimit-Usage": usage,
        }


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _handler(fake: FakeStrava) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            with fake.lock:
                fault = next((f for f in fake.faults if re.fullmatch(f.path, url.path)), None)
                if fault:
                    fault.times -= 1
                    if fault.times <= 0:
                        fake.faults.remove(fault)
            if fault and fault.delay_s:
                time.sleep(fault.delay_s)
                fault = None if fault.status == 200 else fault
            with fake.lock:
                if url.path == "/oauth/authorize":
                    return self._authorize(query)
                if url.path == "/oauth/token":
                    status, body = fault_answer(fault) if fault else fake.token(form)
                    return self._send(status, body, {})
                counted = url.path.startswith("/api/v3/")
                if counted:
                    fake.short_usage += 1
                    fake.daily_usage += 1
                headers = fake.rate_headers() if counted else {}
                if fake.inactive:
                    return self._send(403, INACTIVE, headers)
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                if fake.access.get(token, 0) < time.time():
                    return self._send(401, UNAUTHORIZED, headers)
                if fake.short_usage > fake.short_limit or fake.daily_usage > fake.daily_limit:
                    return self._send(429, RATE_LIMITED, headers)
                if fault:
                    return self._send(*fault_answer(fault), headers)
                status, body = fake.api(url.path, query)
            self._send(status, body, headers)

        def _authorize(self, query: dict[str, str]) -> None:
            params = {"state": query.get("state", "")}
            params["code"] = fake.issue_code()
            params["scope"] = fake.granted_scope or f"read,{query.get('scope', '')}"
            location = f"{query['redirect_uri']}?{urlencode(params)}"
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, body: object, headers: dict[str, str]) -> None:
            fake.requests.append((urlsplit(self.path).path, status))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def fault_answer(fault: Fault) -> tuple[int, dict]:
    if fault.body is not None:
        return fault.status, fault.body
    if fault.status == 429:
        return 429, RATE_LIMITED
    return fault.status, {"message": "Server Error", "errors": []}


# -- activities shaped like Strava's -----------------------------------------------------------


def run(
    activity_id: int,
    start: datetime,
    *,
    samples=None,
    sport_type: str = "Run",
    utc_offset_s: int = -6 * 3600,
    timezone: str = "(GMT-07:00) America/Denver",
    trainer: bool = False,
    manual: bool = False,
    gear_id: str | None = "g100",
    name: str = "Morning Run",
    description: str | None = "easy, left shin a bit sore",
    private_note: str | None = "felt tired",
) -> FakeActivity:
    """A Strava run; `samples` is a frame like tests.builders.run_samples (steps/min cadence)."""
    streams: dict[str, list] = {}
    if samples is not None and not manual:
        streams = {
            "time": samples["t_s"].to_list(),
            "latlng": [[a, b] for a, b in zip(samples["lat"], samples["lon"], strict=True)],
            "distance": samples["distance_m"].to_list(),
            "altitude": samples["altitude_m"].to_list(),
            "velocity_smooth": samples["speed_m_s"].to_list(),
            "heartrate": samples["heart_rate"].to_list(),
            "cadence": [round(c / 2) for c in samples["cadence_spm"]],  # strides per minute
            "grade_smooth": [0.5] * samples.height,
            "moving": [True] * samples.height,
        }
    elapsed = int(samples["t_s"].max()) if samples is not None else 1800
    distance = float(samples["distance_m"].max()) if samples is not None else 5000.0
    local = start + timedelta(seconds=utc_offset_s)
    summary = {
        "resource_state": 2,
        "athlete": {"id": ATHLETE_ID, "resource_state": 1},
        "id": activity_id,
        "name": name,
        "distance": distance,
        "moving_time": elapsed,
        "elapsed_time": elapsed,
        "total_elevation_gain": 50.0,
        "type": "Run" if sport_type in ("Run", "TrailRun", "VirtualRun") else sport_type,
        "sport_type": sport_type,
        "workout_type": None,
        "start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "start_date_local": local.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timezone": timezone,
        "utc_offset": float(utc_offset_s),
        "start_latlng": [40.015, -105.27] if streams else [],
        "end_latlng": [40.015, -105.27] if streams else [],
        "trainer": trainer,
        "commute": False,
        "manual": manual,
        "private": False,
        "visibility": "everyone",
        "gear_id": gear_id,
        "average_speed": 2.8,
        "max_speed": 3.4,
        "average_cadence": 85.3,
        "has_heartrate": True,
        "average_heartrate": 139.5,
        "max_heartrate": 149.0,
        "map": {"id": f"a{activity_id}", "summary_polyline": "", "resource_state": 2},
    }
    extra = {
        "description": description,
        "private_note": private_note,
        "device_name": "Garmin Forerunner 255",
        "calories": 700.0,
        "laps": [],
    }
    return FakeActivity(summary=summary, detail_extra=extra, streams=streams)
