"""Worker processes that cannot outlive the process that started them.

A spawned pool worker waits on its task queue forever once its parent is gone (it holds
the queue's write end itself, so it never sees end of file): a `kill -9` of an import would
leave every worker running, holding its memory. These die with their parent instead; so
does the Prefect server `gaitload schedule` starts (`child_process`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

PR_SET_PDEATHSIG = 1
"""From <linux/prctl.h>: the signal a process gets when the thread that made it ends."""


def process_pool(max_workers: int) -> ProcessPoolExecutor:
    """Spawned, not forked: DuckDB and polars hold threads a fork would copy mid-work."""
    return ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


def die_with_parent(parent: int) -> None:
    """Linux kills this process at once when `parent` dies; elsewhere a watchdog notices
    within half a second. `parent` comes from the parent itself: it may have died while
    this worker was starting, and then `os.getppid()` would already name another."""
    if sys.platform == "linux":
        _signal_when_parent_dies(signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="gaitload-parent-watchdog", daemon=True).start()


def child_process(args: list[str], **popen: object) -> subprocess.Popen:
    """A program that gets SIGTERM when this process dies, even by `kill -9` (Linux; other
    systems have no such signal, and the caller's `finally` is all there is)."""
    if sys.platform == "linux":
        popen["preexec_fn"] = lambda: _signal_when_parent_dies(signal.SIGTERM)
    return subprocess.Popen(args, **popen)


def _signal_when_parent_dies(sig: signal.Signals) -> None:
    """Linux only: the kernel sends `sig` to this process when its parent thread ends."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, sig)
