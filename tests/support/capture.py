"""The kiosk at 120 x 40 with the capture screen open on a new draft, the demo video as its camera."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config.settings import KioskSettings
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode
from kiosk.screens.capture import DocumentCaptureScreen
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from support.pilot import SIZE, Messages, make_app, ready

DOCUMENTS = BUSINESSES[BusinessCode.NEW].documents


def capture_settings(camera_source: str, import_dir: Path) -> KioskSettings:
    return KioskSettings(camera_source=camera_source, camera_steady_s=0.4, camera_import_dirs=[import_dir])


@dataclass
class Capturing:
    app: KioskApp
    pilot: Any
    screen: DocumentCaptureScreen
    order_id: str
    messages: Messages


@asynccontextmanager
async def capturing(where, store: Store, clock, camera: str, import_dir: Path) -> AsyncIterator[Capturing]:
    """The kiosk at 120 x 40 with the capture screen open on a new draft for 证书新办."""
    messages = Messages()
    app = make_app(where, capture_settings(camera, import_dir), store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        await ready(pilot)
        draft = store.orders.create(BusinessCode.NEW)
        screen = DocumentCaptureScreen(DOCUMENTS, order_id=draft.id)
        await app.push_screen(screen)
        await pilot.pause()
        yield Capturing(app, pilot, screen, draft.id, messages)
