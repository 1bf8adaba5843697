"""下载证书 (renewal and change, after approval): the subscriber's PIN opens the key, a new key
pair and its request are made on it, the backend issues the certificate, and it is installed and
checked before the old pair goes (kiosk/devices/token/renewal.py). The new subject, validity
and chip number are then shown for the subscriber to confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.widgets import Input

from kiosk.core.domain.keyboards import Keyboard
from kiosk.core.i18n import Text
from kiosk.screens.key_work import KeyWorkScreen
from kiosk.screens.widgets.keyboard import KeyedInput
from kiosk.screens.widgets.plain import Static

if TYPE_CHECKING:
    from kiosk.devices.token.module import Pkcs11Module
    from kiosk.devices.token.renewal import RenewalResult


class DownloadScreen(KeyWorkScreen):
    AUTO_FOCUS = "#pin"
    START_LABEL: ClassVar[Text] = Text("下载证书")

    def opening(self) -> Text:
        return Text("请插入芯片号为{serial}的证书盘，输入证书盘PIN码后点击“下载证书”", serial=self.serial)

    def fields(self) -> ComposeResult:
        yield Static(self.t(Text("证书盘PIN码")), classes="field-label")
        yield KeyedInput(keyboard=Keyboard.KEY_PIN, max_length=16, id="pin")

    def start(self) -> None:
        pin = self.query_one("#pin", Input).value
        if not pin:
            self.say(Text("请输入证书盘PIN码"), "failed")
            return
        self.run_on_key(lambda module, slot_id: self._renew(module, slot_id, pin))

    def _renew(self, module: Pkcs11Module, slot_id: int, pin: str) -> RenewalResult:
        """In the worker's thread: one login covers the renewal; the request goes to the
        backend from inside it (a repeat after a pulled key gets the same certificate)."""
        from kiosk.core.contract import CertificateRequest
        from kiosk.devices.token.renewal import renew_certificate
        from kiosk.devices.token.runtime import key_kind

        client, settings = self.runtime.backend_client(), self.runtime.settings

        def issue(csr_pem: str) -> str:
            request = CertificateRequest(csr_pem=csr_pem, token_serial=self.serial)
            return client.download_certificate(
                self.entry.order_id, request, self.session_token
            ).certificate_pem

        return renew_certificate(module, slot_id, pin, issue, kind=key_kind(settings))

    def finished(self, result: object) -> None:
        from kiosk.devices.token.renewal import RenewalResult
        from kiosk.services.key_check import certificate_lines

        assert isinstance(result, RenewalResult)
        self.query_one("#pin", Input).value = ""  # the PIN lives no longer than it must
        self.query_one("#pin", Input).disabled = True
        self.say(Text("新证书已安装到证书盘，请核对以下信息"), "done")
        new = result.certificate
        lines = [*certificate_lines(self.serial, new), Text("证书序列号：{serial}", serial=new.serial_hex)]
        self.query_one("#key-work-result", Static).update("\n".join(self.t(line) for line in lines))
