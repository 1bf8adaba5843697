"""Every step screen a subscriber meets, pixel for pixel at 120x40, in Chinese and in English
(pytest-textual-snapshot; update with `pytest --snapshot-update` after a deliberate change, and
look at the SVGs before committing).

Each case builds its screen directly from fixed data and pushes it over the home screen, then
waits for what the screen's workers report (a condition on the screen, met by their messages,
never a time). What would change between runs is fixed here:
- the CA backend's answers (the order list, the payment) come from `FixedBackend`, with fixed
  order ids, dates and payment code; the payment screen's countdown reads a fixed `now`;
- the kiosk's home is given relative to the test's folder, so the PDF printer's file shows as
  `kiosk-home/data/print-spool/…` whatever the folder; the USB stick is `stick/` there;
- the camera is a file that does not exist (a fixed message), the key slot an empty SoftHSM;
- the app's clock is the hand-moved FakeClock; Input cursors are steady (no blink);
- the store says the sync last reached the backend (the status line's 在线), and no sync runs
  (the kiosk is not enrolled), so it stays so."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

import cv2
import pytest
from textual.screen import Screen
from textual.widgets import Button, Input

from kiosk.config.locations import Locations
from kiosk.config.settings import KioskSettings
from kiosk.core.contract import CertificateSummary, OrderView, PaymentView, Rejection, Shipment
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode
from kiosk.core.domain.documents import DOCUMENTS, DocumentKind
from kiosk.core.domain.fees import quote
from kiosk.core.domain.samples import SAMPLE_PROJECT_PATH, SAMPLE_UNIT, sample_form
from kiosk.core.domain.status import NEXT_ACTIONS, STATUS_TITLES, OrderStatus
from kiosk.core.domain.steps import Step
from kiosk.core.i18n import Text
from kiosk.devices.camera.synthetic import make_page
from kiosk.devices.forms.render import PrintedForm, forms_to_sign
from kiosk.devices.token.softhsm import SOFTHSM_MODULE
from kiosk.screens.capture import DocumentCaptureScreen
from kiosk.screens.choose import ChooseScreen
from kiosk.screens.download import DownloadScreen
from kiosk.screens.failure import FailureScreen
from kiosk.screens.guides import BusinessGuideScreen
from kiosk.screens.idle_countdown import IdleCountdownScreen
from kiosk.screens.import_picture import ImportPictureScreen
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.insert_key import InsertKeyScreen
from kiosk.screens.orders import OrdersScreen
from kiosk.screens.payment import PaymentScreen
from kiosk.screens.printing import PrintFormsScreen
from kiosk.screens.project import ProjectScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.sign_in import SignInScreen
from kiosk.screens.step import LEAVE_QUESTION, ConfirmScreen
from kiosk.screens.submit import SubmitScreen
from kiosk.screens.unlock import UnlockScreen
from kiosk.services.choices import certificate_choice, order_choice
from kiosk.services.failures import failure_sentence
from kiosk.services.journey import Journey, SignedIn
from kiosk.services.order_list import OrderEntry
from kiosk.services.printouts import order_form
from kiosk.services.runtime import KioskRuntime
from kiosk.store import Owner, Store
from kiosk.ui.app import KioskApp

SIZE = (120, 40)
LANGUAGES = ("zh", "en")
PHONE = "13600000000"
ORDER = "5f0c2d1e-7a3b-4c8d-9e6f-1a2b3c4d5e6f"  # the order a journey builds, here
PAID_ORDER = UUID("8e1d4c2b-3a5f-4e6d-8c7b-9a0f1e2d3c4b")
REJECTED_ORDER = UUID("2b7a9c1d-6e4f-4a3b-b5c8-d7e6f5a4b3c2")
SHIPPED_ORDER = UUID("c4d3e2f1-0a9b-4c8d-a7e6-f5d4c3b2a1f0")
KEY_ORDER = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"  # an approved renewal or unlock, at the slot
SELF_SERVICE_KEY = "5501AB6C95190035"
ASSISTED_KEY = "1103EF8F27301257"
LOST_KEY = "5602AB6C95190099"
NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)  # noon UTC: one date from UTC-11 to UTC+11


def noon(days_ago: int) -> datetime:
    return NOW - timedelta(days=days_ago)


# --- the CA backend's answers, fixed ------------------------------------------------------------------
def order_view(
    order_id: UUID,
    status: OrderStatus,
    *,
    code: BusinessCode = BusinessCode.NEW,
    days_ago: int,
    fee_fen: int = 134000,  # the sample project's three certificates
    rejection: Rejection | None = None,
    shipment: Shipment | None = None,
) -> OrderView:
    title = STATUS_TITLES[status]
    return OrderView(
        order_id=order_id,
        business=code.value,
        status=status,
        status_label=title.say("zh"),
        status_label_en=title.say("en"),
        fee_fen=fee_fen,
        created_at=noon(days_ago),
        updated_at=noon(days_ago),
        submitted_at=noon(days_ago),
        token_serial=None,
        redirect_of=None,
        attachments=[],
        rejection=rejection,
        shipment=shipment,
        certificate_serial=None,
        revoked_at=None,
        payment_id=None,
    )


ORDERS = [
    order_view(
        PAID_ORDER,
        OrderStatus.AWAITING_PAYMENT,
        days_ago=0,
        shipment=Shipment(method="mail", address_masked="重庆市渝北区金开大道****"),
    ),
    order_view(
        REJECTED_ORDER,
        OrderStatus.REJECTED,
        days_ago=4,
        rejection=Rejection(
            reason="经办人身份证复印件不清晰",
            fields={"handler.email": "邮箱无法送达"},
            documents={DocumentKind.HANDLER_ID: "请重新拍摄，四角完整"},
        ),
    ),
    order_view(
        SHIPPED_ORDER,
        OrderStatus.COMPLETED,
        code=BusinessCode.REISSUE,
        days_ago=22,
        fee_fen=8000,
        shipment=Shipment(
            method="mail", carrier="顺丰速运", tracking_number="SF1234567890", shipped_at=noon(20)
        ),
    ),
]
PAYMENT = PaymentView(
    payment_id="pay-snapshot-0001",
    order_id=PAID_ORDER,
    amount_fen=134000,
    channel="wechat",
    code_url="weixin://wxpay/bizpayurl?pr=SnapShot01",
    status="pending",
    expires_at=NOW + timedelta(minutes=15),
    paid_at=None,
)


class FixedBackend:
    """The calls the screens here make of the backend client, answered with the data above."""

    def list_orders(self, session: str | None = None) -> list[OrderView]:
        return ORDERS

    def create_payment(self, order_id: object, channel: str, session: str | None = None) -> PaymentView:
        return PAYMENT

    def get_payment(self, payment_id: str, session: str | None = None) -> PaymentView:
        return PAYMENT


# --- what a case builds with ----------------------------------------------------------------------------
class HandClock(Protocol):
    def __call__(self) -> float: ...
    def advance(self, seconds: float) -> None: ...


@dataclass(frozen=True)
class Scene:
    app: KioskApp
    runtime: KioskRuntime
    clock: HandClock

    @property
    def store(self) -> Store:
        return self.runtime.store


@dataclass(frozen=True)
class Case:
    build: Callable[[Scene], Sequence[Screen[Any]]]  # pushed in order, the last one on top
    ready: Callable[[Scene], bool] = lambda _: True  # what the screens' workers report has arrived
    then: Callable[[Scene], None] | None = None  # once pushed: what the subscriber does
    # The key slot's module opened first (SoftHSM, empty): the page's watcher then finds no key
    # and reports nothing, so the page stays as composed.
    key_slot: bool = False


def heading(code: BusinessCode, step: Step) -> Text:
    business = BUSINESSES[code]
    return Journey(business, business.steps, position=business.steps.index(step)).heading()


def documents(scene: Scene, code: BusinessCode = BusinessCode.NEW) -> tuple[DocumentKind, ...]:
    return scene.runtime.catalog().documents_for(code, BUSINESSES[code].documents)


def page_jpeg() -> bytes:
    ok, data = cv2.imencode(".jpg", make_page(840))
    assert ok
    return data.tobytes()


def draft(scene: Scene, *, captured: int = 0) -> str:
    """The sample 证书新办 order, signed in, with its first `captured` documents taken."""
    catalog = scene.runtime.catalog()
    selection = catalog.default_selection(SAMPLE_PROJECT_PATH)
    fee = quote(BUSINESSES[BusinessCode.NEW], catalog, selection.certificate_types).total_fen
    scene.store.orders.create(
        BusinessCode.NEW, form=sample_form(BusinessCode.NEW), project=selection, fee_fen=fee, order_id=ORDER
    )
    scene.store.orders.set_owner(ORDER, Owner(PHONE, "sms"))
    picture = page_jpeg()
    for kind in documents(scene)[:captured]:
        scene.store.attachments.add(ORDER, kind, picture, "image/jpeg")
    return ORDER


def signed_in() -> SignedIn:
    return SignedIn(Owner(PHONE, "sms"), "session-snapshot", "136****0000")


def key_order(code: BusinessCode, status: OrderStatus, serial: str) -> OrderEntry:
    return OrderEntry(KEY_ORDER, code.value, status, 0, noon(1).isoformat(), token_serial=serial)


# --- the cases: one small builder a screen ---------------------------------------------------------------
def guide(scene: Scene) -> list[Screen[Any]]:
    return [BusinessGuideScreen(BUSINESSES[BusinessCode.NEW])]


def sign_in(scene: Scene) -> list[Screen[Any]]:
    return [SignInScreen(BUSINESSES[BusinessCode.NEW].title)]


def project(scene: Scene) -> list[Screen[Any]]:
    catalog = scene.runtime.catalog()
    selection = catalog.default_selection(SAMPLE_PROJECT_PATH)
    new = BUSINESSES[BusinessCode.NEW]
    return [ProjectScreen(heading(BusinessCode.NEW, Step.SELECT_PROJECT), new, catalog, selection)]


def info(scene: Scene) -> list[Screen[Any]]:
    new = BUSINESSES[BusinessCode.NEW]
    form = sample_form(BusinessCode.NEW)
    return [InfoEntryScreen(heading(BusinessCode.NEW, Step.ENTER_INFO), new.sections, form)]


def review(scene: Scene) -> list[Screen[Any]]:
    order = scene.store.orders.get(draft(scene))
    return [
        ReviewScreen(
            heading(BusinessCode.NEW, Step.REVIEW),
            BUSINESSES[BusinessCode.NEW],
            scene.runtime.catalog(),
            order.form,
            order.project,
            order.fee_fen,
            documents(scene),
        )
    ]


def print_forms(scene: Scene) -> list[Screen[Any]]:
    order_id = draft(scene)
    forms = [
        order_form(scene.runtime, order_id, form, scene.app.language)
        for form in forms_to_sign(BUSINESSES[BusinessCode.NEW])
    ]
    return [PrintFormsScreen(forms, title=heading(BusinessCode.NEW, Step.PRINT_FORMS))]


def all_printed(scene: Scene) -> bool:
    screen = scene.app.screen
    return isinstance(screen, PrintFormsScreen) and len(screen.printed) == len(screen.forms)


def capture(scene: Scene) -> list[Screen[Any]]:
    order_id = draft(scene, captured=1)
    title = heading(BusinessCode.NEW, Step.CAPTURE_DOCUMENTS)
    return [DocumentCaptureScreen(documents(scene), order_id=order_id, title=title)]


def camera_said(scene: Scene) -> bool:
    """The camera's worker has restored the page taken earlier and found no camera."""
    found = [screen for screen in scene.app.screen_stack if isinstance(screen, DocumentCaptureScreen)]
    return bool(found) and found[0].camera_failed and len(found[0].thumbnails) == 1


