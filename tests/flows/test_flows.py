"""Business flows I, end to end, as a subscriber walks them at the kiosk: from the home screen
through sign-in, project, information, review, printing, capture, submission and receipt, then
approval at the CA, payment, shipping, and the order's state in 订单查询 — against the
reference backend over real HTTP on 127.0.0.1, the demo video camera (or a folder of scans, as
from a USB stick), the PDF printer and the real store."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import cv2
from support.backend import Hub
from support.clear_text import assert_nothing_in_clear, personal_values
from support.flow import (
    PHONE,
    AtKiosk,
    capture_with_camera,
    choose_project,
    fill_form,
    import_each,
    kiosk_at_hall,
    open_orders,
    orders_listed,
    picture_stick,
    print_everything,
    sign_in,
    start_business,
)
from textual.widgets import Input, RadioSet

from kiosk.backend_client.runtime import build_sync_engine
from kiosk.config.settings import KioskSettings
from kiosk.core.contract import Rejection
from kiosk.core.domain.businesses import BusinessCode, Section
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.domain.forms import DELIVERY_PICKUP
from kiosk.core.domain.samples import sample_form
from kiosk.core.domain.status import OrderStatus
from kiosk.devices.camera import synthetic
from kiosk.devices.printer.runtime import spool_folder
from kiosk.screens.capture import DocumentCaptureScreen
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.messages import OrderSubmitted, PaymentAnswered
from kiosk.screens.orders import OrdersScreen
from kiosk.screens.payment import PaymentScreen
from kiosk.screens.project import ProjectScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.submit import Delivery, SubmitScreen
from kiosk.screens.widgets.pixels import Picture
from kiosk.store import Store


def _at_hall(where, store: Store, clock, hub: Hub, tmp_path: Path, camera: str = ""):
    """The kiosk on the hub's backend, with a stick of scans to import from."""
    stick = picture_stick(tmp_path / "stick")
    return kiosk_at_hall(where, store, clock, hub.server.base_url, camera=camera, stick=stick)


async def _to_submission(
    at: AtKiosk,
    form: dict[str, dict[str, str]],
    *,
    camera: bool = False,
    on_review: Callable[[], None] = lambda: None,
) -> SubmitScreen:
    """From the chosen project to 确认提交 pressed: information, review, forms, documents."""
    await at.press("#next")
    info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
    assert info.query_one("#field-handler-mobile", Input).value == PHONE  # known from the sign-in
    fill_form(at, form)
    await at.pilot.pause()
    await at.press("#next")
    await at.on_screen(ReviewScreen)
    on_review()
    await at.press("#next")
    await print_everything(at)
    await (capture_with_camera(at) if camera else import_each(at))
    submit: SubmitScreen = await at.on_screen(SubmitScreen)
    await at.press("#next")
    await at.messages.wait(OrderSubmitted)
    return submit


async def _apply(
    at: AtKiosk, hub: Hub, code: BusinessCode, form: dict[str, dict[str, str]], *, camera: bool
) -> str:
    """From the home screen to the printed receipt; returns the order's number."""
    await start_business(at, code)
    await sign_in(at, hub)
    await at.on_screen(ProjectScreen)
    await choose_project(at)
    submit = await _to_submission(at, form, camera=camera)
    await at.until(lambda: submit.delivery is Delivery.RECEIVED)
    assert "审核中心已收到" in at.text
    order_id = submit.order_id
    await at.press("#next")  # 打印回执
    await print_everything(at)
    await at.until(lambda: len(at.app.screen_stack) == 1)  # home again
    assert at.app.session.is_empty  # the subscriber is forgotten
    return order_id


async def _pay(at: AtKiosk, hub: Hub, orders: OrdersScreen) -> None:
    await at.press("#pay")
    payment: PaymentScreen = await at.on_screen(PaymentScreen)
    await at.press("#channel-wechat")
    shown = await at.messages.wait(PaymentAnswered, lambda answer: answer.payment is not None)
    await at.pilot.pause()
    assert shown.payment is not None
    assert not payment.query_one("#payment-qr", Picture).is_blank
    assert "请用手机微信支付扫描二维码，付款¥1340" in at.text
    hub.backend.payments.sandbox_pay(shown.payment.payment_id)  # the subscriber's phone pays
    await at.messages.wait(
        PaymentAnswered, lambda answer: answer.payment is not None and answer.payment.status == "paid"
    )
    await at.pilot.pause()
    assert "付款成功" in at.text
    await at.press("#done")


