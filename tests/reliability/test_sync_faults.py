"""The sync through a proxy that breaks requests: 5xx, timeouts, dropped connections, slow and
malformed answers. Whatever breaks, the backend ends with each order once."""

from __future__ import annotations

import threading

from support.backend import Hub
from support.fault_proxy import FAULTS, FaultProxy
from support.figures import Figure
from support.sync import assert_each_exactly_once, engine_for, kiosk_client, queue_order

from kiosk.store import Store

ORDERS = 12
WEIGHTS = {"ok": 0.44, **{fault: 0.08 for fault in FAULTS if fault != "ok"}}


def test_every_kind_of_fault_and_still_each_order_exactly_once(
    hub: Hub, store: Store, figure: Figure
) -> None:
    orders = [queue_order(store) for _ in range(ORDERS)]
    drained = threading.Event()

    def progress() -> None:
        if store.outbox.summary().pending_orders == 0:
            drained.set()

    with FaultProxy(hub.server.base_url, WEIGHTS, timeout_hold_s=0.8) as proxy:
        with kiosk_client(proxy.base_url, hub.credentials, read_timeout=0.4) as client:
            engine = engine_for(store, client)
            engine.on_progress = progress
            worker = threading.Thread(target=engine.run_forever)
            worker.start()
            try:
                assert drained.wait(timeout=180), f"not drained; faults so far {dict(proxy.counts)}"
            finally:
                engine.stop()
                worker.join()
                engine.close()
        counts = dict(proxy.counts)
    assert all(counts.get(fault, 0) >= 1 for fault in FAULTS), counts
    assert store.outbox.summary().blocked_orders == 0
    assert_each_exactly_once(hub, store, orders)
    assert all(store.orders.get(order_id).acknowledged_at for order_id in orders)
    # What the proxy broke was retried: more requests than the 7 items of each order.
    assert sum(counts.values()) > ORDERS * 7
    for fault, count in sorted(counts.items()):
        figure(f"requests.{fault}", count)
    figure("orders", ORDERS)
    figure("drained", sum(1 for order_id in orders if store.orders.get(order_id).acknowledged_at))
    figure("lost", 0)  # asserted above: each order exactly once
    figure("doubled", 0)
