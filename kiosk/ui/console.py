"""The staff dashboard on its own, for hall staff watching from a browser on the hall's network:
`kiosk remote` serves it with textual-serve (one process of this app per browser), on the same
kiosk home as the kiosk itself. Nothing is shown before a staff ID and PIN are accepted (the same
accounts and the same lockout as at the kiosk); leaving the dashboard, or the idle timeout,
returns to the sign-in page.

What it does not do, because the kiosk's own process does: send the queue (one sync per store),
open the camera or the key slot (a subscriber may be using them), print, or end the kiosk. It
may pause and resume the kiosk, which follows the store's flag when nobody is at it."""

from __future__ import annotations

from textual.screen import Screen

from kiosk.screens.console_gate import ConsoleGateScreen
from kiosk.screens.messages import RuntimeReady
from kiosk.ui.app import KioskApp


class StaffConsoleApp(KioskApp):
    remote = True

    def get_default_screen(self) -> Screen[None]:
        return ConsoleGateScreen(id="console-gate")

    def on_runtime_ready(self, message: RuntimeReady) -> None:
        super().on_runtime_ready(message)
        self.title = self.t("远程查看")

    def _run_sync(self) -> None:
        """The kiosk's own process sends the queue; two senders on one store would only race."""

    def switch_to_out_of_service(self) -> None:
        """The console shows the flag on the dashboard; it is the kiosk that stops serving."""

    def show_service_state(self) -> None:
        """Nothing to switch here: the dashboard says whether the kiosk is paused."""

    def follow_service_state(self) -> None:
        """Only the kiosk follows the flag."""

    def wipe_session(self, *, quietly: bool = False, audited: bool = True) -> None:
        """Idle at the console, or leaving the dashboard: back to the sign-in page."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.note_activity()


def run_console(home: str | None) -> None:
    from kiosk.config.locations import locations
    from kiosk.config.settings import SettingsError, load_settings, with_demo_backend

    where = locations(home)
    try:
        settings = with_demo_backend(load_settings(where), where)
    except SettingsError:
        settings = None  # the app says what is wrong, as the kiosk does
    StaffConsoleApp(where=where, settings=settings).run()
