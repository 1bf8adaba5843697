"""`kiosk demo`: the kiosk with the reference CA backend on loopback, in the demo's home folder.

The backend runs in this process on a free 127.0.0.1 port, approves what waits for review after
a short while and sends out what was paid for (the demo's stand-in for the CA's working day),
and the kiosk is enrolled with it on first start, so the status line, the queue and the sync
are real from the first minute.
"""

from __future__ import annotations

from dataclasses import dataclass

from ca_backend.backend import Backend
from ca_backend.config import load_backend_settings
from ca_backend.server import BackgroundServer
from kiosk.locations import Locations

DEMO_AUTO_APPROVE_S = 15.0
DEMO_AUTO_SHIP_S = 20.0  # after payment: the parcel goes out, or the pickup is collected


@dataclass
class DemoBackend:
    server: BackgroundServer

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def stop(self) -> None:
        self.server.stop()

    def last_sms(self, phone: str) -> str:
        """The newest text message the reference backend 'sent' to `phone` (empty if none)."""
        sent = [
            message
            for message in self.server.backend.subscribers.sent_messages(50)
            if message["phone"] == phone
        ]
        return f"演示短信 Demo SMS → {sent[-1]['text']}" if sent else ""


def start_demo_backend(where: Locations, kiosk_id: str) -> DemoBackend:
    """Start the reference backend beside the kiosk's files and enrol the kiosk if it is not."""
    home = where.data_dir.parent / "ca-backend"
    backend = Backend(
        load_backend_settings(
            home, auto_approve_after_s=DEMO_AUTO_APPROVE_S, auto_ship_after_s=DEMO_AUTO_SHIP_S
        )
    )
    known = {device["device_id"] for device in backend.devices.listing() if device["status"] == "active"}
    if kiosk_id not in known or not where.device_credentials.exists():
        backend.devices.enroll(kiosk_id).save(where.device_credentials)
    return DemoBackend(BackgroundServer(backend).start())
