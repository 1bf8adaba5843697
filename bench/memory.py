"""Memory: the kiosk's resident set while idle on the home screen and while previewing the
document camera, against a one-label Textual app in the same run, each on a real
pseudo-terminal of 120x40. Each child reports its own VmRSS (and VmHWM, the peak) from
/proc/self/status once it is where it should be measured.

- idle: settings and store loaded, the sync worker running (offline: nothing listens on the
  backend's port), the home screen painted, then a few seconds of rest;
- preview: staff's 摄像头测试 screen (every document, nothing stored) on the demo video, after
  PREVIEW_FRAMES previews were drawn (12 a second), with the page tracker and auto-capture on.

Targets (issue 11): idle <= 120 MB, preview <= 250 MB. Prints each figure, then last
`kiosk_preview_rss_mb=<MB>`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from _pty_child import run_child

TIMEOUT_S = 90.0
SETTLE_S = float(os.environ.get("MEMORY_SETTLE_S", "3"))
PREVIEW_FRAMES = int(os.environ.get("MEMORY_PREVIEW_FRAMES", "120"))

CHILD = r"""
import os, sys, threading
marker_fd, target = int(sys.argv[1]), sys.argv[2]
settle_s, frames_wanted = float(sys.argv[3]), int(sys.argv[4])

def report(self):
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    os.write(marker_fd, f"{status['VmRSS'].split()[0]} {status['VmHWM'].split()[0]}\n".encode())
    self.exit()

if target == "baseline":
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Probe(App):
        def compose(self) -> ComposeResult:
            yield Label("数字证书自助服务终端")

        def on_ready(self) -> None:
            self.set_timer(settle_s, lambda: report(self))

    Probe().run()
else:
    from kiosk.ui.app import KioskApp
    from kiosk.screens.messages import CameraFrame

    class Probe(KioskApp):
        frames = 0

        def on_runtime_ready(self, message) -> None:
            super().on_runtime_ready(message)
            if target == "idle":
                self.set_timer(settle_s, lambda: report(self))
            else:
                from kiosk.core.domain.documents import DOCUMENTS
                from kiosk.core.i18n import Text
                from kiosk.screens.capture import DocumentCaptureScreen

                test = DocumentCaptureScreen(list(DOCUMENTS), order_id=None, title=Text("摄像头测试"))
                self.push_screen(test)

        def on_camera_frame(self, message: CameraFrame) -> None:
            Probe.frames += 1
            if Probe.frames == frames_wanted:
                report(self)

    # A preview frame is posted to the capture screen; count them as they pass the app.
    import kiosk.screens.capture as capture

    shown = capture.DocumentCaptureScreen.on_camera_frame

    def counted(screen, message):
        shown(screen, message)
        Probe.on_camera_frame(screen.app, message)

    capture.DocumentCaptureScreen.on_camera_frame = counted
    Probe().run()
"""


def measure(target: str, home: str) -> tuple[float, float]:
    """(RSS, peak RSS) in MB of one child at its measuring point."""
    answer, _ = run_child(CHILD, [target, str(SETTLE_S), str(PREVIEW_FRAMES)], home, TIMEOUT_S)
    rss_kb, peak_kb = (int(value) for value in answer.split())
    return rss_kb / 1024, peak_kb / 1024


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kiosk-memory-") as home:
        # Offline on purpose: the sync runs and finds nothing listening (a field site's kiosk).
        Path(home, "kiosk.toml").write_text('backend_url = "http://127.0.0.1:9"\n')
        measure("idle", home)  # first start: the store, its key and the demo video are made
        baseline, _ = measure("baseline", home)
        idle, idle_peak = measure("idle", home)
        preview, preview_peak = measure("preview", home)
    print(f"baseline_rss_mb={baseline:.1f} (a one-label Textual app)")
    print(
        f"kiosk_idle_rss_mb={idle:.1f} peak={idle_peak:.1f} target<=120 ({idle / baseline:.1f}x the baseline)"
    )
    print(f"kiosk_preview_rss_mb={preview:.1f} peak={preview_peak:.1f} target<=250 frames={PREVIEW_FRAMES}")
    print(f"kiosk_preview_rss_mb={preview:.1f}")


if __name__ == "__main__":
    main()
