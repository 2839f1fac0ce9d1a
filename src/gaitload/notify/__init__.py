"""Alert emails: rendered from templates, delivered by SMTP or into an outbox folder."""

from gaitload.notify.deliver import DeliveryReport, outbox_files, send_alerts, transport_for

__all__ = ["DeliveryReport", "outbox_files", "send_alerts", "transport_for"]
