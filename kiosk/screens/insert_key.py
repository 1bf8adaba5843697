"""插入证书: the subscriber puts the key in the slot; the kiosk notices it by itself, reads it
(no PIN) and shows the chip number, the certificate's subject and expiry, and what the health
check found: expired or expiring soon (证书更新 is offered), locked (在线解锁), not from this CA,
no certificate. A key pulled out simply takes the page back to "please insert"."""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.worker import get_current_worker

from kiosk.core.domain.businesses import BUSINESSES, Business
from kiosk.core.domain.steps import Step
from kiosk.core.i18n import Text
from kiosk.screens.messages import KeySeen
from kiosk.screens.step import StepScreen
from kiosk.screens.widgets.plain import Button, Static
from kiosk.services.journey import Outcome
from kiosk.services.key_check import KeyCheck, certificate_lines, suggestion_text

INSERT = Text("请将证书盘插入读卡口")
READING = Text("正在读取证书盘，请勿拔出…")
SEVERAL = Text("读卡口有多个证书盘，请只保留要办理的一个")
KeyAnswer = tuple[Outcome, KeyCheck | None, str | None]


class InsertKeyScreen(StepScreen[KeyAnswer]):
    AUTO_FOCUS = "#next"
    NEXT_LABEL = Text("使用此证书盘")
    DEFAULT_CSS: ClassVar[str] = """
    #key-body { height: 1fr; padding: 1 3; }
    #key-state { height: auto; text-style: bold; margin-bottom: 1; }
    #key-card { height: auto; padding-left: 2; }
    #key-findings { height: auto; padding-left: 2; margin-top: 1; }
    #key-blocked { height: auto; margin-top: 1; color: $warning; text-style: bold; }
    """

    def __init__(self, heading: Text, business: Business, *, id: str | None = "insert-key") -> None:
        super().__init__(heading, id=id)
        self.business = business
        self.state: Text = INSERT
        self.check: KeyCheck | None = None
        self._stop = threading.Event()

    def body(self) -> ComposeResult:
        with Vertical(id="key-body"):
            yield Static(self.t(self.state), id="key-state")
            yield Static("", id="key-card")
            yield Static("", id="key-findings")
            yield Static("", id="key-blocked")

    def extra_actions(self) -> ComposeResult:
        yield Button("", id="switch", variant="warning")

    def on_mount(self) -> None:
        self._show()
        self._watch()

    def on_unmount(self) -> None:
        self._stop.set()

    # --- the slot, watched from a thread --------------------------------------------------------
    @work(thread=True, exclusive=True, group="key-slot", exit_on_error=False, description="watch key slot")
    def _watch(self) -> None:
        from kiosk.devices.token import TokenError
        from kiosk.devices.token.watcher import SlotWatcher

        worker = get_current_worker()
        slot = self.runtime.key_slot()
        try:
            watcher = SlotWatcher(slot.module())
        except TokenError as error:
            self.post_message(KeySeen(None, 0, error.message))
            return
        while not worker.is_cancelled and not self._stop.is_set():
            if watcher.poll():  # something came or went
                present = watcher.present
                if len(present) != 1:
                    self.post_message(KeySeen(None, len(present)))
                else:
                    self.post_message(KeySeen(None, 1))  # reading: do not pull it out
                    try:
                        self.post_message(KeySeen(slot.check(present[0].slot_id, self.business), 1))
                    except TokenError as error:
                        self.post_message(KeySeen(None, 1, error.message))
            self._stop.wait(slot.settings.token_poll_s)

    def on_key_seen(self, message: KeySeen) -> None:
        if message.check is not None:
            info = message.check.info
            self.kiosk.device_event("key_read", serial=info.serial, usable=message.check.usable)
        self.check = message.check
        if message.error is not None:
            self.state = message.error
        elif message.count == 0:
            self.state = INSERT
        elif message.count > 1:
            self.state = SEVERAL
        elif message.check is None:
            self.state = READING
        else:
            self.state = Text("已读取证书盘，请核对")
        self._show()

    def _show(self) -> None:
        check = self.check
        self.query_one("#key-state", Static).update(self.t(self.state))
        lines = certificate_lines(check.info.serial, check.info.current) if check else []
        card = "\n".join(self.t(line) for line in lines)
        self.query_one("#key-card", Static).update(card)
        findings = "\n".join("· " + self.t(line) for line in check.findings) if check else ""
        self.query_one("#key-findings", Static).update(findings)
        blocked = self.t(check.blocked) if check and check.blocked else ""
        self.query_one("#key-blocked", Static).update(blocked)
        switch = self.query_one("#switch", Button)
        target = check.suggested if check else None
        offer = suggestion_text(check) if check and _can_switch_to(target) else None
        switch.display = offer is not None
        if offer is not None:
            switch.label = self.t(offer)
        next_button = self.query_one("#next", Button)
        next_button.disabled = check is None or not check.usable
        # What Enter does follows the key: use it, or switch to the business that suits it.
        # (A disabled button hands the focus on, so after a pulled key it would sit on 返回首页.)
        if check is not None and check.usable:
            next_button.focus()
        elif check is not None and offer is not None:
            switch.focus()

    # --- answers ---------------------------------------------------------------------------------
    def go(self, outcome: Outcome) -> None:
        if outcome is Outcome.NEXT and (self.check is None or not self.check.usable):
            return
        self._stop.set()
        self.dismiss((outcome, self.check, None))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "switch" and self.check is not None and _can_switch_to(self.check.suggested):
            event.stop()
            self._stop.set()
            self.dismiss((Outcome.AGAIN, self.check, self.check.suggested))
            return
        super().on_button_pressed(event)


def _can_switch_to(code: str | None) -> bool:
    """Only to a business that also starts from the key (the journey keeps its place)."""
    return code is not None and Step.INSERT_TOKEN in BUSINESSES[code].steps
