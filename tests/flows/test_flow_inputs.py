"""What a subscriber types or picks wrong on the journey's screens: each required field left
empty and each wrong value is said next to that field (in Chinese, and in English when
switched), the focus goes to the first one to fix, and nothing typed is lost; the project's
rules are explained where they bite; a double tap moves one step, never two; a payment that
runs out of time offers a new QR, and cancelling leaves the order payable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.backend import Hub, running_hub
from support.flow import (
    PHONE,
    AtKiosk,
    choose_project,
    fill_form,
    kiosk_at_hall,
    open_orders,
    picture_stick,
    sign_in,
    start_business,
)
from support.qr import read_qr
from textual.widgets import Button, Checkbox, Input, Static

from kiosk.core.domain import validators
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode, Section
from kiosk.core.domain.catalog import ProjectSelection, load_catalog
from kiosk.core.domain.forms import SECTION_FIELDS, field_spec
from kiosk.core.domain.samples import SAMPLE_PROJECT_PATH, sample_form
from kiosk.core.domain.status import OrderStatus
from kiosk.core.i18n import Text
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.messages import PaymentAnswered
from kiosk.screens.orders import OrdersScreen
from kiosk.screens.payment import PaymentScreen
from kiosk.screens.project import ProjectAnswer, ProjectScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.sign_in import SignInScreen
from kiosk.services.journey import Outcome
from kiosk.store import Store

NEW = BUSINESSES[BusinessCode.NEW]
HEADING = Text("证书新办")


@pytest.fixture
def hub_for_kiosk(tmp_path: Path, where) -> Iterator[Hub]:
    with running_hub(tmp_path / "backend", payment_ttl_s=1) as hub:
        hub.credentials.save(where.device_credentials)
        yield hub


def _message(at: AtKiosk, section: Section, key: str) -> str:
    return str(at.app.screen.query_one(f"#message-{section.value}-{key}", Static).render())


async def _info_screen(at: AtKiosk, form: dict[str, dict[str, str]]) -> tuple[InfoEntryScreen, list[object]]:
    answers: list[object] = []
    screen = InfoEntryScreen(HEADING, NEW.sections, form)
    await at.app.push_screen(screen, answers.append)
    await at.pilot.pause()
    return screen, answers


async def test_every_required_field_left_empty_is_named_at_that_field(
    where, store: Store, clock, tmp_path
) -> None:
    async with kiosk_at_hall(where, store, clock, "http://127.0.0.1:9", camera="", stick=tmp_path) as at:
        screen, answers = await _info_screen(at, {})
        await at.press("#next")
        required = [
            (section, spec) for section in NEW.sections for spec in SECTION_FIELDS[section] if spec.required
        ]
        assert len(required) == 15
        for section, spec in required:
            verb = "请选择" if spec.choices else "请填写"
            assert _message(at, section, spec.key) == f"{verb}{spec.label}", spec.key
        assert "还有15处需要填写或修改，请看红字提示" in at.text
        assert at.app.focused is screen.query_one("#field-certificate-company_name")
        assert answers == [] and at.app.screen is screen  # the step does not end with gaps

        at.app.toggle_language()
        await at.pilot.pause()
        assert _message(at, Section.HANDLER, "email") == "Please fill in Handler's e-mail"
        assert "15 fields still need filling in or correcting" in at.text


async def test_wrong_values_are_said_next_to_them_and_kept(where, store: Store, clock, tmp_path) -> None:
    form = sample_form(BusinessCode.NEW)
    async with kiosk_at_hall(where, store, clock, "http://127.0.0.1:9", camera="", stick=tmp_path) as at:
        screen, answers = await _info_screen(at, form)
        wrong = {
            (Section.UNIT, "uscc"): "91350100M000100Y44",  # the check character is wrong
            (Section.UNIT, "legal_rep_id"): "110105194912310021",
            (Section.HANDLER, "mobile"): "1360000",
            (Section.HANDLER, "email"): "li@",
        }
        for (section, key), value in wrong.items():
            await at.type_into(f"#field-{section.value}-{key}", value)
            screen.query_one(f"#field-{section.value}-{key}", Input).blur()  # leaving the field
            await at.pilot.pause()
        await at.type_into("#field-invoice-title", "另一家公司")
        await at.type_into("#field-delivery-address", "")
        await at.press("#next")

        assert _message(at, Section.UNIT, "uscc") == validators.validate_uscc(
            "91350100M000100Y44", field="统一社会信用代码"
        )
        assert _message(at, Section.UNIT, "legal_rep_id") == validators.validate_id_number(
            "110105194912310021", field="法人身份证号码"
        )
        assert _message(at, Section.HANDLER, "mobile") == "经办人移动电话应为11位数字，当前为7位"
        assert _message(at, Section.HANDLER, "email") == field_spec(Section.HANDLER, "email").check("li@")
        assert (
            _message(at, Section.INVOICE, "title") == "发票抬头应与单位名称“东方中讯数字证书认证有限公司”一致"
        )
        assert _message(at, Section.DELIVERY, "address") == "邮寄须填写邮寄地址"
        assert answers == []
        for (section, key), value in wrong.items():  # kept, to correct
            assert screen.query_one(f"#field-{section.value}-{key}", Input).value == value

        at.app.toggle_language()
        await at.pilot.pause()
        assert _message(at, Section.HANDLER, "mobile") == "Handler's mobile must have 11 digits, it has 7"
        assert screen.query_one("#field-handler-mobile", Input).value == "1360000"

        await at.type_into("#field-handler-mobile", "13600000001")
        await at.pilot.pause()
        assert _message(at, Section.HANDLER, "mobile") == ""  # said right as soon as it is


async def test_coming_back_a_wrong_value_is_said_at_once(where, store: Store, clock, tmp_path) -> None:
    async with kiosk_at_hall(where, store, clock, "http://127.0.0.1:9", camera="", stick=tmp_path) as at:
        await _info_screen(at, {"unit": {"unit_name": "东方测试", "uscc": "913501"}})
        assert _message(at, Section.UNIT, "uscc") == "统一社会信用代码应为18位，当前为6位"
        assert _message(at, Section.UNIT, "legal_rep_name") == ""  # empty: said when left, or at 下一步


async def test_the_project_rules_are_explained_where_they_apply(where, store: Store, clock, tmp_path) -> None:
    catalog = load_catalog()
    async with kiosk_at_hall(where, store, clock, "http://127.0.0.1:9", camera="", stick=tmp_path) as at:
        answers: list[ProjectAnswer | None] = []
        screen = ProjectScreen(HEADING, NEW, catalog, None)
        await at.app.push_screen(screen, answers.append)
        await at.pilot.pause()
        await at.press("#next")
        assert "请选择完整的项目：区域、平台、项目大类、子项目和市场主体" in at.text
        await choose_project(at)
        assert "已选择" in at.text and "市场主体：投标人" in at.text

        screen.query_one("#certificate-unit_seal", Checkbox).value = False
        await at.pilot.pause()
        await at.press("#next")
        assert "“单位证书带签章”必须办理" in at.text
        assert answers == []
        screen.query_one("#certificate-unit_seal", Checkbox).value = True
        screen.query_one("#certificate-bidder_seal", Checkbox).value = False
        await at.pilot.pause()
        await at.press("#next")
        assert "“授权投标人（委托代理人）证书带签章”必须办理（法人代表本人投标吗？如是，可不办理）" in at.text

        screen.query_one("#answer-legal_rep_bids_in_person", Checkbox).value = True
        await at.pilot.pause()
        await at.pilot.pause()
        assert "授权投标人（委托代理人）证书带签章（可不办理）" in at.text
        await at.press("#next")
        await at.until(lambda: bool(answers))
        assert answers[0] is not None
        outcome, selection = answers[0]
        assert outcome is Outcome.NEXT
        assert selection == ProjectSelection(
            SAMPLE_PROJECT_PATH, ("unit_seal", "legal_rep_seal"), {"legal_rep_bids_in_person": True}
        )


async def test_a_double_tap_moves_one_step_and_starts_one_journey(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    async with kiosk_at_hall(where, store, clock, hub.server.base_url, camera="", stick=tmp_path) as at:
        await start_business(at, BusinessCode.NEW)
        at.app.screen.query_one("#start", Button).press() if at.app.screen.query("#start") else None
        await at.on_screen(SignInScreen)
        assert sum(isinstance(screen, SignInScreen) for screen in at.app.screen_stack) == 1
        await sign_in(at, hub)
        await at.on_screen(ProjectScreen)
        await choose_project(at)
        at.app.screen.query_one("#next", Button).press()
        at.app.screen.query_one("#next", Button).press()  # the second tap of a double tap
        info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
        fill_form(at, sample_form(BusinessCode.NEW))
        await at.pilot.pause()
        for _ in range(3):
            info.query_one("#next", Button).press()
        await at.on_screen(ReviewScreen)
        await at.pilot.pause()
        assert isinstance(at.app.screen, ReviewScreen)  # not skipped on to printing
        assert "第4步/共8步 · 核对信息" in at.text

        await at.press("#back")
        info = await at.on_screen(InfoEntryScreen)
        assert info.query_one("#field-unit-unit_name", Input).value == "东方中讯数字证书认证有限公司"  # kept
        await at.press("#leave")
        await at.press("#yes")
        await at.until(lambda: len(at.app.screen_stack) == 1)
        assert store.orders.all() == []  # the abandoned draft is gone with the subscriber
        assert at.app.session.is_empty


async def test_a_payment_out_of_time_offers_a_new_code_and_cancelling_keeps_it_payable(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    with hub.client(subscriber=hub.sign_in(PHONE)) as client:
        order_id = hub.submitted_order(client, BusinessCode.NEW)
    hub.backend.review.approve(order_id, "王审核")
    async with kiosk_at_hall(
        where, store, clock, hub.server.base_url, camera="", stick=picture_stick(tmp_path)
    ) as at:
        await open_orders(at, hub)
        assert "待付款" in at.text
        await at.press("#pay")
        payment: PaymentScreen = await at.on_screen(PaymentScreen)
        await at.press("#channel-alipay")
        first = await at.messages.wait(PaymentAnswered, lambda answer: answer.payment is not None)
        # Out of time: the backend says so, or the screen's own countdown got there first.
        await at.until(lambda: payment.status == "expired")
        await at.pilot.pause()
        assert "二维码已过期，请点击“重新付款”" in at.text
        assert payment.query_one("#again", Button).display
        assert first.payment is not None
        first_id = first.payment.payment_id

        await at.press("#again")
        again = await at.messages.wait(
            PaymentAnswered,
            lambda answer: answer.payment is not None and answer.payment.payment_id != first_id,
        )
        assert again.payment is not None and again.payment.channel == "alipay"
        await at.press("#cancel")
        await at.on_screen(OrdersScreen)
        await at.until(lambda: at.app.screen.loaded)  # type: ignore[attr-defined]
        assert "待付款" in at.text
        assert hub.backend.orders.view_of(order_id).status is OrderStatus.AWAITING_PAYMENT


def test_the_payment_qr_drawn_in_the_terminal_decodes_to_the_providers_link() -> None:
    """Rebuild the picture from the cells' colours (upper pixel: foreground, lower: background)
    and read it with OpenCV's QR detector, as a phone's camera would."""
    import cv2
    import numpy as np

    from kiosk.screens.payment import qr_strips

    link = "http://127.0.0.1:8470/v1/sandbox/wallet/pay_0123456789abcdef01234567?channel=wechat"
    rows: list[list[int]] = []
    for strip in qr_strips(link):
        upper, lower = [], []
        for segment in strip:
            style = segment.style
            assert style is not None and style.color is not None and style.bgcolor is not None
            for _ in segment.text:
                upper.append(style.color.get_truecolor().red)
                lower.append(style.bgcolor.get_truecolor().red)
        rows += [upper, lower]
    picture = np.array(rows, np.uint8)
    big = cv2.resize(picture, None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)
    assert read_qr(big) == link


async def test_each_of_three_redirect_reasons_is_shown_in_full_and_chosen_by_keyboard(
    where, store: Store, clock, tmp_path
) -> None:
    from textual.widgets import RadioSet

    redirect = BUSINESSES[BusinessCode.REDIRECT]
    async with kiosk_at_hall(where, store, clock, "http://127.0.0.1:9", camera="", stick=tmp_path) as at:
        screen = InfoEntryScreen(HEADING, redirect.sections, {})
        answers: list[object] = []
        await at.app.push_screen(screen, answers.append)
        await at.pilot.pause()
        reasons = screen.query_one("#field-redirect_reason-reason", RadioSet)
        assert reasons.has_class("stacked")  # one under another, so no title is cut short
        assert "退回件重新邮寄" in at.text and "自提改邮寄" in at.text
        reasons.focus()
        await at.pilot.press("down", "down", "enter")
        assert reasons.pressed_button is not None
        assert reasons.pressed_button.id == "field-redirect_reason-reason-returned"


async def test_a_choice_list_the_backend_cannot_give_says_why_and_offers_a_retry(
    where, store: Store, clock, tmp_path, hub_for_kiosk: Hub
) -> None:
    """改派's order list with the backend unreachable (an enrolled kiosk, but nothing listens on
    port 9): the step's offline note, 重试, and 下一步 stays disabled; 重试 asks again."""
    from kiosk.core.domain.steps import STEPS, Step
    from kiosk.screens.choose import ChooseScreen

    async with kiosk_at_hall(where, store, clock, "http://127.0.0.1:9", camera="", stick=tmp_path) as at:
        asked: list[int] = []

        def load() -> list:
            asked.append(1)
            assert at.app.runtime is not None
            at.app.runtime.backend_client().list_orders("no-session")
            return []

        offline = STEPS[Step.SELECT_ORDER].offline_note
        assert offline is not None
        screen = ChooseScreen(
            Text("改派"), intro=Text("请选择要改派的订单"), empty=Text("没有"), offline=offline, load=load
        )
        await at.app.push_screen(screen)
        await at.until(lambda: screen.loaded)
        await at.pilot.pause()
        assert "网络不通，只能选择在本机办理的订单" in at.text
        assert screen.query_one("#retry", Button).display and screen.query_one("#next", Button).disabled
        await at.press("#retry")
        await at.until(lambda: len(asked) == 2 and screen.loaded)
        assert screen.failed and "网络不通，只能选择在本机办理的订单" in at.text
