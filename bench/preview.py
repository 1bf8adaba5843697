"""Camera preview: the capture screen running for a while on the demo video (15 frames a second,
1080p), in the kiosk app at 120 x 40 with Textual's headless driver. Measured: previews drawn
per second, and the CPU the whole process used (all threads), in cores.

The baseline, in the same run: only reading the same video at its frame rate, which any preview
must pay. Prints the figures, then `preview_cpu_cores=<x>` (target <= 1) and, last,
`preview_fps=<x>` (target >= 8)."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.config.locations import locations
from kiosk.config.settings import KioskSettings
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode
from kiosk.devices.camera.source import FrameSource
from kiosk.devices.camera.synthetic import write_demo_video
from kiosk.screens.capture import DocumentCaptureScreen
from kiosk.screens.messages import CameraFrame, PageCaptured
from kiosk.store import Store
from kiosk.ui.app import KioskApp

SECONDS = float(os.environ.get("BENCH_PREVIEW_SECONDS", "10"))


def read_only(video: Path, seconds: float) -> float:
    """CPU cores used by reading the video at its pace and nothing else."""
    started, cpu = time.perf_counter(), time.process_time()
    with FrameSource(str(video)) as source:
        while time.perf_counter() - started < seconds:
            source.read()
    return (time.process_time() - cpu) / (time.perf_counter() - started)


async def preview(home: Path, video: Path, seconds: float) -> tuple[float, float, int]:
    where = locations(home)
    store = Store.open(where.data_dir, where.key_file)
    settings = KioskSettings(camera_source=str(video))
    app = KioskApp(where=where, settings=settings, store=store)
    drawn: list[float] = []
    captures = 0

    def hook(message: object) -> None:
        nonlocal captures
        if isinstance(message, CameraFrame):
            drawn.append(time.perf_counter())
        elif isinstance(message, PageCaptured):
            captures += 1

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await pilot.pause()
        draft = store.orders.create(BusinessCode.NEW)
        documents = BUSINESSES[BusinessCode.NEW].documents
        await app.push_screen(DocumentCaptureScreen(documents, order_id=draft.id))
        while len(drawn) < 3:  # the camera is open and drawing
            await pilot.pause()
        started, cpu, first = time.perf_counter(), time.process_time(), len(drawn)
        await asyncio.sleep(seconds)  # the measuring window, not a wait for a result
        wall = time.perf_counter() - started
        cores = (time.process_time() - cpu) / wall
        fps = (len(drawn) - first) / wall
    store.close()
    return fps, cores, captures


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        video = write_demo_video(Path(folder) / "demo.mp4")
        baseline = read_only(video, SECONDS / 2)
        fps, cores, captures = asyncio.run(preview(Path(folder) / "home", video, SECONDS))
    print(
        f"camera preview at 120x40 for {SECONDS:.0f} s: {fps:.1f} previews/s, {cores:.2f} cores"
        f" ({captures} pages captured on the way); reading the video alone: {baseline:.2f} cores"
    )
    print(f"preview_cpu_cores={cores:.2f}")
    print(f"preview_fps={fps:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
