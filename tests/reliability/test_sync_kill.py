"""`kiosk sync` killed with SIGKILL at random points, again and again: afterwards the backend
holds each order once and each attachment once, with the kiosk's bytes, and the store is whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from support.backend import Hub
from support.figures import Figure
from support.sync import assert_each_exactly_once, engine_for, kiosk_client, queue_order

from kiosk.config.locations import Locations
from kiosk.store import Store

TRIALS = 50
ORDERS_PER_TRIAL = 3
KILL_WITHIN_S = 0.12  # a child takes about 0.1 s here to send three orders after it starts


def _start_sync(where: Locations, hub: Hub) -> subprocess.Popen[str]:
    env = {**os.environ, "KIOSK_BACKEND_URL": hub.server.base_url}
    home = where.data_dir.parent
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--home", str(home), "sync", "--once"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def test_sigkill_at_random_points_loses_and_doubles_nothing(
    hub: Hub, store: Store, where: Locations, figure: Figure
) -> None:
    hub.credentials.save(where.device_credentials)
    rng = random.Random(2026)
    orders: list[str] = []
    killed = 0
    cut_mid_way = 0  # kills that fell after the child had sent something, before it had sent all
    for _ in range(TRIALS):
        orders += [queue_order(store) for _ in range(ORDERS_PER_TRIAL)]
        before = _progress(hub)
        child = _start_sync(where, hub)
        assert child.stdout is not None
        assert child.stdout.readline().startswith("kiosk sync: started")  # imports done, work begins
        try:
            child.wait(timeout=rng.uniform(0, KILL_WITHIN_S))  # the random kill point
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            killed += 1
        child.wait()
        child.stdout.close()
        if before < _progress(hub) < 7 * len(orders):  # this child sent some, not all
            cut_mid_way += 1
    assert killed >= TRIALS // 2, f"only {killed} of {TRIALS} children were killed before they finished"
    assert cut_mid_way >= TRIALS // 3, f"only {cut_mid_way} kills fell in the middle of the work"

    assert store.database.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        engine = engine_for(store, client)
        report = engine.run_once()
        engine.close()
    assert report.reached_backend and report.blocked == 0
    assert store.outbox.summary().pending_orders == 0
    assert_each_exactly_once(hub, store, orders)
    with hub.backend.db.connect() as conn:
        stored_files = {path.name for path in Path(hub.backend.settings.attachments_dir).iterdir()}
        referenced = {row[0] for row in conn.execute("select sha256 from attachments")}
    assert referenced <= stored_files
    for name, value in {
        "kill_trials": TRIALS,
        "killed": killed,
        "cut_mid_way": cut_mid_way,
        "orders": len(orders),
        "lost": 0,  # asserted above: each order exactly once
        "doubled": 0,
    }.items():
        figure(name, value)


def _progress(hub: Hub) -> int:
    """How many of the queued items the backend has taken so far (orders, images, submissions)."""
    with hub.backend.db.connect() as conn:
        orders, submitted = conn.execute(
            "select count(*), coalesce(sum(submissions), 0) from orders"
        ).fetchone()
        images = conn.execute("select count(*) from attachments").fetchone()[0]
    return int(orders + submitted + images)


def test_kiosk_sync_runs_until_stopped_and_stops_cleanly(hub: Hub, store: Store, where: Locations) -> None:
    """`kiosk sync` without --once (the systemd service): drains, keeps running, and leaves on
    SIGTERM with exit status 0."""
    hub.credentials.save(where.device_credentials)
    orders = [queue_order(store) for _ in range(2)]
    env = {**os.environ, "KIOSK_BACKEND_URL": hub.server.base_url}
    child = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--home", str(where.data_dir.parent), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stderr is not None
    for line in child.stderr:  # the worker's own report of each pass
        if "pending_orders=0" in line:
            break
    assert child.poll() is None, "the forever sync left by itself"
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 0
    child.stderr.close()
    assert_each_exactly_once(hub, store, orders)


def test_kiosk_sync_once_with_the_backend_down_says_so_and_exits_75(
    hub: Hub, store: Store, where: Locations
) -> None:
    import socket

    hub.credentials.save(where.device_credentials)
    queue_order(store)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--home", str(where.data_dir.parent), "sync", "--once"],
        capture_output=True,
        text=True,
        env={**os.environ, "KIOSK_BACKEND_URL": dead},
        check=False,
    )
    assert result.returncode == 75
    assert result.stdout.splitlines()[-1] == "sent=0 retrying=0 blocked=0 pending_orders=1 online=no"


def test_kiosk_sync_without_enrolment_explains_what_to_do(where: Locations) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--home", str(where.data_dir.parent), "sync", "--once"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "enrol the kiosk with `ca-backend device enroll`" in result.stderr
