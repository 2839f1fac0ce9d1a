"""The channels, by name: the one list `deliver` and `rules.state` iterate.

Adding a channel: its module (a class with the `channel.Channel` protocol), one entry here,
its settings in `config_schema.py`/`config.py`, and a test. The tables key on the channel's
name, so no migration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from gaitload.notify.channel import Channel
from gaitload.notify.mail.channel import EmailChannel

if TYPE_CHECKING:  # annotations only: the config reads the rule catalogue, which records
    from gaitload.config import Settings  # notices per channel

CHANNELS: dict[str, Callable[[Settings], Channel | None]] = {
    "email": EmailChannel,  # always on: SMTP when configured, else the outbox
}
"""Name -> a factory that returns the channel, or None when the settings leave it off."""


def channels_for(settings: Settings) -> list[Channel]:
    """The channels these settings turn on, in the order above."""
    channels = (make(settings) for make in CHANNELS.values())
    return [c for c in channels if c is not None]