async def test_new_certificate_by_mail_from_home_to_tracking_number(
    where,
    store: Store,
    clock,
    hub_for_kiosk: Hub,
    demo_video: Path,
    tmp_path: Path,
    everything_logged: list[str],
) -> None:
    hub = hub_for_kiosk
    async with _at_hall(where, store, clock, hub, tmp_path, camera=str(demo_video)) as at:
        order_id = await _apply(at, hub, BusinessCode.NEW, sample_form(BusinessCode.NEW), camera=True)

        # the two forms to sign and the receipt went to the PDF printer
        printed = sorted(spool_folder(where).glob("*.pdf"))
        assert len(printed) == 3
        receipt = subprocess.run(
            ["pdftotext", str(printed[-1]), "-"], capture_output=True, text=True, check=True
        )
        assert (
            order_id in receipt.stdout
            and "136****0000" in receipt.stdout
            and "13600000000" not in receipt.stdout
        )

        held = hub.backend.orders.view_of(order_id)
        assert held.status is OrderStatus.AWAITING_REVIEW and held.fee_fen == 134_000
        assert {a.document for a in held.attachments} == set(DocumentKind) - {
            DocumentKind.SITUATION_STATEMENT
        }

        hub.backend.review.approve(order_id, "王审核")
        orders = await open_orders(at, hub)
        assert "待付款" in at.text
        await _pay(at, hub, orders)
        await orders_listed(at)
        assert "待发货" in at.text
        assert "寄往：重庆市渝北区" in at.text  # where it will go, before it has gone

        hub.backend.fulfilment.ship(order_id, "顺丰速运", "SF1234567890")
        await at.press("#refresh")
        await orders_listed(at)
        assert "状态：完成" in at.text
        assert "快递：顺丰速运，运单号：SF1234567890" in at.text
        assert store.orders.get(order_id).status is OrderStatus.COMPLETED  # recorded here too
        await at.press("#leave")
        await at.until(lambda: len(at.app.screen_stack) == 1)
    # After the whole visit, the sync and the follow-up: nothing personal in clear on disk or logged.
    assert_nothing_in_clear(
        where, [*personal_values(sample_form(BusinessCode.NEW)), PHONE], everything_logged
    )


