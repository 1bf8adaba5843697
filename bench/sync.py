"""Drain 1,000 queued orders x 5 attachments (~400 KB JPEGs) to the reference backend on
loopback, against a raw httpx upload of the same kind of bytes in the same run, each side into a
fresh backend of its own (so that the second does not meet the first one's 1,000 orders).

Three processes, so neither side shares an interpreter (or its GIL) with the backend:
- the reference backend (`ca-backend serve`);
- the raw uploader: plain httpx with the device signature, the same requests (create, five
  uploads, submit), the same concurrency, bytes already in memory, nothing recorded;
- the kiosk's sync: the same engine as `kiosk sync`, reading the sealed store, recording each
  confirmation durably.
Each order's pictures are distinct bytes (a JPEG comment names the order), so the backend's
content addressing cannot skip any work for either side.

Prints the sizes, both drain times, `sync_peak_rss_mb=…`, and last `sync_vs_raw_ratio=<x>`
(targets: ratio <= 1.5, RSS <= 200 MB). BENCH_SYNC_ORDERS scales it down for a quick look.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.core.domain.documents import DocumentKind

ORDERS = int(os.environ.get("BENCH_SYNC_ORDERS", "1000"))
CONCURRENCY = 4
TARGET_JPEG_BYTES = 400_000
BIN = Path(sys.executable).parent


def with_comment(jpeg: bytes, note: bytes) -> bytes:
    """The picture with a JPEG comment segment after SOI: valid, and unique per order."""
    return jpeg[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + jpeg[2:]


def document_photos(count: int) -> list[bytes]:
    """Photos of A4 pages as a document camera takes them: paper, print, a red seal, sensor
    noise and uneven light; JPEG quality chosen so each is about 400 KB."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(7)
    photos = []
    for n in range(count):
        height, width = 2200, 1600
        page = np.full((height, width, 3), 255, np.uint8)
        for row in range(160, height - 160, 46):  # lines of print
            for col in range(120, width - 120, 34):
                if rng.random() < 0.85:
                    cv2.putText(page, chr(0x41 + int(rng.integers(26))), (col, row), 0, 0.9, (40, 40, 40), 2)
        cv2.circle(page, (1150 + 20 * n, 1800), 170, (40, 40, 210), 9)  # the unit's seal
        light = np.linspace(0.84, 0.96, width, dtype=np.float32)[None, :, None]  # uneven light
        shot = page.astype(np.float32) * light + rng.normal(0, 6, page.shape).astype(np.float32)
        picture = np.clip(shot, 0, 255).astype(np.uint8)
        low, high, best = 30, 95, b""
        while low <= high:  # setup only: the kiosk's own fitting is in kiosk/devices
            quality = (low + high) // 2
            ok, data = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, quality])
            assert ok
            if len(data) <= TARGET_JPEG_BYTES:
                best, low = data.tobytes(), quality + 1
            else:
                high = quality - 1
        photos.append(best)
    return photos


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_backend(home: Path, port: int) -> subprocess.Popen[bytes]:
    import httpx

    backend = subprocess.Popen(
        [BIN / "ca-backend", "--home", str(home), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/ca-chain", timeout=1).status_code == 200:
                return backend
        except httpx.TransportError:
            time.sleep(0.1)  # the server is still starting; a bench may poll
    backend.kill()
    raise SystemExit("the reference backend did not start")


def queue_orders(kiosk_home: Path, photos: list[bytes]) -> None:
    from kiosk.config.locations import locations
    from kiosk.core.domain.businesses import BusinessCode
    from kiosk.core.domain.catalog import load_catalog
    from kiosk.core.domain.samples import SAMPLE_PROJECT_PATH, sample_form
    from kiosk.store import Store

    where = locations(kiosk_home)
    store = Store.open(where.data_dir, where.key_file)
    project = load_catalog().default_selection(SAMPLE_PROJECT_PATH)
    documents = _five_documents()
    for _ in range(ORDERS):
        order = store.orders.create(BusinessCode.NEW, form=sample_form(BusinessCode.NEW), project=project)
        for photo, document in zip(photos, documents, strict=True):
            store.attachments.add(order.id, document, with_comment(photo, order.id.encode()), "image/jpeg")
        store.orders.submit(order.id)
    store.close()


def _five_documents() -> list[DocumentKind]:
    from kiosk.core.domain.businesses import BUSINESSES, BusinessCode

    return list(BUSINESSES[BusinessCode.NEW].documents)


# --- the two children -------------------------------------------------------------------------------
def child_sync(kiosk_home: str) -> None:
    """The kiosk's drain: the engine `kiosk sync` builds, one pass over the whole outbox."""
    from kiosk.backend_client.runtime import build_sync_engine
    from kiosk.config.locations import locations
    from kiosk.config.settings import load_settings
    from kiosk.store import Store

    where = locations(kiosk_home)
    store = Store.open(where.data_dir, where.key_file)
    engine = build_sync_engine(load_settings(where), where, store)
    started = time.perf_counter()
    report = engine.send_due()
    elapsed = time.perf_counter() - started
    assert report.reached_backend and report.blocked == 0, report
    assert store.outbox.summary().pending_orders == 0
    print(json.dumps({"seconds": elapsed, "sent": report.sent, "peak_rss_mb": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """This process's high-water RSS (VmHWM). Not getrusage of the child from the parent: Linux
    counts there the parent's memory the child had for a moment between fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def child_raw(base_url: str, credentials_file: str, photos_dir: str) -> None:
    """The baseline: the same requests with plain httpx, bytes in memory, nothing kept."""
    import hashlib

    import httpx

    from kiosk.core.domain.businesses import BusinessCode
    from kiosk.core.domain.catalog import load_catalog
    from kiosk.core.domain.samples import SAMPLE_PROJECT_PATH, sample_form
    from kiosk.core.signing import DeviceAuth, DeviceCredentials, RequestSigner

    photos = [path.read_bytes() for path in sorted(Path(photos_dir).iterdir())]
    documents = [document.value for document in _five_documents()]
    auth = DeviceAuth(RequestSigner(DeviceCredentials.load(Path(credentials_file))))
    project = load_catalog().default_selection(SAMPLE_PROJECT_PATH).to_json()
    form = sample_form(BusinessCode.NEW)

    with httpx.Client(base_url=base_url, auth=auth, timeout=60) as client:

        def send(_: int) -> None:
            order_id = str(uuid.uuid4())
            body = {
                "order_id": order_id,
                "business": "new",
                "form": form,
                "project": project,
                "created_at": datetime.now(UTC).isoformat(),
            }
            client.post("/v1/orders", json=body).raise_for_status()
            for photo, document in zip(photos, documents, strict=True):
                data = with_comment(photo, order_id.encode())
                headers = {"X-Content-Sha256": hashlib.sha256(data).hexdigest()}
                client.put(
                    f"/v1/orders/{order_id}/attachments/{document}", content=data, headers=headers
                ).raise_for_status()
            client.post(f"/v1/orders/{order_id}/submit", json={"revision": 1}).raise_for_status()

        started = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(send, range(ORDERS)))
        elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "sent": ORDERS * (2 + len(documents))}))


def run_child(args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run a child of this script and return the JSON line it prints last."""
    result = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, env=env, check=True)
    return dict(json.loads(result.stdout.decode().strip().splitlines()[-1]))


def _against_fresh_backend(home: Path, side: Callable[[str], dict[str, float]]) -> dict[str, float]:
    port = free_port()
    backend = start_backend(home, port)
    try:
        return side(f"http://127.0.0.1:{port}")
    finally:
        backend.terminate()
        backend.wait()


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        photos = document_photos(5)
        photos_dir = work / "photos"
        photos_dir.mkdir()
        for n, photo in enumerate(photos):
            (photos_dir / f"{n}.jpg").write_bytes(photo)
        kiosk_home = work / "kiosk"
        # Each side drains into a fresh backend of its own: the second would otherwise meet a
        # database and an attachment folder already holding the first side's 1,000 orders.
        raw_home, sync_home = work / "backend-raw", work / "backend-sync"
        raw_credentials = work / "raw-device.json"
        credentials = kiosk_home / "keys" / "device.json"
        for home, out in ((raw_home, raw_credentials), (sync_home, credentials)):
            subprocess.run(
                [BIN / "ca-backend", "--home", str(home), "device", "enroll", "hall-01", "--out", str(out)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        started = time.perf_counter()
        queue_orders(kiosk_home, photos)
        queued_s = time.perf_counter() - started
        raw = _against_fresh_backend(
            raw_home, lambda url: run_child(["raw", url, str(raw_credentials), str(photos_dir)])
        )
        env = {**os.environ, "KIOSK_HOME": str(kiosk_home), "KIOSK_SYNC_CONCURRENCY": str(CONCURRENCY)}
        synced = _against_fresh_backend(
            sync_home, lambda url: run_child(["sync", str(kiosk_home)], {**env, "KIOSK_BACKEND_URL": url})
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    megabytes = ORDERS * sum(len(photo) for photo in photos) / 1e6
    mean_kb = sum(map(len, photos)) / len(photos) / 1000
    print(f"orders={ORDERS} attachments={ORDERS * 5} mean_jpeg_kb={mean_kb:.0f} total_mb={megabytes:.0f}")
    print(f"queued_at_kiosk_s={queued_s:.1f} concurrency={CONCURRENCY}")
    print(f"raw_httpx_s={raw['seconds']:.1f} ({megabytes / raw['seconds']:.0f} MB/s)")
    sync_rate = megabytes / synced["seconds"]
    print(f"sync_s={synced['seconds']:.1f} ({sync_rate:.0f} MB/s) items={synced['sent']:.0f}")
    print(f"sync_peak_rss_mb={synced['peak_rss_mb']:.0f}")
    print(f"sync_vs_raw_ratio={synced['seconds'] / raw['seconds']:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "sync":
        child_sync(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "raw":
        child_raw(*sys.argv[2:5])
    else:
        main()
