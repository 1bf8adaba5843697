"""登录: the subscriber's mobile number and an SMS code (the first sign-in registers them).
Offline, or when SMS cannot be sent, hall staff confirm the subscriber in person with their
staff PIN instead; the screen says which applies, in plain words.

The backend calls run in thread workers and report with messages. Dismisses with a SignedIn,
or None when the subscriber goes back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input

from kiosk.core.domain.keyboards import Keyboard
from kiosk.core.domain.validators import validate_mobile
from kiosk.core.i18n import Bilingual, Text
from kiosk.screens.base import KioskMixin
from kiosk.screens.messages import SignInAnswered, SmsCodeAnswered
from kiosk.screens.widgets.keyboard import KeyedInput, OnScreenKeyboard
from kiosk.screens.widgets.plain import Button, Static
from kiosk.screens.widgets.status_line import StatusLine
from kiosk.services.journey import SignedIn

if TYPE_CHECKING:
    from kiosk.core.staff_pins import StaffAccount

STAFF_CONFIRMS = Text(
    "网络不通，无法发送短信验证码：请大厅工作人员当面核验身份证件，点击“工作人员核验”并输入工作人员PIN"
)
CODE_SENT = Text("验证码已发送至{phone}，{minutes}分钟内有效")
ASK_CODE = Text("请输入6位短信验证码")
FIRST_TIME = Text("首次登录即自动注册。验证码将发送到您的手机")
KIOSK_STAFF_ID = "hall-staff"  # confirmed with the kiosk's own maintenance PIN (no staff ID)


class SignInScreen(KioskMixin, Screen[SignedIn | None]):
    AUTO_FOCUS = "#phone"
    DEFAULT_CSS: ClassVar[str] = """
    #sign-in-body { height: 1fr; padding: 1 3; }
    #sign-in-body Input { width: 40; }
    .field-row { height: auto; margin-top: 1; }
    .field-row Button { margin-left: 2; min-width: 20; }
    .field-message { height: auto; padding-left: 1; }
    .field-message.error { color: $error; }
    #sign-in-note { height: auto; margin-top: 1; }
    #sign-in-note.offline { color: $warning; text-style: bold; }
    #demo-sms { height: auto; margin-top: 1; color: $accent; }
    """

    def __init__(self, title: Text, *, id: str | None = "sign-in") -> None:
        super().__init__(id=id)
        self.heading = title
        self.phone_message: Text | None = None
        self.code_message: Text | None = None
        self.note: Text = FIRST_TIME
        self.offline = False
        self.code_sent_to = ""  # the number the current code went to
        self.resend_at = 0.0  # the app clock's time when 获取验证码 may be pressed again
        self.busy = False
        self.demo_sms = ""
        self.typed: dict[str, str] = {"phone": "", "code": ""}  # kept across a language switch

    # --- layout ---------------------------------------------------------------------------------
    def _field(
        self, title: Text, field: str, keyboard: Keyboard, placeholder: str, button: Button
    ) -> ComposeResult:
        """A field with its button beside it and its message under it."""
        yield Static(self.t(title), classes="section")
        with Horizontal(classes="field-row"):
            yield KeyedInput(self.typed[field], keyboard=keyboard, placeholder=placeholder, id=field)
            yield button
        yield Static("", id=f"{field}-message", classes="field-message error")

    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="masthead"):
            yield Static(t(Text("登录 · {business}", business=self.heading)), id="title")
        with Vertical(id="sign-in-body"):
            send = Button(t(Text("获取验证码")), id="send-code", variant="primary")
            yield from self._field(Text("手机号码"), "phone", Keyboard.MOBILE, "1xxxxxxxxxx", send)
            sign_in = Button(t(Text("登录")), id="sign-in-button", variant="success")
            yield from self._field(Text("短信验证码"), "code", Keyboard.SMS_CODE, "000000", sign_in)
            yield Static("", id="sign-in-note")
            yield Static("", id="demo-sms")
        yield OnScreenKeyboard()
        with Horizontal(id="actions"):
            yield Button(t(Text("工作人员核验")), id="staff-confirm", variant="warning")
            yield Button(t(Text("返回")), id="back")
        yield StatusLine(id="status-line")

    def on_mount(self) -> None:
        self._refresh_widgets()
        self.set_interval(1, self._refresh_resend)

    async def recompose(self) -> None:
        await super().recompose()
        self._refresh_widgets()

    def _refresh_widgets(self) -> None:
        self.query_one("#phone-message", Static).update(self.t(self.phone_message or ""))
        self.query_one("#code-message", Static).update(self.t(self.code_message or ""))
        note = self.query_one("#sign-in-note", Static)
        note.update(self.t(self.note))
        note.set_class(self.offline, "offline")
        self.query_one("#staff-confirm", Button).display = self.offline
        self.query_one("#demo-sms", Static).update(self.demo_sms)
        self.query_one("#sign-in-button", Button).disabled = self.busy
        self._refresh_resend()

    def _refresh_resend(self) -> None:
        found = self.query("#send-code")
        if not found:  # the screen is being taken down
            return
        button = found.only_one(Button)
        wait = max(0, round(self.resend_at - self.kiosk.clock()))
        button.disabled = self.busy or wait > 0
        label = Text("重新获取（{seconds}秒）", seconds=wait) if wait else Text("获取验证码")
        button.label = self.t(label)

    # --- checks -----------------------------------------------------------------------------------
    def _phone(self) -> str | None:
        """The number typed, or None with the reason shown under it."""
        phone = self.query_one("#phone", Input).value.strip()
        self.phone_message = validate_mobile(phone)
        self._refresh_widgets()
        if self.phone_message is not None:
            self.query_one("#phone", Input).focus()
            return None
        return phone

    # --- buttons ----------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "send-code":
            self._ask_for_code()
        elif button == "sign-in-button":
            self._sign_in()
        elif button == "staff-confirm":
            self._confirm_by_staff()
        elif button == "back":
            self.dismiss(None)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in self.typed:
            self.typed[event.input.id] = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "phone":
            self._ask_for_code()
        else:
            self._sign_in()

    def _ask_for_code(self) -> None:
        phone = self._phone()
        if phone is None or self.busy or self.resend_at > self.kiosk.clock():
            return
        self.busy = True
        self.note = Text("正在发送验证码…")
        self._refresh_widgets()
        self._send_code(phone)

    def _sign_in(self) -> None:
        phone = self._phone()
        if phone is None or self.busy:
            return
        code = self.query_one("#code", Input).value.strip()
        if phone != self.code_sent_to:
            self.code_message = Text("请先获取验证码")
        elif len(code) != 6:
            self.code_message = ASK_CODE
        else:
            self.code_message = None
        self._refresh_widgets()
        if self.code_message is not None:
            self.query_one("#code", Input).focus()
            return
        self.busy = True
        self._refresh_widgets()
        self._check_code(phone, code)

    def _confirm_by_staff(self) -> None:
        phone = self._phone()
        if phone is None:
            return
        from kiosk.screens.staff import StaffPinScreen

        def confirmed(account: StaffAccount | None) -> None:
            if account is not None:
                self._done_by_staff(phone, account.staff_id or KIOSK_STAFF_ID)

        self.open_once(StaffPinScreen(), confirmed)

    def _done_by_staff(self, phone: str, staff_id: str) -> None:
        """The order says which staff member vouched for the subscriber (the backend records it)."""
        from kiosk.store import Owner

        self.kiosk.audit("staff", "confirmed_subscriber_in_person", staff_id=staff_id)
        self.dismiss(SignedIn(Owner(phone, "staff", staff_id)))

    # --- the backend, in workers --------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False, description="send SMS code")
    def _send_code(self, phone: str) -> None:
        from kiosk.backend_client.errors import BackendError

        try:
            sent = self.runtime.backend_client().send_sms_code(phone)
        except BackendError as error:
            self.post_message(SmsCodeAnswered(phone, None, error))
            return
        self.post_message(SmsCodeAnswered(phone, sent, None))

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False, description="sign in")
    def _check_code(self, phone: str, code: str) -> None:
        from kiosk.backend_client.errors import BackendError

        try:
            session = self.runtime.backend_client().sign_in(phone, code)
        except BackendError as error:
            self.post_message(SignInAnswered(phone, None, error))
            return
        self.post_message(SignInAnswered(phone, session, None))

    def on_sms_code_answered(self, message: SmsCodeAnswered) -> None:
        from kiosk.backend_client.errors import Offline, Refused

        self.busy = False
        error, sent = message.error, message.sent
        if sent is not None:
            self.offline = False
            self.code_sent_to = message.phone
            self.resend_at = self.kiosk.clock() + sent.resend_after_s
            self.note = Text(CODE_SENT, phone=_masked(message.phone), minutes=max(1, sent.expires_in_s // 60))
            self.demo_sms = self.runtime.demo_sms(message.phone)
            self.query_one("#code", Input).focus()
        elif isinstance(error, Offline | Refused):  # no network, or this kiosk is not enrolled
            self.offline = True
            self.note = STAFF_CONFIRMS
            self.app.log.warning("sign-in: no SMS", reason=error.summary())
        elif error is not None:
            self.phone_message = _said(error)
            self.note = FIRST_TIME
        self._refresh_widgets()

    def on_sign_in_answered(self, message: SignInAnswered) -> None:
        from kiosk.backend_client.errors import Offline
        from kiosk.store import Owner

        self.busy = False
        if message.session is not None:
            session = message.session
            self.dismiss(SignedIn(Owner(message.phone, "sms"), session.token, session.phone_masked))
            return
        error = message.error
        if isinstance(error, Offline):
            self.offline = True
            self.note = STAFF_CONFIRMS
        elif error is not None:
            self.code_message = _said(error)
            self.query_one("#code", Input).value = ""
            self.query_one("#code", Input).focus()
        self._refresh_widgets()


def _masked(phone: str) -> str:
    from kiosk.core.domain.forms import Masking
    from kiosk.core.domain.masking import mask

    return mask(phone, Masking.PHONE)


def _said(error: object) -> Text:
    """The backend's sentence: its own message for the field when it names one."""
    from kiosk.backend_client.errors import BackendError

    assert isinstance(error, BackendError)
    for field in ("code", "phone"):
        if field in error.fields:
            return Bilingual(error.fields[field], error.fields_en.get(field, error.message_en))
    return Bilingual(str(error.message), error.message_en)
