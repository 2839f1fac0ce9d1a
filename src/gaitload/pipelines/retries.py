"""Which failures Prefect retries: transient ones only (`docs/operations.md`)."""

from __future__ import annotations

from gaitload.errors import TransientError


def retry_transient(task, task_run, state) -> bool:
    """Retry a locked database, a rate limit or a mail server down; never a corrupt file,
    a full disk or a revoked token: the same call would fail the same way."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:
        return False
    return False
