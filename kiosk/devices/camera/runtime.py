"""The document camera as the settings describe it; the demo's video made on first use."""

from __future__ import annotations

from pathlib import Path

from kiosk.config.locations import Locations
from kiosk.config.settings import KioskSettings
from kiosk.devices.camera.session import DocumentCamera
from kiosk.devices.camera.source import FrameSource


def demo_video(where: Locations) -> Path:
    """The generated demo video (about 3 s to make, once per kiosk home)."""
    path = where.data_dir / "camera" / "demo.mp4"
    if not path.is_file():
        from kiosk.devices.camera.synthetic import write_demo_video

        write_demo_video(path)
    return path


def camera_spec(settings: KioskSettings, where: Locations) -> str:
    return settings.camera_source.strip() or str(demo_video(where))


def open_camera(settings: KioskSettings, where: Locations, *, needs_seal: bool = True) -> DocumentCamera:
    """Raises CameraError (a sentence for the subscriber) when the camera cannot be opened."""
    source = FrameSource(camera_spec(settings, where), loop=settings.camera_loop)
    return DocumentCamera(source, steady_s=settings.camera_steady_s, needs_seal=needs_seal)