async def test_self_pickup_needs_no_address_and_ends_collected_at_the_hall(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    form = sample_form(BusinessCode.NEW)
    form[Section.DELIVERY] = {"method": DELIVERY_PICKUP}
    async with _at_hall(where, store, clock, hub, tmp_path) as at:
        order_id = await _apply(at, hub, BusinessCode.NEW, form, camera=False)
        assert store.orders.get(order_id).form[Section.DELIVERY] == {"method": DELIVERY_PICKUP}

        hub.backend.review.approve(order_id, "王审核")
        orders = await open_orders(at, hub)
        await _pay(at, hub, orders)
        await orders_listed(at)
        assert "待发货" in at.text and "领取方式：到服务大厅自提" in at.text
        hub.backend.fulfilment.hand_over(order_id)
        await at.press("#refresh")
        await orders_listed(at)
        assert "状态：完成" in at.text and "已在服务大厅自提" in at.text


async def test_reissue_charges_the_media_fee_only(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    async with _at_hall(where, store, clock, hub, tmp_path) as at:
        await start_business(at, BusinessCode.REISSUE)
        await sign_in(at, hub)
        await at.on_screen(ProjectScreen)
        await choose_project(at)
        assert "单位证书带签章（必须办理）¥80" in at.text  # the media fee, not the ¥580 price
        assert "费用合计：¥240（审核通过后付款）" in at.text

        def the_review_says_the_media_fee() -> None:
            assert "单位证书带签章：USB介质费：¥80" in at.text
            assert "证书补办 · 第4步/共8步 · 核对信息" in at.text

        submit = await _to_submission(
            at, sample_form(BusinessCode.REISSUE), on_review=the_review_says_the_media_fee
        )
        await at.until(lambda: submit.delivery is Delivery.RECEIVED)
        held = hub.backend.orders.view_of(submit.order_id)
        assert held.business == BusinessCode.REISSUE and held.fee_fen == 24_000


async def test_a_rejection_is_fixed_by_changing_only_what_the_reviewer_named(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    async with _at_hall(where, store, clock, hub, tmp_path) as at:
        order_id = await _apply(at, hub, BusinessCode.NEW, sample_form(BusinessCode.NEW), camera=False)
        before = {a.document: a.sha256 for a in hub.backend.orders.view_of(order_id).attachments}
        rejection = Rejection(
            # A reviewer's brackets are text, not markup: "[/]" once ended the kiosk, "[退信]" vanished.
            reason="经办人邮箱无法接收，身份证复印件模糊[请重拍]",
            fields={"handler.email": "邮箱无法接收[退信]"},
            documents={DocumentKind.HANDLER_ID: "照片模糊，请重新拍摄[/]"},
        )
        hub.backend.review.reject(order_id, "王审核", rejection)

        await open_orders(at, hub)
        assert "审核驳回" in at.text
        assert "驳回原因：经办人邮箱无法接收，身份证复印件模糊[请重拍]" in at.text
        assert "需修改：经办人电子邮箱（邮箱无法接收[退信]）" in at.text
        assert "需重新拍摄：经办人身份证复印件（照片模糊，请重新拍摄[/]）" in at.text
        await at.press("#fix")

        info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
        assert "审核意见：邮箱无法接收[退信]" in at.text
        assert info.query_one("#field-unit-unit_name", Input).disabled  # not named: stays as it was
        assert info.query_one("#field-invoice-invoice_type", RadioSet).disabled
        email = info.query_one("#field-handler-email", Input)
        assert not email.disabled and email.value == "li@example.cn"
        await at.type_into("#field-handler-email", "lisi@example.com")
        await at.press("#next")

        cv2.imwrite(str(tmp_path / "stick" / "scan.png"), synthetic.make_page(900, seed=5))  # a sharper copy
        await at.on_screen(DocumentCaptureScreen)
        await at.until(lambda: "审核意见：照片模糊，请重新拍摄[/]" in at.text)  # why it is taken again
        capture = await import_each(at)
        assert capture.documents == (DocumentKind.HANDLER_ID,)  # only the rejected document
        await at.on_screen(ReviewScreen)
        await at.press("#next")
        submit: SubmitScreen = await at.on_screen(SubmitScreen)
        await at.press("#next")
        await at.until(lambda: submit.delivery is Delivery.RECEIVED)
        await at.press("#next")
        await print_everything(at)
        await orders_listed(at)  # back at the list, read afresh
        assert "状态：资料待审核" in at.text

    held = hub.backend.orders.view_of(order_id)
    assert held.status is OrderStatus.AWAITING_REVIEW
    assert hub.backend.orders.form_of(order_id)["handler"]["email"] == "lisi@example.com"
    assert hub.backend.orders.form_of(order_id)["unit"] == sample_form(BusinessCode.NEW)["unit"]
    after = {a.document: a.sha256 for a in held.attachments}
    assert {kind for kind in after if after[kind] != before[kind]} == {DocumentKind.HANDLER_ID}


async def test_offline_the_order_is_kept_and_sent_when_the_backend_is_back(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    stick = picture_stick(tmp_path / "stick")
    async with kiosk_at_hall(where, store, clock, "http://127.0.0.1:9", camera="", stick=stick) as at:
        await start_business(at, BusinessCode.NEW)
        await at.type_into("#phone", PHONE)
        await at.press("#send-code")
        await at.until(lambda: "请大厅工作人员当面核验身份证件" in at.text)
        await at.press("#staff-confirm")
        await at.type_into("#pin", "246810")
        await at.press("#confirm")
        await at.on_screen(ProjectScreen)
        await choose_project(at)
        submit = await _to_submission(at, sample_form(BusinessCode.NEW))
        await at.until(lambda: submit.delivery is Delivery.QUEUED)
        assert "网络不通：订单已保存在本机，联网后自动提交，不会丢失" in at.text
        order_id = submit.order_id
        await at.press("#next")
        await print_everything(at)
        await at.until(lambda: len(at.app.screen_stack) == 1)
    receipt = sorted(spool_folder(where).glob("*.pdf"))[-1]
    said = subprocess.run(["pdftotext", str(receipt), "-"], capture_output=True, text=True, check=True).stdout
    assert "已保存在本机" in said
    assert store.orders.get(order_id).status is OrderStatus.AWAITING_REVIEW
    assert store.orders.owner(order_id).verified_by == "staff"  # type: ignore[union-attr]

    # The network is back: the kiosk's sync drains the queue to the backend.
    engine = build_sync_engine(KioskSettings(backend_url=hub.server.base_url), where, store)
    try:
        engine.run_once()
    finally:
        engine.close()
        engine.client.close()
    held = hub.backend.orders.view_of(order_id)
    assert held.status is OrderStatus.AWAITING_REVIEW and len(held.attachments) == 5
    assert store.outbox.head(order_id) is None
