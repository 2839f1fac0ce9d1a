"""Connect an athlete to Strava: OAuth in the browser, or a pasted code on a headless server.

The browser flow listens on 127.0.0.1 for Strava's redirect (Strava accepts `localhost` and
`127.0.0.1` as callback domains), checks the `state` it sent, and exchanges the code. On a
server without a browser, the user opens the printed address anywhere, approves, and pastes
the `code` from the address Strava redirects to (`--code`).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests
from stravalib import exc

from gaitload.config import Settings
from gaitload.errors import ConfigError, StravaAppInactive, StravaAuthError, StravaUnavailable
from gaitload.sources.strava import tokens as token_store
from gaitload.sources.strava.api import INACTIVE, app_credentials, make_client

SCOPES = ["activity:read_all", "profile:read_all"]
CALLBACK_PATH = "/gaitload/strava"


def login(
    settings: Settings,
    athlete: str | None = None,
    *,
    code: str | None = None,
    on_url: Callable[[str], None] | None = None,
) -> token_store.Tokens:
    """Connect `athlete` (default: the configured one) and save its tokens (0600 file).

    Without `code`, `on_url` receives the address to open in a browser, and this waits for
    Strava's redirect to 127.0.0.1 (up to `strava.login_timeout_s`).
    """
    name = athlete or settings.default_athlete
    client_id, client_secret = app_credentials(settings.strava)
    client = make_client(settings.strava)
    granted = None
    if code is None:
        code, granted = _browser_code(client, client_id, settings.strava.login_timeout_s, on_url)
    if granted is not None:
        missing = [s for s in SCOPES if s not in granted.split(",")]
        if missing:
            raise StravaAuthError(
                f"Strava did not grant {', '.join(missing)}: private activities or shoes would "
                f"be missing; {token_store.reconnect_hint(name)} and leave every box ticked"
            )
    try:
        info, strava_athlete = client.exchange_code_for_token(
            client_id=client_id, client_secret=client_secret, code=code, return_athlete=True
        )
    except exc.ApplicationInactive:
        raise StravaAppInactive(INACTIVE) from None
    except exc.Fault as fault:
        status = fault.response.status_code if fault.response is not None else 0
        if status >= 500:
            raise StravaUnavailable(f"Strava could not answer ({status}); try again") from None
        if "Application" in _error_resources(fault.response):
            raise ConfigError("Strava rejected the app's client id or secret") from None
        raise StravaAuthError(
            "Strava refused the authorization code (a code works once, for a few minutes); "
            f"{token_store.reconnect_hint(name)}"
        ) from None
    except (requests.Timeout, requests.ConnectionError) as error:
        raise StravaUnavailable(f"no answer from Strava ({type(error).__name__})") from None
    saved = token_store.Tokens(
        athlete=name,
        access_token=info["access_token"],
        refresh_token=info["refresh_token"],
        expires_at=int(info["expires_at"]),
        scope=granted or ",".join(SCOPES),
        strava_athlete_id=strava_athlete.id if strava_athlete else None,
    )
    token_store.save(settings, saved)
    return saved


def _browser_code(
    client, client_id: int, timeout_s: float, on_url: Callable[[str], None] | None
) -> tuple[str, str | None]:
    state = secrets.token_urlsafe(16)
    received: dict[str, str] = {}
    done = threading.Event()

    class Catcher(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            if urlsplit(self.path).path != CALLBACK_PATH or query.get("state") != state:
                self.send_error(404)
                return
            received.update(query)
            ok = "code" in query
            body = (
                "gaitload is connected to Strava. You can close this tab."
                if ok
                else "Strava did not connect gaitload. You can close this tab."
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            done.set()

        def log_message(self, *args: object) -> None:  # the query holds the code: never log it
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Catcher)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        redirect = f"http://127.0.0.1:{server.server_address[1]}{CALLBACK_PATH}"
        url = client.authorization_url(
            client_id=client_id, redirect_uri=redirect, scope=SCOPES, state=state
        )
        if on_url:
            on_url(url)
        if not done.wait(timeout_s):
            raise StravaAuthError(
                f"no answer from the browser within {timeout_s:.0f} s; on a machine without a "
                "browser, open the address elsewhere and pass the code: "
                "gaitload strava login --code CODE"
            )
    finally:
        server.shutdown()
        server.server_close()
    if "code" not in received:
        raise StravaAuthError(
            f"Strava did not connect gaitload ({received.get('error', 'no code')}); "
            "run gaitload strava login again and approve"
        )
    return received["code"], received.get("scope")


def _error_resources(response: requests.Response | None) -> set[str]:
    """The `resource` names in a Strava error body: Application, AuthorizationCode, ..."""
    try:
        errors = response.json().get("errors") or [] if response is not None else []
    except ValueError:
        return set()
    return {e.get("resource") for e in errors if isinstance(e, dict)}
