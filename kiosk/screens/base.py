"""What every kiosk screen shares: the app as screens see it (the Kiosk protocol, which
kiosk/ui/app.py fulfils: screens never import the app), the kiosk's parts for a visit's
screens, text in the chosen language, navigation that a double tap cannot repeat, and the
screen's share of the error net: a worker that fails is never left saying "正在查询…"."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from textual import events
from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from kiosk.config.locations import Locations
    from kiosk.config.settings import KioskSettings
    from kiosk.core.domain.businesses import Business
    from kiosk.core.i18n import Language, Text
    from kiosk.services.runtime import KioskRuntime
    from kiosk.services.session import Session
    from kiosk.services.staff_auth import StaffGate
    from kiosk.store import Store

ResultT = TypeVar("ResultT")


class Kiosk(Protocol):
    """The app as its screens and visits use it, beyond what any Textual app offers."""

    language: Language
    settings: KioskSettings | None
    runtime: KioskRuntime | None  # the kiosk's parts, once open
    session: Session
    where: Locations
    clock: Callable[[], float]
    staff_gate: StaffGate | None
    serving_error: str | None
    remote: bool  # the staff console in a browser
    backend_online: bool | None
    queue_depth: int | None
    blocked_orders: int

    @property
    def store(self) -> Store | None: ...
    @property
    def out_of_service(self) -> bool: ...
    @property
    def visit_underway(self) -> bool: ...

    def t(self, text: str) -> str: ...
    async def push_screen_wait(self, screen: Screen[ResultT]) -> ResultT: ...
    def toggle_language(self) -> None: ...
    def note_activity(self) -> None: ...
    def can_start(self, business: Business) -> bool: ...
    def start_business(self, business: Business) -> None: ...
    def start_order_query(self) -> None: ...
    def open_staff_entry(self) -> None: ...
    def report_failure(self, error: BaseException, *, during: str) -> Text: ...
    def tell_failure(self, error: BaseException, *, during: str) -> None: ...
    def audit(self, actor: str, action: str, **detail: object) -> None: ...
    def device_event(self, action: str, **detail: object) -> None: ...
    def wake_sync(self) -> None: ...
    def set_out_of_service(self, paused: bool) -> None: ...
    def wipe_session(self, *, quietly: bool = False, audited: bool = True) -> None: ...
    def exit_by_staff(self) -> None: ...


class ScreenFailed(Exception):
    """A screen a visit waits on could not go on (one of its workers failed unexpectedly): the
    visit's runner gets this instead of an answer, says so, and shows the step again."""

    def __init__(self, error: BaseException, during: str) -> None:
        super().__init__(during)
        self.error, self.during = error, during


class TappedInOrder(Protocol):
    """A widget whose taps are taken in the order they were made (the on-screen keys)."""

    def tapped(self) -> None: ...


class KioskMixin:
    app: Any
    awaited_by_visit = False  # set when a visit pushed it and waits for its answer

    async def recompose(self) -> None:
        """A language switch composes every screen anew: keep the focus where it was (on the
        widget with the same id), or give it to the screen's usual first control."""
        screen = cast("Screen[Any]", self)
        focused = screen.focused.id if screen.focused is not None else None
        await super().recompose()  # type: ignore[misc]
        again = screen.query(f"#{focused}") if focused else None
        if again:
            again.first().focus()
        elif screen.AUTO_FOCUS:
            for widget in screen.query(screen.AUTO_FOCUS):
                if widget.focusable:
                    widget.focus()
                    break

    def dismiss(self, result: Any = None) -> AwaitComplete:
        """Dismiss once, and only while on top. Textual's dismiss pops whatever screen is on
        top and calls the result callback again: a double tap on 下一步 would otherwise close
        the next step's screen too, or answer a finished step twice."""
        screen = cast("Screen[Any]", self)
        if getattr(self, "_dismissed", False) or screen.app.screen is not screen:
            return AwaitComplete(_nothing())
        self._dismissed = True
        return super().dismiss(result)  # type: ignore[misc, no-any-return]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The error net, for this screen's workers (their failures reach only their screen):
        a screen a visit waits on hands the failure to the visit, which says so and shows the
        step again from what was saved; any other screen says so and stays."""
        worker = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        during = worker.description or worker.name
        if self.awaited_by_visit and self.app.screen is self:
            self.dismiss(ScreenFailed(worker.error, during))
        else:
            self.kiosk.tell_failure(worker.error, during=during)

    @property
    def kiosk(self) -> Kiosk:
        return cast("Kiosk", self.app)

    @property
    def runtime(self) -> KioskRuntime:
        """The kiosk's parts. A visit, and every screen it opens, starts only once they are
        open; a screen that may show before (staff's) asks `kiosk.runtime` instead."""
        runtime = self.kiosk.runtime
        if runtime is None:
            raise RuntimeError("the kiosk's parts are not open yet")
        return runtime

    def t(self, text: str) -> str:
        return self.kiosk.t(text)

    def _forward_event(self, event: events.Event) -> None:
        # The app makes each Click in its own task, in the order the taps came, and hands it to
        # the screen here; Textual would then post it to the widget tapped, each widget a task
        # of its own, and quick taps on two keys came out of order (13800138000 was typed as
        # 13800180300 by Chromium's touch taps). A key's tap is taken here, in order.
        widget = getattr(event, "widget", None)
        if isinstance(event, events.Click) and not event.is_forwarded and hasattr(widget, "tapped"):
            cast(TappedInOrder, widget).tapped()
            return
        super()._forward_event(event)  # type: ignore[misc]

    def open_once(self, screen: Screen[Any], callback: Any = None) -> None:
        """Push `screen` unless a screen with its id is already open (a touch screen
        delivers a double tap as two presses)."""
        if screen.id is not None and any(open_.id == screen.id for open_ in self.app.screen_stack):
            return
        self.app.push_screen(screen, callback)


async def _nothing() -> None:
    return None


class KioskScreen(KioskMixin, Screen[None]):
    pass


class KioskModal(KioskMixin, ModalScreen[ResultT], Generic[ResultT]):
    pass