def import_picture(scene: Scene) -> list[Screen[Any]]:
    stick = Path("stick")  # relative to the test's folder: the listing names it so
    (stick / "scans").mkdir(parents=True)
    for number, name in enumerate(("scans/licence.jpg", "seal.png", "notes.txt")):
        path = stick / name
        path.write_bytes(bytes(1024 * (number + 2)))
        os.utime(path, (NOW.timestamp() - number * 60,) * 2)  # the newest first, always in this order
    wanted = DOCUMENTS[documents(scene)[1]].title  # the capture screen's current document
    return [*capture(scene), ImportPictureScreen([stick], wanted, id="import-picture")]


def pictures_listed(scene: Scene) -> bool:
    screen = scene.app.screen
    return camera_said(scene) and isinstance(screen, ImportPictureScreen) and bool(screen.files)


def submit(scene: Scene) -> list[Screen[Any]]:
    order_id = draft(scene, captured=len(documents(scene)))
    new = BUSINESSES[BusinessCode.NEW]
    return [SubmitScreen(heading(BusinessCode.NEW, Step.SUBMIT), new, order_id, documents(scene))]


def receipt(scene: Scene) -> list[Screen[Any]]:
    order_id = draft(scene, captured=len(documents(scene)))
    scene.store.orders.submit(order_id)
    scene.app.wake_sync()  # as the submit screen does: the status line counts it
    form = order_form(scene.runtime, order_id, PrintedForm.RECEIPT, scene.app.language)
    return [PrintFormsScreen([form], title=heading(BusinessCode.NEW, Step.RECEIPT), id="print-receipt")]


