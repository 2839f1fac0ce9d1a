"""`gaitload dashboard` started as a user starts it, for the browser and Host-header tests."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.smtp_server import free_port


@contextmanager
def running_dashboard(db_path: Path, ready: Callable[[int], bool]) -> Iterator[int]:
    """The dashboard of `db_path` on a free port; yields the port once `ready(port)` holds."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gaitload", "--db", str(db_path), "dashboard", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while not ready(port):
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("the dashboard did not start")
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
