"""The outbox sync against the reference backend over real HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from support.backend import Hub, new_order_body, running_hub
from support.sync import (
    TEST_SYNC,
    assert_each_exactly_once,
    engine_for,
    kiosk_client,
    queue_order,
    required_documents,
    unenrolled_credentials,
)

from kiosk.backend_client.sync import SyncSettings
from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.status import OrderStatus
from kiosk.store import Owner, Store


def test_queued_orders_reach_the_backend_once_and_are_followed(hub: Hub, store: Store) -> None:
    codes = (BusinessCode.NEW, BusinessCode.REISSUE, BusinessCode.REVOKE)
    orders = [queue_order(store, code) for code in codes]
    items = sum(2 + len(required_documents(code)) for code in codes)  # create, uploads, submit
    assert store.outbox.summary().pending_orders == 3
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        engine = engine_for(store, client)
        report = engine.run_once()
        assert (report.sent, report.retrying, report.blocked) == (items, 0, 0)
        assert_each_exactly_once(hub, store, orders)
        assert all(store.orders.get(o).acknowledged_at for o in orders)
        assert store.outbox.summary().online is True

        # A second pass sends nothing again.
        assert engine.run_once().sent == 0
        assert_each_exactly_once(hub, store, orders)

        # The reviewer approves one: the next pull records it at the kiosk.
        hub.backend.review.approve(orders[0], "王审核")
        hub.backend.review.approve(orders[2], "王审核")  # a revocation completes on approval
        engine.follow_and_beat()
        assert store.orders.get(orders[0]).status is OrderStatus.AWAITING_PAYMENT
        assert store.orders.get(orders[2]).status is OrderStatus.COMPLETED
        assert orders[2] not in store.orders.to_follow()  # finished: no longer pulled
        assert orders[0] in store.orders.to_follow()
        engine.close()
    beat = next(device for device in hub.backend.devices.listing() if device["device_id"] == "hall-01")
    assert beat["heartbeat"]["queue_depth"] == 0 and beat["last_seen"]


def test_an_order_sent_after_the_session_lands_in_the_subscribers_account(hub: Hub, store: Store) -> None:
    order_id = queue_order(store, owner=Owner(phone="13800000077", verified_by="staff", staff_id="S07"))
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        engine_for(store, client).run_once()
        session = hub.sign_in("13800000077")
        views = engine_for(store, client).follow_subscriber(session)
    assert [str(view.order_id) for view in views] == [order_id]


def test_backend_down_orders_queue_then_drain_when_it_returns(tmp_path: Path, store: Store) -> None:
    # A port with nothing listening: what a kiosk sees with the backend down.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    orders = [queue_order(store) for _ in range(3)]
    with kiosk_client(f"http://127.0.0.1:{dead_port}", unenrolled_credentials()) as client:
        report = engine_for(store, client).run_once()
    assert not report.reached_backend and report.sent == 0
    assert report.link_error is not None
    assert report.link_error.say("zh") == "连接不上后台，订单已保存在本机，联网后自动发送"
    assert report.link_error.say("en").startswith("Cannot reach the CA")
    summary = store.outbox.summary()
    assert (summary.online, summary.pending_orders) == (False, 3)
    # Nothing was charged to the orders: the link was down, not the orders wrong.
    assert all(item.attempts == 0 for item in store.outbox.pending())

    with running_hub(tmp_path / "backend") as hub:  # the backend is back
        with kiosk_client(hub.server.base_url, hub.credentials) as client:
            engine = engine_for(store, client)
            assert engine.run_once().reached_backend
            engine.close()
        assert_each_exactly_once(hub, store, orders)
    assert store.outbox.summary().online is True


def test_a_restart_resumes_where_the_last_sync_stopped(hub: Hub, store: Store) -> None:
    order_id = queue_order(store)
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        first = engine_for(store, client)
        # Three items by hand, as if the process died after them.
        for _ in range(3):
            item = store.outbox.head(order_id)
            assert item is not None
            first.send_item(item)
        assert [a.uploaded_at is not None for a in store.attachments.of(order_id).values()].count(True) == 2
        second = engine_for(store, client)
        assert second.run_once().sent == 7 - 3
        for engine in (first, second):
            engine.close()
    assert_each_exactly_once(hub, store, [order_id])


def test_a_refused_item_is_parked_for_staff_and_the_others_go_on(hub: Hub, store: Store) -> None:
    # Another kiosk already used this UUID for an order of its own: the backend answers 409.
    taken = new_order_body(BusinessCode.NEW)
    with hub.client(hub.backend.devices.enroll("hall-02")) as other:
        assert other.post("/v1/orders", json=taken).status_code == 201
    clash = queue_order(store, order_id=taken["order_id"])
    fine = queue_order(store)
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        engine = engine_for(store, client)
        report = engine.run_once()
        engine.close()
    assert report.blocked == 1
    head = store.outbox.head(clash)
    assert head is not None and head.blocked_at is not None
    assert head.last_error is not None and "409" in head.last_error and "order_id_taken" in head.last_error
    summary = store.outbox.summary()
    assert (summary.pending_orders, summary.blocked_orders) == (1, 1)
    assert_each_exactly_once(hub, store, [fine])
    # The kiosk still has every byte of the parked order: nothing is lost while staff look.
    assert len(store.attachments.of(clash)) == 5 and store.orders.get(clash).form


def test_a_failed_item_waits_with_backoff_and_the_backends_retry_after(store: Store) -> None:
    from kiosk.backend_client.errors import ServerFault
    from kiosk.backend_client.sync import PassReport
    from kiosk.core.i18n import Text

    order_id = queue_order(store)
    client = kiosk_client("http://127.0.0.1:9", unenrolled_credentials())
    engine = engine_for(store, client, SyncSettings(retry_base_s=10, retry_max_s=100))
    item = store.outbox.head(order_id)
    assert item is not None
    before = datetime.now(UTC)
    engine._failed(item, "ServerFault 503", True, None, PassReport())
    waited = datetime.fromisoformat(store.outbox.head(order_id).next_attempt_at or "") - before  # type: ignore[union-attr]
    assert timedelta(seconds=5) <= waited <= timedelta(seconds=11)  # half sure, half jitter
    assert store.outbox.due_orders(10) == []
    item = store.outbox.head(order_id)
    assert item is not None and item.attempts == 1
    engine._failed(item, "ServerFault 503", True, 90.0, PassReport())  # Retry-After: 90
    waited = datetime.fromisoformat(store.outbox.head(order_id).next_attempt_at or "") - before  # type: ignore[union-attr]
    assert waited >= timedelta(seconds=89)
    assert str(ServerFault(Text("后台暂时出现故障，稍后自动重试"))) == "后台暂时出现故障，稍后自动重试"
    # Staff's "retry now" makes it due at once.
    assert store.outbox.retry_now() == 7
    assert store.outbox.due_orders(10) == [order_id]
    engine.close()
    client.close()


def test_personal_data_leaves_the_kiosk_after_retention(hub: Hub, store: Store) -> None:
    order_id = queue_order(store, owner=Owner(phone="13800000055", verified_by="sms"))
    files_before = set(store.attachments.folder.iterdir())
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        keep = engine_for(store, client, SyncSettings(retention_s=3600))
        keep.run_once()
        assert store.orders.get(order_id).purged_at is None  # within retention: kept for a rejection
        keep.close()
        purge = engine_for(store, client, SyncSettings(retention_s=0))
        assert purge.purge() == [order_id]
        purge.close()
    order = store.orders.get(order_id)
    assert order.purged_at is not None and store.orders.owner(order_id) is None
    assert "id_number" not in order.form.get("handler", {})
    assert order.form["unit"]["unit_name"]  # what staff still need to recognise it
    assert not (files_before & set(store.attachments.folder.iterdir()))
    assert len(files_before) == 5


def test_a_store_with_the_old_schema_is_migrated(tmp_path: Path) -> None:
    from kiosk.store.schema import MIGRATIONS, migrate

    conn = sqlite3.connect(tmp_path / "old.db")
    import sqlite_utils

    MIGRATIONS[0](sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version = 1")
    assert migrate(conn) == len(MIGRATIONS)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(outbox)")}
    assert "blocked_at" in columns
    tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    assert {"staff_accounts", "kiosk_state"} <= tables


def test_a_pass_that_fails_unexpectedly_does_not_stop_the_sync(hub: Hub, store: Store) -> None:
    """A bug or a broken disk in one pass is logged and the next pass runs. The failure is
    injected by a subclass: no real component fails on demand outside the per-item handling."""
    import threading

    from kiosk.backend_client.sync import PassReport, SyncEngine

    class FailsOnce(SyncEngine):
        failed = False

        def send_due(self) -> PassReport:
            if not self.failed:
                self.failed = True
                raise OSError("disk I/O error")
            return super().send_due()

    order_id = queue_order(store)
    drained = threading.Event()
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        engine = FailsOnce(store, client, TEST_SYNC)
        engine.on_progress = lambda: drained.set() if store.outbox.summary().pending_orders == 0 else None
        worker = threading.Thread(target=engine.run_forever)
        worker.start()
        try:
            assert drained.wait(timeout=30)
        finally:
            engine.stop()
            worker.join()
            engine.close()
    assert engine.failed
    assert_each_exactly_once(hub, store, [order_id])


def test_an_image_file_altered_or_gone_parks_its_order_with_the_reason(hub: Hub, store: Store) -> None:
    altered, gone, fine = (queue_order(store) for _ in range(3))
    first = store.attachments.of(altered)
    victim = store.attachments.folder / f"{next(iter(first.values())).sha256}.sealed"
    sealed = victim.read_bytes()
    victim.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 0xFF]))  # always a change (a 0 byte stayed 0)
    for record in store.attachments.of(gone).values():
        (store.attachments.folder / f"{record.sha256}.sealed").unlink()
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        engine = engine_for(store, client)
        report = engine.run_once()
        engine.close()
    assert report.blocked == 2
    reasons = {order_id: store.outbox.head(order_id).last_error for order_id in (altered, gone)}  # type: ignore[union-attr]
    assert "cannot be read: KeyFileError" in (reasons[altered] or "")
    assert "cannot be read: FileNotFoundError" in (reasons[gone] or "")
    assert_each_exactly_once(hub, store, [fine])


def test_one_sender_per_store_across_processes(hub: Hub, store: Store, where) -> None:
    """The kiosk app and `kiosk sync` may both run on a kiosk: while one holds the store's
    sender lock, the other sends nothing and says so; once it is free, the queue goes."""
    import subprocess
    import sys

    from kiosk.backend_client.sync import SENDER_LOCK

    order_id = queue_order(store)
    holder = subprocess.Popen(  # another process holding the lock (flock is per open file)
        [
            sys.executable,
            "-c",
            f"import fcntl,sys; f=open({str(where.data_dir / SENDER_LOCK)!r},'w');"
            " fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with kiosk_client(hub.server.base_url, hub.credentials) as client:
            report = engine_for(store, client).run_once()
        assert report.busy and report.sent == 0
        assert store.outbox.summary().pending_orders == 1
    finally:
        holder.communicate("")  # it ends; the kernel drops its lock
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        report = engine_for(store, client).run_once()
    assert not report.busy and report.sent > 0
    assert_each_exactly_once(hub, store, [order_id])
