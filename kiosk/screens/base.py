"""What every kiosk screen shares: the app typed as KioskApp, text in the chosen language,
and navigation that a double tap cannot repeat."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp


class KioskMixin:
    app: Any

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

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)

    def t(self, text: str) -> str:
        return self.kiosk.t(text)

    def open_once(self, screen: Screen[Any], callback: Any = None) -> None:
        """Push `screen` unless a screen with its id is already open (a touch screen
        delivers a double tap as two presses)."""
        if screen.id is not None and any(open_.id == screen.id for open_ in self.kiosk.screen_stack):
            return
        self.kiosk.push_screen(screen, callback)


async def _nothing() -> None:
    return None


class KioskScreen(KioskMixin, Screen[None]):
    pass


ResultT = TypeVar("ResultT")


class KioskModal(KioskMixin, ModalScreen[ResultT], Generic[ResultT]):
    pass
