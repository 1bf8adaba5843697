"""解锁 (after approval): the subscriber chooses a new PIN twice (checked against the rules
before the key is touched); for a key whose chip serial needs assistance (11…), a hall staff
member first authorises at the kiosk with their ID and PIN, or the screen explains remote
assistance. The backend's grant opens the key as SO, the new PIN is set, the SO PIN rotated, and
the result reported. A report lost on the way is harmless: the next grant offers both SO PINs."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.widgets import Input

from kiosk.core.domain.keyboards import Keyboard
from kiosk.core.domain.token_policy import UnlockRoute
from kiosk.core.i18n import Text
from kiosk.screens.key_work import KeyWorkScreen
from kiosk.screens.widgets.keyboard import KeyedInput, staff_credentials
from kiosk.screens.widgets.plain import Static

if TYPE_CHECKING:
    from kiosk.core.contract import UnlockResult
    from kiosk.devices.token.module import Pkcs11Module
    from kiosk.devices.token.unlock import UnlockOutcome

log = logging.getLogger(__name__)


class UnlockScreen(KeyWorkScreen):
    AUTO_FOCUS = "#pin-new"
    START_LABEL: ClassVar[Text] = Text("解锁")

    def opening(self) -> Text:
        advice = self.runtime.key_slot().policy().unlock_advice(self.serial)
        return Text("请插入证书盘，设置新的PIN码。{advice}", advice=advice.explanation)

    @property
    def route(self) -> UnlockRoute:
        return self.runtime.key_slot().policy().unlock_route(self.serial)

    def fields(self) -> ComposeResult:
        rules = self.runtime.key_slot().policy().user_pin
        hint = Text("新PIN码（{low}至{high}位数字或字母）", low=rules.min_length, high=rules.max_length)
        yield Static(self.t(hint), classes="field-label")
        yield KeyedInput(keyboard=Keyboard.KEY_PIN, max_length=rules.max_length, id="pin-new")
        yield Static(self.t(Text("再次输入新PIN码")), classes="field-label")
        yield KeyedInput(keyboard=Keyboard.KEY_PIN, max_length=rules.max_length, id="pin-again")
        if self.route is UnlockRoute.ASSISTED:
            yield Static(self.t(Text("工作人员授权（工作人员在场时填写）")), classes="field-label")
            yield from staff_credentials(
                self.t(Text("工作人员工号")), self.t(Text("工作人员PIN")), pin_id="staff-pin"
            )
            yield Static(
                self.t(Text("没有工作人员在场时，请拨打客服电话申请远程协助解锁")), classes="field-label"
            )

    def on_mount(self) -> None:
        super().on_mount()
        if self.route is UnlockRoute.UNKNOWN:
            self.query_one("#start").disabled = True

    def start(self) -> None:
        new = self.query_one("#pin-new", Input).value
        again = self.query_one("#pin-again", Input).value
        problem = self.runtime.key_slot().policy().user_pin.check(new, again)
        if problem is not None:
            # Typed again from the start: a PIN is not kept on screen, and the subscriber cannot
            # see which of the two hidden entries was wrong.
            self.say(problem, "failed")
            for field in ("#pin-new", "#pin-again"):
                self.query_one(field, Input).value = ""
            self.query_one("#pin-new", Input).focus()
            return
        staff: tuple[str, str] | None = None
        if self.route is UnlockRoute.ASSISTED:
            staff_id = self.query_one("#staff-id", Input).value.strip()
            staff_pin = self.query_one("#staff-pin", Input).value
            if not staff_id or not staff_pin:
                self.say(Text("该证书盘须由大厅工作人员输入工号和PIN授权后才能解锁"), "failed")
                return
            staff = (staff_id, staff_pin)
        self.run_on_key(lambda module, slot_id: self._unlock(module, slot_id, new, again, staff))

    def _unlock(
        self, module: Pkcs11Module, slot_id: int, new: str, again: str, staff: tuple[str, str] | None
    ) -> UnlockOutcome:
        """In the worker's thread: authorise (assisted keys), get the grant, unlock, report."""
        from kiosk.core.contract import StaffAuthorisation, UnlockResult
        from kiosk.devices.token import TokenError
        from kiosk.devices.token.unlock import unlock_token

        client = self.runtime.backend_client()
        order_id, session = self.entry.order_id, self.session_token
        if staff is not None:
            client.authorise_by_staff(
                order_id, StaffAuthorisation(staff_id=staff[0], staff_pin=staff[1]), session
            )
        grant = client.unlock_grant(order_id, self.serial, session)
        try:
            outcome = unlock_token(
                module,
                slot_id,
                so_pin_candidates=grant.so_pin_candidates,
                next_so_pin=grant.next_so_pin,
                new_user_pin=new,
                confirmation=again,
                rules=self.runtime.key_slot().policy().user_pin,
            )
        except TokenError as error:  # nothing changed on the key: say so, then tell the subscriber
            self._report(
                grant.grant_id, UnlockResult(succeeded=False, so_pin_changed=False, detail=error.detail)
            )
            raise
        if outcome.so_pin_changed is not None:  # unknown (key pulled during the change): no report
            self._report(
                grant.grant_id,
                UnlockResult(
                    succeeded=outcome.succeeded, so_pin_changed=outcome.so_pin_changed, detail=outcome.detail
                ),
            )
        return outcome

    def _report(self, grant_id: str, result: UnlockResult) -> None:
        """Best effort: a report lost here only means the next grant offers both SO PINs."""
        from kiosk.backend_client.errors import BackendError

        try:
            self.runtime.backend_client().unlock_result(grant_id, result, self.session_token)
        except BackendError as error:
            log.warning("unlock result not reported (the next grant covers it): %s", error.code)

    def finished(self, result: object) -> None:
        for field in ("#pin-new", "#pin-again", "#staff-pin"):
            for widget in self.query(field):
                assert isinstance(widget, Input)
                widget.value = ""
                widget.disabled = True
        self.say(Text("解锁成功，请使用新的PIN码"), "done")
        self.query_one("#key-work-result", Static).update(
            self.t(Text("芯片号：{serial}", serial=self.serial))
        )