def receipt_printed(scene: Scene) -> bool:
    return all_printed(scene) and scene.app.queue_depth == 1


def orders(scene: Scene) -> list[Screen[Any]]:
    return [OrdersScreen(signed_in())]


def orders_listed(scene: Scene) -> bool:
    screen = scene.app.screen
    return isinstance(screen, OrdersScreen) and screen.loaded


def payment(scene: Scene) -> list[Screen[Any]]:
    new = BUSINESSES[BusinessCode.NEW]
    return [
        PaymentScreen(
            Text("{business} · 付款", business=new.title),
            str(PAID_ORDER),
            PAYMENT.amount_fen,
            "session-snapshot",
            after=NEXT_ACTIONS[new.fulfilled_as],
            now=lambda: NOW,
        )
    ]


def choose_wechat(scene: Scene) -> None:
    button = scene.app.screen.query_one("#channel-wechat", Button)
    button.post_message(Button.Pressed(button))  # a tap, without the pressed look's timer


def qr_shown(scene: Scene) -> bool:
    screen = scene.app.screen
    return isinstance(screen, PaymentScreen) and screen.payment is not None and not screen.busy


def insert_key(scene: Scene) -> list[Screen[Any]]:
    renewal = BUSINESSES[BusinessCode.RENEWAL]
    return [InsertKeyScreen(heading(BusinessCode.RENEWAL, Step.INSERT_TOKEN), renewal)]


