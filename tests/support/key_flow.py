"""What the flow tests of the key businesses share (flows II): a backend the kiosk is enrolled
with, keys whose certificates the backend's CA issued (in its register), and the paperwork
and payment every such business goes through."""

from __future__ import annotations

from pathlib import Path

from ca_backend.pki import CertificateAuthority
from kiosk.devices.token.softhsm import SoftHsm
from kiosk.screens.download import DownloadScreen
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.insert_key import InsertKeyScreen
from kiosk.screens.messages import KeyWorkDone, OrderSubmitted, PaymentAnswered
from kiosk.screens.payment import PaymentScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.submit import Delivery, SubmitScreen
from kiosk.store import Store
from support.backend import Hub
from support.flow import (
    AtKiosk,
    fill_form,
    import_each,
    kiosk_at_hall,
    orders_listed,
    picture_stick,
    print_everything,
)
from support.softhsm import SO_PIN, USER_PIN, Slot, subject_for


def key_slot(tmp_path: Path, ca: CertificateAuthority) -> Slot:
    hsm = SoftHsm(tmp_path / "softhsm").ensure()
    return Slot(hsm, hsm.module(), ca)


def registered_key(hub: Hub, tmp_path: Path, serial: str, days: int = 365, slot: Slot | None = None) -> Slot:
    """A key with a certificate from the hub's CA (in its register), its SO PIN in the hub's
    registry; in `slot`, or a new SoftHSM slot under `tmp_path`."""
    slot = slot or key_slot(tmp_path, hub.backend.ca)

    def issue(request_pem: str) -> str:
        return hub.backend.certificates.issue_at_counter(request_pem, subject_for(), days, serial)

    slot.make_key(serial, days=days, issue=issue)
    hub.backend.tokens.register(serial, SO_PIN)
    return slot


def at_hall(where, store: Store, clock, hub: Hub, tmp_path: Path, slot: Slot):
    stick = picture_stick(tmp_path / "stick")
    return kiosk_at_hall(
        where,
        store,
        clock,
        hub.server.base_url,
        camera="",
        stick=stick,
        token_softhsm_conf=slot.hsm.conf,
        token_poll_s=0.05,
    )


async def key_read(at: AtKiosk) -> InsertKeyScreen:
    screen: InsertKeyScreen = await at.on_screen(InsertKeyScreen)
    await at.until(lambda: screen.check is not None)
    await at.pilot.pause()
    return screen


async def enter_info(at: AtKiosk, form: dict[str, dict[str, str]]) -> InfoEntryScreen:
    """The information step, filled in and confirmed."""
    info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
    fill_form(at, form)
    await at.pilot.pause()
    await at.press("#next")
    return info


async def from_review(at: AtKiosk) -> str:
    """From the review to the printed receipt; returns the order's number."""
    await at.on_screen(ReviewScreen)
    await at.press("#next")
    await print_everything(at)
    await import_each(at)
    return await submitted_with_receipt(at)


async def submitted_with_receipt(at: AtKiosk) -> str:
    """确认提交 until the CA has it, then the receipt printed; returns the order's number."""
    submit: SubmitScreen = await at.on_screen(SubmitScreen)
    await at.press("#next")
    await at.messages.wait(OrderSubmitted)
    await at.until(lambda: submit.delivery is Delivery.RECEIVED)
    order_id = submit.order_id
    await at.press("#next")
    receipt = await print_everything(at)
    await at.until(lambda: at.app.screen is not receipt)  # home, or the list the journey began from
    return order_id


async def paperwork(at: AtKiosk, form: dict[str, dict[str, str]]) -> str:
    """From the information step to the printed receipt; returns the order's number."""
    await enter_info(at, form)
    return await from_review(at)


async def pay_in_sandbox(at: AtKiosk, hub: Hub) -> None:
    await at.press("#pay")
    await at.on_screen(PaymentScreen)
    await at.press("#channel-alipay")
    shown = await at.messages.wait(PaymentAnswered, lambda answer: answer.payment is not None)
    assert shown.payment is not None
    hub.backend.payments.sandbox_pay(shown.payment.payment_id)
    await at.messages.wait(
        PaymentAnswered, lambda answer: answer.payment is not None and answer.payment.status == "paid"
    )
    await at.pilot.pause()
    await at.press("#done")
    await orders_listed(at)


async def download_with(at: AtKiosk, pin: str = USER_PIN) -> DownloadScreen:
    await at.press("#download")
    screen: DownloadScreen = await at.on_screen(DownloadScreen)
    await at.type_into("#pin", pin)
    await at.press("#start")
    await at.messages.wait(KeyWorkDone)
    await at.pilot.pause()
    return screen
