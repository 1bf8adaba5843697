"""The kiosk application: full screen, no way out for subscribers, idle wipe, language switch,
and the error net that turns any failure nobody else handled into one plain sentence."""

from __future__ import annotations

import logging
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
from textual.worker import Worker, WorkerFailed, WorkerState

from kiosk.config.locations import Locations, locations
from kiosk.core.i18n import Language, Text, say
from kiosk.screens.home import HomeScreen
from kiosk.screens.messages import QueueChanged, RuntimeFailed, RuntimeReady
from kiosk.services.failures import failure_sentence
from kiosk.services.idle import IdlePhase, IdleWatch
from kiosk.services.session import ORDER_QUERY_VISIT, Session
from kiosk.ui.memory import limit_malloc_arenas

if TYPE_CHECKING:
    from kiosk.config.settings import KioskSettings
    from kiosk.core.domain.businesses import Business
    from kiosk.core.staff_pins import StaffAccount
    from kiosk.screens.base import Kiosk
    from kiosk.screens.idle_countdown import IdleCountdownScreen
    from kiosk.services.runtime import DemoStarter, KioskRuntime
    from kiosk.services.staff_auth import StaffGate
    from kiosk.store import StorageFull, Store

IDLE_CHECK_INTERVAL = 0.5
SYNC_RESTART_S = 5.0  # after the sync failed unexpectedly, it starts again this much later
log = logging.getLogger(__name__)


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
        demo: DemoStarter | None = None,
    ) -> None:
        """`settings` and `store`: given instead of read from `where` (tests, the console).
        `demo`: starts the demo's own backend (`kiosk demo`)."""
        # Never let the terminal turn Ctrl+C / Ctrl+Z into signals that stop the kiosk.
        os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)
        limit_malloc_arenas()  # before the workers start: kiosk/ui/memory.py says why
        super().__init__()
        self.where = where or locations()
        self.settings = settings
        self._given_store = store
        self._start_demo = demo
        self.runtime: KioskRuntime | None = None
        self.clock = clock
        self.wall_clock = wall_clock  # what must outlast a restart (the staff lockout)
        self.session = Session()
        self.idle: IdleWatch | None = None
        self.staff_gate: StaffGate | None = None
        self.serving_error: str | None = None
        self._sync_refresh_queued = threading.Event()
        self._sync_stopped = threading.Event()  # the app is ending: no sync may start or go on

    @property
    def store(self) -> Store | None:
        """The kiosk's store once it is open (None while starting, or when it cannot be)."""
        return self.runtime.store if self.runtime is not None else None

    @property
    def demo(self) -> bool:
        return self._start_demo is not None

    # --- start-up: paint first, then load what is heavy ---------------------------------------
    def get_default_screen(self) -> Screen[None]:
        return HomeScreen(id="home")

    def on_load(self) -> None:
        import asyncio

        from kiosk.ui import worker_threads

        worker_threads.install(asyncio.get_running_loop())

    def on_ready(self) -> None:
        self._open_runtime()

    @work(thread=True, exclusive=True, group="startup", exit_on_error=False, description="start-up")
    def _open_runtime(self) -> None:
        from kiosk.services.runtime import CannotServe, open_runtime

        try:
            runtime = open_runtime(
                self.where, settings=self.settings, store=self._given_store, start_demo=self._start_demo
            )
        except CannotServe as error:
            self.post_message(RuntimeFailed(error.reason, error.settings))
            return
        self.post_message(RuntimeReady(runtime))

    def on_runtime_ready(self, message: RuntimeReady) -> None:
        from kiosk.services.staff_auth import StaffGate, StoredLockout

        runtime = self.runtime = message.runtime
        self.settings = settings = runtime.settings
        self.staff_gate = StaffGate(
            settings.staff_pin_hash,
            accounts=runtime.store.staff.accounts,
            lockout=StoredLockout(runtime.store.state),
            clock=self.wall_clock,
        )
        self.language = settings.language
        self.idle = IdleWatch(settings.idle_timeout_s, settings.idle_countdown_s, self.clock())
        self.set_interval(IDLE_CHECK_INTERVAL, self.tick_idle, name="idle-watch")
        self.settings_version += 1
        self.post_message(QueueChanged())
        self.audit("kiosk", "started", kiosk_id=settings.kiosk_id, remote=self.remote)
        self._run_sync()
        if self.out_of_service:  # staff paused it before the restart
            self.switch_to_out_of_service()

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

    # --- the outbox sync ----------------------------------------------------------------------
    def _run_sync(self) -> None:
        if self.runtime is not None and not self._sync_stopped.is_set():
            self._sync_until_stopped(self.runtime)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False, description="outbox sync")
    def _sync_until_stopped(self, runtime: KioskRuntime) -> None:
        """Send the outbox for as long as the app runs (kiosk/backend_client/sync.py). A kiosk
        not enrolled with a backend keeps its queue and says 未连接后台."""
        from kiosk.backend_client.runtime import build_sync_engine
        from kiosk.core.signing import CredentialsError

        try:
            engine = build_sync_engine(
                runtime.settings, runtime.where, runtime.store, on_progress=self._sync_progressed
            )
        except CredentialsError as error:
            self.log.warning("no sync: the kiosk is not enrolled", reason=str(error))
            return
        runtime.sync = engine
        if self._sync_stopped.is_set():  # the app was told to end while the engine was built
            engine.stop()  # (stop_sync sets the flag, then looks for runtime.sync: one of them sees)
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
        if self.runtime is not None and self.runtime.sync is not None:
            self.runtime.sync.wake()

    def stop_sync(self) -> None:
        """The sync finishes the request in hand and stops; what it had not confirmed stays
        queued in the store and goes out with the next start. A sync still being built when the
        app is told to end (a page reload right after the start, `kiosk serve-screen`) stops as
        soon as it is: it would otherwise keep the ended app's process alive."""
        self._sync_stopped.set()
        if self.runtime is not None and self.runtime.sync is not None:
            self.runtime.sync.stop()

    def on_queue_changed(self, _: QueueChanged) -> None:
        self._sync_refresh_queued.clear()
        if self.store is not None:
            summary = self.store.outbox.summary()
            self.queue_depth = summary.pending_orders
            self.blocked_orders = summary.blocked_orders
            self.backend_online = summary.online
            self.queue_read += 1

    # --- the error net --------------------------------------------------------------------------
    def report_failure(self, error: BaseException, *, during: str) -> Text:
        """Any failure nobody else handled: logged with its traceback, audited (what failed and
        its kind, never its message, which may quote what a subscriber typed), and said in one
        plain sentence, which the caller shows. Never raises: a full disk is one such failure."""
        log.error("failed during %s", during, exc_info=error)
        self.log.error("failed", during=during, error=repr(error))
        self.audit("kiosk", "failure", during=during, error=type(error).__name__)
        return failure_sentence(error)

    def tell_failure(self, error: BaseException, *, during: str) -> None:
        """report_failure, and the sentence on the glass over whatever is showing (a dashboard's
        check, a screen outside a visit: nothing there to take back)."""
        from kiosk.screens.failure import FailureScreen

        sentence = self.report_failure(error, during=during)
        if self.is_running:
            self.push_screen(FailureScreen(sentence, offer_retry=False, id="failure"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers. A screen's workers are its own (kiosk/screens/base.py)."""
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        during = worker.description or worker.name
        if worker.group == "sync":  # the subscriber need not know: the queue waits, staff see it
            self.report_failure(worker.error, during=during)
            self.set_timer(SYNC_RESTART_S, self._run_sync)
        elif worker.group == "startup":
            self.report_failure(worker.error, during=during)
            self.post_message(RuntimeFailed(f"{type(worker.error).__name__}: {worker.error}", self.settings))
        else:  # a visit that failed outside its steps: the subscriber is told, and starts again
            self.tell_failure(worker.error, during=during)
            self.wipe_session(quietly=True)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's one hook for an exception that no handler caught: it ends the app, and the
        screen whose handler raised it takes no more messages. A full disk is no reason to end
        a kiosk: that screen is closed (a visit's step then comes back, its draft kept), the
        failure is said, and the app goes on. Anything else still ends the app, and systemd
        starts it again (deploy/systemd/kiosk.service)."""
        from textual._context import active_message_pump  # which screen's handler raised it

        from kiosk.store import StorageFull

        cause = error.error if isinstance(error, WorkerFailed) else error
        failed = active_message_pump.get(None)
        if isinstance(cause, StorageFull) and isinstance(failed, Screen) and failed in self.screen_stack[1:]:
            self.call_later(self._close_failed_screen, failed, cause)
            return
        super()._handle_exception(error)

    def _close_failed_screen(self, screen: Screen[object], error: StorageFull) -> None:
        from kiosk.screens.base import KioskMixin, ScreenFailed

        if isinstance(screen, KioskMixin) and screen.awaited_by_visit and self.screen is screen:
            screen.dismiss(ScreenFailed(error, f"{type(screen).__name__} handler"))
            return
        while screen in self.screen_stack[1:]:  # it and whatever it opened
            self.pop_screen()
        self.tell_failure(error, during=f"{type(screen).__name__} handler")

    def audit(self, actor: str, action: str, **detail: object) -> None:
        """An entry in the audit trail, when the store can take it: a full disk, or no store yet,
        must not stop what is being audited (it is in the log either way)."""
        from kiosk.store import StorageFull

        if self.store is None:
            return
        try:
            self.store.audit_trail.append(actor, action, **detail)
        except StorageFull:
            log.warning("storage full: %s %s not audited", actor, action)

    def device_event(self, action: str, **detail: object) -> None:
        """A device event for the audit trail (a camera that failed, a printer that stopped, a
        key read or worked on): technical words and chip numbers only, never personal data."""
        self.audit("device", action, **detail)

    # --- in service, or not -------------------------------------------------------------------
    @property
    def out_of_service(self) -> bool:
        """Staff took the kiosk out of service (kept in the store: a restart keeps it so)."""
        return self.store is not None and self.store.state.get("out_of_service") == "1"

    def set_out_of_service(self, paused: bool) -> None:
        """Staff pause the kiosk (subscribers see 暂停服务) or put it back in service."""
        from kiosk.store import StorageFull

        if self.store is None:
            return
        try:
            self.store.state.set(out_of_service="1" if paused else "0")
        except StorageFull as error:
            self.tell_failure(error, during="out of service" if paused else "back in service")
            return
        self.audit("staff", "out_of_service" if paused else "back_in_service")
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
        self.audit("staff", "exit")
        self.stop_sync()
        self.exit()

    def on_unmount(self) -> None:
        self.stop_sync()
        if self.runtime is not None:
            self.runtime.close()

    # --- the subscriber's visits ------------------------------------------------------------------
    def can_start(self, business: Business) -> bool:
        from kiosk.ui.journey_runner import can_start

        return can_start(business)

    def start_business(self, business: Business) -> None:
        """Walk a business from sign-in to receipt."""
        from kiosk.services.journey import Journey
        from kiosk.ui.journey_runner import Visit, walk

        self._start_subscriber_visit(
            lambda runtime: walk(Visit(self.kiosk, runtime), Journey.begin(business)), business.code
        )

    def start_order_query(self) -> None:
        from kiosk.ui.journey_runner import Visit
        from kiosk.ui.order_query import query_orders

        self._start_subscriber_visit(
            lambda runtime: query_orders(Visit(self.kiosk, runtime)), ORDER_QUERY_VISIT
        )

    @property
    def kiosk(self) -> Kiosk:
        """This app as its screens and visits see it (kiosk/screens/base.py): typed so, mypy
        checks here that the app is all they expect of it."""
        return self

    def _start_subscriber_visit(
        self, visit: Callable[[KioskRuntime], Awaitable[object]], counted_as: str
    ) -> None:
        """Run a subscriber's visit from the home screen, then forget them. A second tap while
        one runs does nothing (an exclusive worker would cancel the first, mid-step); nothing
        starts before the kiosk's parts are open. The day's visits are counted per business for
        staff (a number, nothing about who; best effort, like the audit)."""
        from kiosk.store import StorageFull

        runtime = self.runtime
        if runtime is None or self.visit_underway:
            return
        try:
            runtime.store.visits.count(counted_as, date.today().isoformat())
        except StorageFull:
            log.warning("storage full: visit not counted")
        self._visit(lambda: visit(runtime))

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
        if not quietly and audited:
            self.audit("kiosk", "session_wiped")


def run(home: str | Path | None = None, *, demo: DemoStarter | None = None) -> int:
    """Run the kiosk; its exit status: 0 when staff left it (or it was told to quit), 1 when it
    failed (Textual's status for an exception nobody handled), so systemd and `kiosk serve-screen`
    tell the two apart."""
    app = KioskApp(where=locations(home), demo=demo)
    app.run()
    return app.return_code or 0
