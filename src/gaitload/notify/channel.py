"""What a channel is: the small protocol `deliver.py` drives, whatever the medium.

A channel turns a `Notification` into its medium and hands it over; the bookkeeping
(pending, attempting, sent; never twice) is `deliver.py`'s and the same for every channel.
It raises `Refused` when this one message was refused (the next may go through),
`errors.DeliveryError` when the service is gone (every message left waits for the next
run) and `errors.ChannelLoginError` when its credentials were refused.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from gaitload.errors import DeliveryError
from gaitload.notify.notification import Notification

HandingOver = Callable[[str | None], None]
"""Called right before the irreversible step with the channel's receipt (what will show
afterwards that it happened, e.g. the outbox file), or None."""


class Refused(Exception):
    """The service refused this one message: the connection is fine, the next may go."""


class Channel(Protocol):
    name: str
    """Its key in `core.alert_notices` and `core.alert_messages` (e.g. `email`): stable."""
    kind: str
    """The route it takes this run (e.g. `smtp` or `outbox`), recorded with an attempt."""
    where: str
    """Where that route leads, for the user (host:port, a folder)."""
    noun: str
    """What one message is called in a sentence, e.g. "alert email"."""
    error: type[DeliveryError]
    """What a run raises when some of this channel's messages stay pending."""

    def new_message_id(self, athlete: str) -> str:
        """A new message's id, made when it is queued (before anything is sent), so a retry
        is the same message. Unique across channels."""
        ...

    def address(self, athlete: str) -> object:
        """Where the athlete's messages go (`str()` of it is recorded); `ConfigError` when
        there is none: that athlete's messages wait, the others go."""
        ...

    def __enter__(self) -> Channel: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def send(
        self,
        notification: Notification,
        *,
        message_id: str,
        address: object,
        handing_over: HandingOver,
    ) -> None:
        """Deliver one message, calling `handing_over` right before the irreversible step."""
        ...

    def settle(self, kind: str | None, receipt: str | None) -> tuple[str, str | None]:
        """An attempt a stopped run left `attempting`: its status now (`sent`, `pending`
        or `unconfirmed`, which is never sent again) and why, from what it recorded."""
        ...
