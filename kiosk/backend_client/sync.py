"""The outbox sync: carries queued orders to the backend, exactly once, whatever happens.

Exactly once comes from two halves:
- at least once: an outbox item is marked done only after the backend's answer, in SQLite,
  so a crash, a kill or a lost answer means the item is sent again;
- at most once: every item is idempotent at the backend. An order is created once per UUID,
  forever; an attachment is named by its sha256; a submission carries its revision.

Items of one order go strictly in turn (create, form, uploads, submit); different orders go
side by side, a few at a time. A failed item waits with exponential backoff and jitter (or
the backend's Retry-After, if longer). No answer at all (offline) or a refusal of the kiosk
itself ends the pass: the other orders would only fail the same way. Everything the sync
knows lives in the store, so a restart resumes where it stopped.

Plain Python, no Textual: the app runs `SyncEngine.run_forever` in a thread worker, and
`kiosk sync` runs it alone.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from pydantic import ValidationError

from kiosk.backend_client.client import BackendClient
from kiosk.backend_client.errors import BackendError, Offline, Refused, ServerFault
from kiosk.backend_client.sender_lock import sending_alone
from kiosk.core.contract import Heartbeat, OrderCreate, OrderView, ProjectWire, SubscriberClaim
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.i18n import Text
from kiosk.store import KeyFileError, OutboxItem, Store, StoreError
from kiosk.store.database import utc_now

log = logging.getLogger("kiosk.sync")
_NO_ANSWER = Text("连接不上后台，订单已保存在本机，联网后自动发送")
_MISMATCH = Text("后台的回答不符合约定，稍后自动重试")
_PASS_FAILED = Text("同步出错，订单仍保存在本机，稍后自动重试")


@dataclass(frozen=True)
class SyncSettings:
    concurrency: int = 4  # orders sent side by side
    retry_base_s: float = 2.0  # first wait after a failed item; doubles each time
    retry_max_s: float = 600.0
    link_retry_max_s: float = 60.0  # longest wait between probes while offline
    follow_every_s: float = 60.0  # status pull and heartbeat
    retention_s: float = 7 * 24 * 3600  # personal data kept after the backend has it


SENDER_LOCK = "sync.lock"  # beside the store: one sender at a time (sender_lock.py)


@dataclass
class PassReport:
    """What one pass over the due outbox did."""

    sent: int = 0  # items the backend confirmed
    retrying: int = 0  # items that failed and wait for a later try
    blocked: int = 0  # items refused for good, waiting for staff
    link_error: BackendError | None = None  # why the pass stopped early
    followed: bool = False  # status pulled and heartbeat sent in this pass
    busy: bool = False  # another process was sending this store's queue: nothing done here
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def reached_backend(self) -> bool:
        return self.link_error is None

    def count(self, what: str) -> None:
        with self._lock:
            setattr(self, what, getattr(self, what) + 1)


class LocalProblem(Exception):
    """The kiosk cannot build the item (an image file gone, a purged form): retrying will not
    help, so the item is parked for staff with this reason."""


class SyncEngine:
    def __init__(
        self,
        store: Store,
        client: BackendClient,
        settings: SyncSettings | None = None,
        *,
        on_progress: Callable[[], None] | None = None,
        app_version: str = "",
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.client = client
        self.settings = settings or SyncSettings()
        self.on_progress = on_progress or (lambda: None)
        self.app_version = app_version
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not secrets)
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="sync")
        self._link_lock = threading.Lock()
        self._last_link: tuple[bool, str | None] | None = None

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    # --- control from other threads -------------------------------------------------------------
    def wake(self) -> None:
        """Something new to send (or staff pressed 'retry now'): stop waiting."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # --- the loops --------------------------------------------------------------------------------
    def run_once(self) -> PassReport:
        """Send what is due, then pull status, beat, and purge what is past retention; nothing
        when another process is sending this store's queue (sender_lock.py)."""
        report = self.send_due()
        if report.busy:
            return report
        if report.reached_backend:
            self.follow_and_beat()
        self.purge()
        return report

    def run_forever(self) -> None:
        """Until `stop()`: send as items fall due, pull status and beat every minute, and probe
        with a growing, jittered wait while the backend cannot be reached."""
        offline_passes = 0
        next_follow = self._clock()
        while not self.stopping:
            try:
                report = self._pass(next_follow)
            except Exception:  # a bug or a broken disk: log it, keep the kiosk's queue, try later
                log.exception("sync pass failed")
                report = PassReport(link_error=ServerFault(_PASS_FAILED, code="internal"))
            if report.followed:
                next_follow = self._clock() + self.settings.follow_every_s
            if report.busy:  # the other sender has it: look again in a while
                pause = self.settings.follow_every_s
            elif report.reached_backend:
                offline_passes = 0
                pause = min(self._seconds_until_due(), max(0.0, next_follow - self._clock()))
            else:
                offline_passes += 1
                pause = self._jittered(
                    self.settings.retry_base_s * 2 ** (offline_passes - 1), self.settings.link_retry_max_s
                )
            self._wake.wait(pause)
            self._wake.clear()

    def _pass(self, next_follow: float) -> PassReport:
        """Send what is due; pull status and beat when it is time; purge; log what happened."""
        report = self.send_due()
        if report.busy:
            return report
        if report.reached_backend and self._clock() >= next_follow:
            if self.follow_and_beat():
                report.followed = True
            else:
                report.link_error = Offline(_NO_ANSWER)
        self.purge()
        if report.sent or report.retrying or report.blocked:
            log.info(
                "pass: sent=%d retrying=%d blocked=%d pending_orders=%d online=%s",
                report.sent,
                report.retrying,
                report.blocked,
                self.store.outbox.summary().pending_orders,
                "yes" if report.reached_backend else "no",
            )
        return report

    # --- sending the outbox ------------------------------------------------------------------------
    def send_due(self) -> PassReport:
        """One pass: every order with an item due, a few at a time, each order's items in turn
        (only while this engine is the store's one sender)."""
        with sending_alone(self.store.path.parent / SENDER_LOCK) as alone:
            if not alone:
                return PassReport(busy=True)
            return self._send_due()

    def _send_due(self) -> PassReport:
        report = PassReport()
        link_down = threading.Event()
        in_flight: dict[Future[None], str] = {}
        limit = self.settings.concurrency
        while True:
            if not link_down.is_set() and not self.stopping and len(in_flight) < limit:
                busy = set(in_flight.values())
                for order_id in self.store.outbox.due_orders(limit=limit + len(busy)):
                    if len(in_flight) >= limit:
                        break
                    if order_id not in busy:
                        future = self._pool.submit(self._drain_order, order_id, report, link_down)
                        in_flight[future] = order_id
            if not in_flight:
                return report
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                del in_flight[future]
                future.result()

    def _drain_order(self, order_id: str, report: PassReport, link_down: threading.Event) -> None:
        while not link_down.is_set() and not self.stopping:
            item = self.store.outbox.head(order_id)
            if item is None or item.blocked_at or (item.next_attempt_at or "") > utc_now():
                return
            try:
                self.send_item(item)
            except (Offline, Refused) as error:
                # Not this order's fault: every order would fail alike, so the pass ends.
                report.link_error = error
                link_down.set()
                self._note_link(online=False, error=error.summary())
                return
            except BackendError as error:
                self._note_link(online=True)
                self._failed(item, error.summary(), error.retryable, error.retry_after_s, report)
                return
            except LocalProblem as problem:
                self._failed(item, f"local: {problem}", False, None, report)
                return
            except Exception as error:  # a bug or a full disk must not stop the sync
                log.exception("outbox item %s (%s) failed unexpectedly", item.id, item.kind)
                self._failed(item, f"internal: {type(error).__name__}", True, None, report)
                return
            self._note_link(online=True)
            report.count("sent")
            self.on_progress()

    def send_item(self, item: OutboxItem) -> None:
        """Send one item and record the backend's confirmation; raises BackendError or
        LocalProblem, leaving the item undone."""
        order_id = item.order_id
        if item.kind == "create_order":
            self.client.create_order(self.order_request(order_id))
            self.store.outbox.finish(item.id)
        elif item.kind == "resubmit_order":
            order = self.store.orders.get(order_id)
            if order.purged_at is not None:
                raise LocalProblem("the form was purged from this kiosk; it must be entered again")
            self.client.update_form(order_id, order.form)
            self.store.outbox.finish(item.id)
        elif item.kind == "upload_attachment":
            document, sha256 = DocumentKind(item.payload["document"]), str(item.payload["sha256"])
            try:
                data = self.store.attachments.read(sha256)
            except (OSError, StoreError, KeyFileError) as error:  # gone, altered, or not ours
                raise LocalProblem(
                    f"the image of {document.value} cannot be read: {type(error).__name__}"
                ) from None
            receipt = self.client.put_attachment(order_id, document, data, sha256)
            if receipt.sha256 != sha256:
                raise ServerFault(_MISMATCH, code="sha256_mismatch")
            self.store.outbox.finish(item.id, uploaded=document)
        elif item.kind == "submit_order":
            view = self.client.submit_order(order_id, int(item.payload.get("revision", 1)))
            self.store.outbox.finish(item.id, acknowledged=True)
            self.record(view)
        else:
            raise LocalProblem(f"unknown outbox item kind {item.kind!r}")

    def order_request(self, order_id: str) -> OrderCreate:
        """What the backend is told about a new order, from the store (opened only here)."""
        order = self.store.orders.get(order_id)
        owner = self.store.orders.owner(order_id)
        try:
            return OrderCreate(
                order_id=UUID(order.id),
                business=order.business,
                subscriber=SubscriberClaim(
                    phone=owner.phone,
                    verified_by=owner.verified_by,
                    staff_id=owner.staff_id,
                )
                if owner
                else None,
                form={section: dict(values) for section, values in order.form.items()},
                project=ProjectWire.model_validate(order.project.to_json()) if order.project else None,
                token_serial=order.token_serial,
                redirect_of=UUID(order.redirect_of) if order.redirect_of else None,
                created_at=datetime.fromisoformat(order.created_at),
            )
        except (ValidationError, ValueError) as error:
            fields = (
                ", ".join(".".join(map(str, e["loc"])) for e in error.errors())
                if isinstance(error, ValidationError)
                else ""
            )
            raise LocalProblem(
                f"the order does not fit the contract ({fields or type(error).__name__})"
            ) from None

    def _failed(
        self, item: OutboxItem, error: str, retryable: bool, retry_after_s: float | None, report: PassReport
    ) -> None:
        if retryable:
            delay = self._jittered(self.settings.retry_base_s * 2**item.attempts, self.settings.retry_max_s)
            delay = max(delay, retry_after_s or 0.0)
            when = (datetime.now(UTC) + timedelta(seconds=delay)).isoformat(timespec="milliseconds")
            self.store.outbox.mark_failed(item.id, error, when)
            report.count("retrying")
        else:
            self.store.outbox.mark_blocked(item.id, error)
            report.count("blocked")
            log.warning(
                "outbox item %s (%s) of order %s blocked: %s", item.id, item.kind, item.order_id, error
            )
        self.on_progress()

    def _jittered(self, delay: float, ceiling: float) -> float:
        """'Equal jitter': half the delay for sure, half at random, so kiosks that lost the
        network together do not all come back in the same second."""
        delay = min(delay, ceiling)
        return delay / 2 + self._rng.uniform(0, delay / 2)

    def _seconds_until_due(self) -> float:
        when = self.store.outbox.next_attempt_at()
        if when is None:
            return self.settings.follow_every_s
        if when == "":
            return 0.0
        return max(0.0, (datetime.fromisoformat(when) - datetime.now(UTC)).total_seconds())

    # --- status, heartbeat, retention ---------------------------------------------------------------
    def follow_and_beat(self) -> bool:
        """Pull the state of the orders the backend holds, then send the heartbeat; False when
        the backend could not be reached."""
        try:
            for order_id in self.store.orders.to_follow():
                try:
                    self.record(self.client.get_order(order_id))
                except BackendError as error:
                    if isinstance(error, (Offline, Refused)):
                        raise
                    log.warning("status of order %s not pulled: %s", order_id, error.summary())
            self.heartbeat()
            self.refresh_staff()
        except (Offline, Refused) as error:
            self._note_link(online=False, error=error.summary())
            return False
        except BackendError as error:  # the backend answered, badly: try again next time
            log.warning("heartbeat not taken: %s", error.summary())
        self._note_link(online=True, force=True)
        return True

    def follow_subscriber(self, session: str) -> list[OrderView]:
        """The signed-in subscriber's orders from the backend; the ones this kiosk holds are
        recorded. Raises BackendError (the screen says why)."""
        views = self.client.list_orders(session)
        for view in views:
            self.record(view)
        return views

    def record(self, view: OrderView) -> bool:
        return record_view(self.store, view)

    def heartbeat(self) -> None:
        summary = self.store.outbox.summary()
        oldest = (
            max(0.0, (datetime.now(UTC) - datetime.fromisoformat(summary.oldest_pending_at)).total_seconds())
            if summary.oldest_pending_at
            else None
        )
        health = {"outbox": "ok" if not summary.blocked_orders else f"{summary.blocked_orders} blocked"}
        self.client.heartbeat(
            Heartbeat(
                queue_depth=summary.pending_orders,
                oldest_pending_age_s=oldest,
                health=health,
                app_version=self.app_version[:40],
            )
        )

    def refresh_staff(self) -> None:
        """The hall staff accounts as the backend has them now, kept for signing in offline."""
        from kiosk.core.staff_pins import StaffAccount

        accounts = self.client.staff_directory()
        self.store.staff.replace(
            [StaffAccount(account.staff_id, account.name, account.pin_hash) for account in accounts]
        )

    def purge(self) -> list[str]:
        purged = self.store.orders.purge_due(self.settings.retention_s)
        if purged:
            log.info("personal data of %d orders purged after retention", len(purged))
        return purged

    def _note_link(self, *, online: bool, error: str | None = None, force: bool = False) -> None:
        """Record the link's state when it changes (one write, not one per item); `force` also
        refreshes the time of last contact."""
        with self._link_lock:
            state = (online, error)
            if self._last_link == state and not force:
                return
            self._last_link = state
        self.store.outbox.note_link(online, error)
        self.on_progress()


def record_view(store: Store, view: OrderView) -> bool:
    """Take the backend's state of an order this kiosk holds; False if nothing changed, or the
    order was taken at another kiosk (nothing of it here to update)."""
    try:
        return store.orders.record_remote(
            str(view.order_id),
            view.status,
            view.updated_at.isoformat(),
            rejections=view.rejection.model_dump(mode="json") if view.rejection else None,
            shipment=view.shipment.model_dump(mode="json") if view.shipment else None,
        )
    except StoreError:
        return False
