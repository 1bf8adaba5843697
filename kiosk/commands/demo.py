"""`kiosk demo`: the kiosk with the reference CA backend on loopback, in the demo's home folder.

The backend runs in this process on a free 127.0.0.1 port, approves what waits for review after
a short while and sends out what was paid for (the demo's stand-in for the CA's working day),
and the kiosk is enrolled with it on first start, so the status line, the queue and the sync
are real from the first minute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ca_backend.backend import Backend
from ca_backend.config import load_backend_settings
from ca_backend.pki import SubjectInfo
from ca_backend.server import BackgroundServer
from kiosk.config.locations import Locations

DEMO_AUTO_APPROVE_S = 15.0
# The demo's USB keys (SoftHSM), made on first start and left "pulled out": a person puts one in
# with `kiosk token insert <serial>` and takes it out with `kiosk token pull <serial>`.
DEMO_KEY_PIN = "638194"  # shown in the README: the demo's keys are nobody's
DEMO_KEYS = (
    ("5501AB6C95190035", 20),  # expiring in 20 days: 证书更新 is suggested; unlocks by itself
    ("1103EF8F27301257", 365),  # unlocks only with hall staff
)
DEMO_STAFF = ("S001", "演示工作人员", "246810")
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
    _make_demo_keys(where, backend)
    known = {device["device_id"] for device in backend.devices.listing() if device["status"] == "active"}
    if kiosk_id not in known or not where.device_credentials.exists():
        backend.devices.enroll(kiosk_id).save(where.device_credentials)
    demo = DemoBackend(BackgroundServer(backend).start())
    where.demo_backend_url.write_text(demo.base_url)  # for `kiosk doctor` and `kiosk remote` here
    return demo


def _make_demo_keys(where: Locations, backend: Backend) -> None:
    """The demo's keys, once: each with a certificate from the demo CA and its SO PIN in the
    backend's registry, then pulled out of the slot; and a hall staff account for assisted unlocks."""
    import secrets

    from kiosk.core.domain.samples import SAMPLE_UNIT
    from kiosk.devices.token.softhsm import SoftHsm, issue_first_certificate

    hsm = SoftHsm(where.data_dir / "softhsm").ensure()
    name, uscc = SAMPLE_UNIT["unit_name"], SAMPLE_UNIT["uscc"]
    subject = SubjectInfo(name, name, "投标证书", "重庆", "重庆", uscc)
    for serial, days in DEMO_KEYS:
        if hsm.folder_of(serial) is not None:
            continue
        so_pin = "".join(secrets.choice("0123456789") for _ in range(8))
        hsm.make_token(serial, "UKEY", user_pin=DEMO_KEY_PIN, so_pin=so_pin)
        backend.tokens.register(serial, so_pin)
        issue_first_certificate(hsm.module(), serial, DEMO_KEY_PIN, _issuer(backend, subject, days, serial))
        hsm.pull_out(serial)
    backend.tokens.add_staff(*DEMO_STAFF)


def _issuer(backend: Backend, subject: SubjectInfo, days: int, serial: str) -> Callable[[str], str]:
    return lambda request_pem: backend.certificates.issue_at_counter(request_pem, subject, days, serial)