def download(scene: Scene) -> list[Screen[Any]]:
    entry = key_order(BusinessCode.RENEWAL, OrderStatus.AWAITING_DOWNLOAD, SELF_SERVICE_KEY)
    title = Text("{business} · 下载证书", business=BUSINESSES[BusinessCode.RENEWAL].title)
    return [DownloadScreen(title, entry, "session-snapshot")]


def unlock(scene: Scene) -> list[Screen[Any]]:
    entry = key_order(BusinessCode.UNLOCK, OrderStatus.AWAITING_UNLOCK, ASSISTED_KEY)
    title = Text("{business} · 解锁", business=BUSINESSES[BusinessCode.UNLOCK].title)
    return [UnlockScreen(title, entry, "session-snapshot")]


def choose_certificate(scene: Scene) -> list[Screen[Any]]:
    subject = f"CN={SAMPLE_UNIT['unit_name']},O={SAMPLE_UNIT['unit_name']},OU=投标证书"
    keys = [
        CertificateSummary(
            serial_hex="4f1a",
            token_serial=LOST_KEY,
            subject=subject,
            not_before=noon(300),
            not_after=noon(-65),
        ),
        CertificateSummary(
            serial_hex="4f2b",
            token_serial=SELF_SERVICE_KEY,
            subject=subject,
            not_before=noon(100),
            not_after=noon(-265),
        ),
    ]
    choices = [certificate_choice(key) for key in keys]
    return [
        ChooseScreen(
            heading(BusinessCode.REVOKE, Step.SELECT_CERTIFICATE),
            intro=Text("请选择丢失的证书盘（按芯片号），注销后该证书盘上的证书立即失效"),
            empty=Text(
                "没有找到统一社会信用代码为{code}的有效证书，请返回上一步核对", code=SAMPLE_UNIT["uscc"]
            ),
            offline=None,
            load=lambda: choices,
            chosen=LOST_KEY,
            id="select-certificate",
        )
    ]


def choose_order(scene: Scene) -> list[Screen[Any]]:
    entries = [
        OrderEntry(
            order_id=str(view.order_id),
            business=view.business,
            status=view.status,
            fee_fen=view.fee_fen,
            created_at=view.created_at.isoformat(),
            shipment=view.shipment.model_dump(mode="json") if view.shipment else {},
        )
        for view in ORDERS
    ]
    choices = [order_choice(entry) for entry in entries if entry.can_redirect]
    return [
        ChooseScreen(
            heading(BusinessCode.REDIRECT, Step.SELECT_ORDER),
            intro=Text("请选择要改派的订单（尚未发货、自提改邮寄，或已寄出被退回的）"),
            empty=Text("没有可以改派的订单：只有邮寄或自提证书盘、尚未领取的订单可以改派"),
            offline=None,
            load=lambda: choices,
            id="select-order",
        )
    ]


