"""Devices: a kiosk's heartbeat (its queue depth and health), answered with the server's time."""

from __future__ import annotations

from datetime import UTC, datetime

from ca_backend.api.common import Device, TheBackend, resource
from kiosk.core.contract import Heartbeat, HeartbeatAck

router = resource("devices")


@router.post("/devices/heartbeat", response_model=HeartbeatAck)
def heartbeat(body: Heartbeat, device_id: Device, backend: TheBackend) -> HeartbeatAck:
    backend.devices.heartbeat(device_id, body)
    return HeartbeatAck(server_time=datetime.now(UTC))
