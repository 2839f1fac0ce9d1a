"""Alert notifications: composed once (`compose`), delivered through channels (`registry`),
each message once (`deliver`). Email is the first channel (`mail/`).

Names are loaded on first use: `rules.state` reads the channel registry while `deliver`
needs the rules, so importing this package must not import `deliver` yet.
"""

from importlib import import_module

_WHERE = {
    "DeliveryReport": "gaitload.notify.deliver",
    "send_alerts": "gaitload.notify.deliver",
    "outbox_files": "gaitload.notify.deliver",
    "Channel": "gaitload.notify.channel",
    "Notification": "gaitload.notify.notification",
    "channels_for": "gaitload.notify.registry",
    "EmailChannel": "gaitload.notify.mail",
    "OutboxTransport": "gaitload.notify.mail",
    "SmtpTransport": "gaitload.notify.mail",
    "transport_for": "gaitload.notify.mail",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