def choices_listed(scene: Scene) -> bool:
    screen = scene.app.screen
    return isinstance(screen, ChooseScreen) and screen.loaded


def confirm_leave(scene: Scene) -> list[Screen[Any]]:
    return [*info(scene), ConfirmScreen(LEAVE_QUESTION, id="confirm-leave")]


def nobody_touches(scene: Scene) -> None:
    """Time passes on the hand clock: the idle watch's next tick shows its countdown, 12 s left."""
    settings = scene.runtime.settings
    scene.clock.advance(settings.idle_timeout_s + settings.idle_countdown_s - 12)


def countdown_shown(scene: Scene) -> bool:
    return isinstance(scene.app.screen, IdleCountdownScreen)


def failure(scene: Scene) -> list[Screen[Any]]:
    return [FailureScreen(failure_sentence(RuntimeError("a step failed")), id="failure")]


CASES: dict[str, Case] = {
    "guide": Case(guide),
    "sign-in": Case(sign_in),
    "project": Case(project),
    "info": Case(info),
    "review": Case(review),
    "print-forms": Case(print_forms, all_printed),
    "capture": Case(capture, camera_said),
    "import-picture": Case(import_picture, pictures_listed),
    "submit": Case(submit),
    "receipt": Case(receipt, receipt_printed),
    "orders": Case(orders, orders_listed),
    "payment": Case(payment, qr_shown, then=choose_wechat),
    "insert-key": Case(insert_key, key_slot=True),
    "download": Case(download),
    "unlock": Case(unlock),
    "choose-certificate": Case(choose_certificate, choices_listed),
    "choose-order": Case(choose_order, choices_listed),
    "confirm-leave": Case(confirm_leave),
    "idle-countdown": Case(review, countdown_shown, then=nobody_touches),
    "failure": Case(failure),
}


# --- the test ----------------------------------------------------------------------------------------------
@pytest.fixture
def relative_home(where: Locations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Locations:
    """The test's kiosk home (the store's too), named relative to the test's folder."""
    monkeypatch.chdir(tmp_path)
    return Locations(*(path.relative_to(tmp_path) for path in vars(where).values()))


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 60) -> None:
    """Let the app work until `condition` holds: a worker's message has been handled."""

    async def waiting() -> None:
        while not condition():
            await pilot.pause()

    await asyncio.wait_for(waiting(), timeout)


needs_softhsm = pytest.mark.skipif(not SOFTHSM_MODULE.is_file(), reason=f"{SOFTHSM_MODULE} is not installed")


@pytest.mark.parametrize(
    ("name", "language"),
    [
        pytest.param(name, language, id=f"{name}-{language}", marks=[needs_softhsm] if case.key_slot else [])
        for name, case in CASES.items()
        for language in LANGUAGES
    ],
)
def test_step(
    name: str, language: str, snap_compare, relative_home, store, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    settings = KioskSettings(
        idle_timeout_s=120,
        idle_countdown_s=15,
        camera_source="no-camera.mp4",  # no such file: the camera is missing, said in a fixed sentence
        camera_import_dirs=[Path("stick")],
        payment_poll_s=30,  # the fixed payment stays pending: no need to ask often
    )
    store.outbox.note_link(online=True)  # the sync last reached the backend: the status line says 在线
    app = KioskApp(where=relative_home, settings=settings, store=store, clock=clock, wall_clock=clock)

    async def show(pilot: Any) -> None:
        await until(pilot, lambda: app.runtime is not None and app.queue_depth is not None)
        runtime = app.runtime
        assert runtime is not None
        monkeypatch.setattr(runtime, "backend_client", FixedBackend)
        if case.key_slot:
            await asyncio.to_thread(runtime.key_slot().module)
        app.language = language  # type: ignore[assignment]
        scene = Scene(app, runtime, clock)
        for screen in case.build(scene):
            await app.push_screen(screen)
        if case.then is not None:
            case.then(scene)
        await until(pilot, lambda: case.ready(scene))
        await pilot.pause()
        for field in app.screen.query(Input):
            field.cursor_blink = False  # the cursor shown steadily, not blinking on a timer
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=show)
