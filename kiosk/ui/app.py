"""The kiosk application: full screen, no way out for subscribers, idle wipe, language switch."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import BindingType
from textual.reactive import reactive
from textual.screen import Screen

from kiosk.config.locations import Locations, locations
from kiosk.core.i18n import Language, Text, say
from kiosk.screens.home import HomeScreen
from kiosk.screens.messages import QueueChanged, RuntimeFailed, RuntimeReady
from kiosk.services.idle import IdlePhase, IdleWatch
from kiosk.services.session import ORDER_QUERY_VISIT, Session
from kiosk.ui.memory import limit_malloc_arenas

if TYPE_CHECKING:
    from kiosk.backend_client.client import BackendClient
    from kiosk.backend_client.sync import SyncEngine
    from kiosk.commands.demo import DemoBackend
    from kiosk.config.settings import KioskSettings
    from kiosk.core.domain.businesses import Business
    from kiosk.core.domain.catalog import Catalog
    from kiosk.core.staff_pins import StaffAccount
    from kiosk.screens.idle_countdown import IdleCountdownScreen
    from kiosk.services.key_slot import KeySlot
    from kiosk.services.staff_auth import StaffGate
    from kiosk.store import Store

IDLE_CHECK_INTERVAL = 0.5


class KioskApp(App[None], inherit_bindings=False):
    """`inherit_bindings=False`: no Ctrl+Q / Ctrl+C quit; the only way out is staff mode."""

    CSS_PATH = Path(__file__).parent / "kiosk.tcss"  # absolute: subclasses live elsewhere
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = []
    TITLE = "数字证书自助服务终端"
    remote = False  # the staff console in a browser (kiosk/ui/console.py) says True

    language: reactive[Language] = reactive("zh", init=False)  # init: no recompose at start
    backend_online: reactive[bool | None] = reactive(None)  # None: the sync has not reached out yet
    queue_depth: reactive[int | None] = reactive(None)  # orders still to send
    blocked_orders: reactive[int] = reactive(0)  # orders the backend refused: for staff
    settings_version: reactive[int] = reactive(0)  # bumped when settings (re)load
    # Bumped each time the store's queue was read again, changed or not: a screen following
    # one order (sent yet?) watches this, as the counts above may not change.
    queue_read: reactive[int] = reactive(0)

    def __init__(
        self,
        *,
        where: Locations | None = None,
        settings: KioskSettings | None = None,
        store: Store | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        demo: bool = False,
    ) -> None:
        # Never let the terminal turn Ctrl+C / Ctrl+Z into signals that stop the kiosk.
        os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)
        limit_malloc_arenas()  # before the workers start: kiosk/ui/memory.py says why
        super().__init__()
        self.where = where or locations()
        self.settings = settings
        self.store = store
        self.clock = clock
        self.wall_clock = wall_clock  # what must outlast a restart (the staff lockout)
        self.session = Session()
        self.idle: IdleWatch | None = None
        self.staff_gate: StaffGate | None = None
        self.serving_error: str | None = None
        self.sync: SyncEngine | None = None
        self.demo = demo
        self.demo_backend: DemoBackend | None = None
        self._sync_refresh_queued = threading.Event()
        self._backend_client: BackendClient | None = None
        self._backend_client_made = threading.Lock()
        self._catalog: Catalog | None = None
        self._key_slot: KeySlot | None = None
        self._key_slot_made = threading.Lock()

    # --- start-up: paint first, then load what is heavy ---------------------------------------
    def get_default_screen(self) -> Screen[None]:
        return HomeScreen(id="home")

    def on_load(self) -> None:
        import asyncio

        from kiosk.ui import worker_threads

        worker_threads.install(asyncio.get_running_loop())

    def on_ready(self) -> None:
        if self.settings is not None and self.store is not None:
            self.post_message(RuntimeReady(self.settings, self.store))
        else:
            self._load_runtime()

    @work(thread=True, exclusive=True, group="startup", exit_on_error=False)
    def _load_runtime(self) -> None:
        from kiosk.config.settings import SettingsError, load_settings
        from kiosk.core.sealing import KeyFileError
        from kiosk.store import Store, StoreError

        try:
            settings = self.settings or load_settings(self.where)
        except SettingsError as error:
            self.post_message(RuntimeFailed(str(error), None))
            return
        try:
            store = self.store or Store.open(self.where.data_dir, self.where.key_file)
        except (KeyFileError, StoreError, OSError) as error:
            self.post_message(RuntimeFailed(str(error), settings))
            return
        if self.demo:
            from kiosk.commands.demo import start_demo_backend

            try:
                self.demo_backend = start_demo_backend(self.where, settings.kiosk_id)
            except (OSError, RuntimeError) as error:
                self.post_message(RuntimeFailed(f"the demo backend did not start: {error}", settings))
                return
            settings = settings.model_copy(update={"backend_url": self.demo_backend.base_url})
        self.post_message(RuntimeReady(settings, store))

    def on_runtime_ready(self, message: RuntimeReady) -> None:
        from kiosk.services.staff_auth import StaffGate, StoredLockout

        self.settings, self.store = message.settings, message.store
        self.staff_gate = StaffGate(
            message.settings.staff_pin_hash,
            accounts=message.store.staff_accounts,
            lockout=StoredLockout(message.store),
            clock=self.wall_clock,
        )
        self.language = message.settings.language
        self.idle = IdleWatch(
            message.settings.idle_timeout_s, message.settings.idle_countdown_s, self.clock()
        )
        self.set_interval(IDLE_CHECK_INTERVAL, self.tick_idle, name="idle-watch")
        self.settings_version += 1
        self.post_message(QueueChanged())
        message.store.audit("kiosk", "started", kiosk_id=message.settings.kiosk_id, remote=self.remote)
        self._run_sync()
        if self.out_of_service:  # staff paused it before the restart
            self.switch_to_out_of_service()

    # --- the outbox sync ----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _run_sync(self) -> None:
        """Send the outbox for as long as the app runs (kiosk/backend_client/sync.py). A kiosk
        not enrolled with a backend keeps its queue and says 未连接后台."""
        from kiosk.backend_client.runtime import build_sync_engine
        from kiosk.core.signing import CredentialsError

        assert self.settings is not None and self.store is not None
        try:
            engine = build_sync_engine(
                self.settings, self.where, self.store, on_progress=self._sync_progressed
            )
        except CredentialsError as error:
            self.log.warning("no sync: the kiosk is not enrolled", reason=str(error))
            return
        self.sync = engine
        try:
            engine.run_forever()
        finally:
            engine.close()
            engine.client.close()

    def _sync_progressed(self) -> None:
        """From the sync's threads: one refresh of the status line per burst, not one per item."""
        if not self._sync_refresh_queued.is_set():
            self._sync_refresh_queued.set()
            self.post_message(QueueChanged())

    def wake_sync(self) -> None:
        """An order was just queued: send it now rather than at the next scheduled pass."""
        self.post_message(QueueChanged())
        if self.sync is not None:
            self.sync.wake()

    def on_runtime_failed(self, message: RuntimeFailed) -> None:
        from kiosk.services.staff_auth import StaffGate

        self.serving_error = message.reason
        self.log.error("kiosk cannot serve", reason=message.reason)
        # With readable settings, staff can still sign in to look and exit; without them
        # there is no PIN to check, and a technician fixes the kiosk from outside.
        if message.settings is not None:
            self.settings = message.settings
            self.staff_gate = StaffGate(message.settings.staff_pin_hash, clock=self.wall_clock)
        self.switch_to_out_of_service()

    @property
    def out_of_service(self) -> bool:
        """Staff took the kiosk out of service (kept in the store: a restart keeps it so)."""
        return self.store is not None and self.store.state("out_of_service") == "1"

    def set_out_of_service(self, paused: bool) -> None:
        """Staff pause the kiosk (subscribers see 暂停服务) or put it back in service."""
        if self.store is None:
            return
        self.store.set_state(out_of_service="1" if paused else "0")
        self.store.audit("staff", "out_of_service" if paused else "back_in_service")
        self.show_service_state()

    def show_service_state(self) -> None:
        """Home, or the 暂停服务 page when the kiosk cannot or may not serve; whatever was open
        above it goes (staff sign in again from the page's status line)."""
        if self.out_of_service or self.serving_error is not None:
            self.switch_to_out_of_service()
        else:
            while len(self.screen_stack) > 1:
                self.pop_screen()

    def switch_to_out_of_service(self) -> None:
        from kiosk.screens.out_of_service import OutOfServiceScreen

        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(OutOfServiceScreen(id="out-of-service"))

    def on_queue_changed(self, _: QueueChanged) -> None:
        self._sync_refresh_queued.clear()
        if self.store is not None:
            summary = self.store.sync_summary()
            self.queue_depth = summary.pending_orders
            self.blocked_orders = summary.blocked_orders
            self.backend_online = summary.online
            self.queue_read += 1

    # --- text -------------------------------------------------------------------------------
    def t(self, text: str) -> str:
        """`text` as the subscriber reads it in the chosen language."""
        return say(text, self.language)

    def watch_language(self) -> None:
        for screen in self.screen_stack:
            screen.refresh(recompose=True)

    def toggle_language(self) -> None:
        self.language = "en" if self.language == "zh" else "zh"

    # --- the subscriber cannot leave --------------------------------------------------------
    async def action_quit(self) -> None:
        """Refused: a subscriber may not leave the kiosk (staff use `exit_by_staff`)."""

    def action_help_quit(self) -> None:
        """Refused, silently: Ctrl+C is not a way out."""

    def action_suspend_process(self) -> None:
        """Refused: Ctrl+Z would leave the kiosk stopped in the background."""

    def open_staff_entry(self) -> None:
        from kiosk.screens.staff import StaffPinScreen, StaffScreen

        def signed_in(account: StaffAccount | None) -> None:
            if account is not None:
                self.push_screen(StaffScreen(account, id="staff"))

        if not any(screen.id in ("staff", "staff-pin") for screen in self.screen_stack):
            self.push_screen(StaffPinScreen(id="staff-pin"), signed_in)

    def exit_by_staff(self) -> None:
        if self.store is not None:
            self.store.audit("staff", "exit")
        self.stop_sync()
        self.exit()

    def on_unmount(self) -> None:
        self.stop_sync()
        if self._backend_client is not None:
            self._backend_client.close()
        if self.demo_backend is not None:
            self.demo_backend.stop()

    # --- the subscriber's journeys ---------------------------------------------------------------
    def catalog(self) -> Catalog:
        """The project catalog, read on first need (the settings name the file)."""
        if self._catalog is None:
            from kiosk.core.domain.catalog import load_catalog

            assert self.settings is not None
            self._catalog = load_catalog(self.settings.catalog_path)
        return self._catalog

    def start_business(self, business: Business) -> None:
        """Walk a business from sign-in to receipt."""
        from kiosk.services.journey import Journey
        from kiosk.ui.journey_runner import walk

        self._start_subscriber_visit(lambda: walk(self, Journey.begin(business)), business.code.value)

    def start_order_query(self) -> None:
        from kiosk.screens.order_query import query_orders

        self._start_subscriber_visit(lambda: query_orders(self), ORDER_QUERY_VISIT)

    def _start_subscriber_visit(self, visit: Callable[[], Awaitable[object]], counted_as: str) -> None:
        """Run a subscriber's visit from the home screen, then forget them. A second tap while
        one runs does nothing (an exclusive worker would cancel the first, mid-step). The day's
        visits are counted per business for staff (a number, nothing about who)."""
        if not self.visit_underway:
            if self.store is not None:
                self.store.count_visit(counted_as, date.today().isoformat())
            self._visit(visit)

    @property
    def visit_underway(self) -> bool:
        """A subscriber's visit runs (staff may have opened their screen over it)."""
        return any(worker.group == "journey" and worker.is_running for worker in self.workers)

    @work(group="journey", exit_on_error=False, description="subscriber visit")
    async def _visit(self, visit: Callable[[], Awaitable[object]]) -> None:
        while len(self.screen_stack) > 1:  # it starts from home: no guide page left below it
            await self.pop_screen()
        await visit()
        self.wipe_session(quietly=True)

    # --- the backend, for the subscriber's own calls ---------------------------------------------
    def backend_client(self) -> BackendClient:
        """The client for calls a subscriber waits on (sign-in, orders, payment), made on first
        use; call it from a worker. Raises Refused when the kiosk is not enrolled."""
        from kiosk.backend_client.errors import Refused
        from kiosk.backend_client.runtime import open_backend_client
        from kiosk.core.signing import CredentialsError

        with self._backend_client_made:
            if self._backend_client is None:
                if self.settings is None:
                    raise Refused(Text("终端尚未就绪，请稍候"))
                try:
                    self._backend_client = open_backend_client(self.settings, self.where)
                except CredentialsError as error:
                    raise Refused(
                        Text("本终端尚未在服务器注册，请联系大厅工作人员"), code=str(error)
                    ) from None
            return self._backend_client

    def key_slot(self) -> KeySlot:
        """The key slot, its module opened on first use (call it from a worker)."""
        from kiosk.services.key_slot import KeySlot

        with self._key_slot_made:
            if self._key_slot is None:
                assert self.settings is not None
                self._key_slot = KeySlot(
                    self.settings, self.where, fetch_chain=lambda: self.backend_client().ca_chain()
                )
            return self._key_slot

    def demo_sms(self, phone: str) -> str:
        """In the demo only: the last SMS the reference backend 'sent' to `phone`, shown on
        screen because the demo has no phone. Empty outside the demo."""
        if self.demo_backend is None:
            return ""
        return self.demo_backend.last_sms(phone)

    def device_event(self, action: str, **detail: object) -> None:
        """A device event for the audit trail (a camera that failed, a printer that stopped, a
        key read or worked on): technical words and chip numbers only, never personal data."""
        if self.store is None:
            return
        from kiosk.store import StorageFull

        try:
            self.store.audit("device", action, **detail)
        except StorageFull:  # the event is in the log; a full disk must not stop the visit
            self.log.warning("storage full: device event not audited", action=action)

    def stop_sync(self) -> None:
        """The sync finishes the request in hand and stops; what it had not confirmed stays
        queued in the store and goes out with the next start."""
        if self.sync is not None:
            self.sync.stop()

    # --- idle watch ---------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.note_activity()
        await super().on_event(event)

    def note_activity(self) -> None:
        if self.idle is not None:
            self.idle.touch(self.clock())

    @property
    def at_rest(self) -> bool:
        """Home screen (or 暂停服务 over it), nobody's data, default language: nothing for the
        idle wipe to do."""
        from kiosk.screens.out_of_service import OutOfServiceScreen

        default = self.settings.language if self.settings else "zh"
        above_home = self.screen_stack[1:]
        resting = not above_home or (len(above_home) == 1 and isinstance(above_home[0], OutOfServiceScreen))
        return resting and self.session.is_empty and self.language == default

    def follow_service_state(self) -> None:
        """Staff may pause or resume the kiosk from the remote view (another process, the same
        store): when nobody is at the kiosk, show what the store says."""
        from kiosk.screens.out_of_service import OutOfServiceScreen

        if not self.at_rest or self.serving_error is not None:
            return
        shown = isinstance(self.screen, OutOfServiceScreen)
        if self.out_of_service != shown:
            self.show_service_state()

    def tick_idle(self) -> None:
        if self.idle is None or self.serving_error is not None:
            return
        self.follow_service_state()
        if self.at_rest:
            self.idle.touch(self.clock())
            return
        state = self.idle.state(self.clock())
        countdown = self._countdown_screen()
        if state.phase is IdlePhase.EXPIRED:
            self.wipe_session()
        elif state.phase is IdlePhase.COUNTDOWN:
            if countdown is None:
                from kiosk.screens.idle_countdown import IdleCountdownScreen

                self.push_screen(IdleCountdownScreen(state.seconds_left, id="idle-countdown"))
            else:
                countdown.seconds_left = state.seconds_left
        elif countdown is not None:
            countdown.dismiss()

    def _countdown_screen(self) -> IdleCountdownScreen | None:
        from kiosk.screens.idle_countdown import IdleCountdownScreen

        screen = self.screen
        return screen if isinstance(screen, IdleCountdownScreen) else None

    def wipe_session(self, *, quietly: bool = False, audited: bool = True) -> None:
        """Forget the subscriber: their journey, their draft, their screens, their language
        choice. `quietly`: the journey ended by itself (its worker calls this), not by the idle
        watch, so it is not cancelled and the wipe is not audited as one. `audited=False`: the
        caller audits it as what it was (staff ended a stuck session)."""
        if not quietly:
            self.workers.cancel_group(self, "journey")
        self.session.wipe(self.store)
        self.show_service_state()
        if self.settings is not None:
            self.language = self.settings.language
        self.note_activity()
        self.post_message(QueueChanged())
        if self.store is not None and not quietly and audited:
            self.store.audit("kiosk", "session_wiped")


def run(home: str | Path | None = None, *, demo: bool = False) -> None:
    KioskApp(where=locations(home), demo=demo).run()
