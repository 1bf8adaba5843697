"""Driving the kiosk as a subscriber does, for the end-to-end flow tests: from the home screen,
through each step's screen, against the reference backend on 127.0.0.1, the demo video camera
(or pictures imported from a folder) and the PDF printer. Every wait is for a worker's message
or for the screen the app shows next, never for a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import cv2
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, RadioButton

from kiosk.config.settings import KioskSettings
from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.forms import SECTION_FIELDS
from kiosk.devices.camera import synthetic
from kiosk.screens.capture import DocumentCaptureScreen
from kiosk.screens.import_picture import ImportPictureScreen
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.messages import PageCaptured, SignInAnswered, SmsCodeAnswered
from kiosk.screens.orders import OrdersScreen
from kiosk.screens.printing import PrintFormsScreen
from kiosk.screens.project import ProjectScreen
from kiosk.screens.sign_in import SignInScreen
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from support.backend import Hub
from support.pilot import SIZE, Messages, make_app, ready, screen_text, tap
from support.touch import tap_in, tap_option, tap_widget

PHONE = "13600000000"
PROJECT_TILES = ("#choice-cq", "#choice-cq-ggzy", "#choice-cq-ggzy-center", "#choice-bidder")


@dataclass
class AtKiosk:
    app: KioskApp
    pilot: Any
    messages: Messages
    store: Store

    @property
    def text(self) -> str:
        return screen_text(self.app)

    async def until(self, condition: Callable[[], bool], timeout: float = 60) -> None:
        """Let the app work until `condition` holds (a screen came, a worker reported)."""
        import asyncio

        async def waiting() -> None:
            while not condition():
                await self.pilot.pause()

        await asyncio.wait_for(waiting(), timeout)

    async def on_screen(self, kind: type[Screen[Any]]) -> Any:
        await self.until(lambda: isinstance(self.app.screen, kind))
        await self.pilot.pause()
        return self.app.screen

    async def press(self, selector: str) -> None:
        """A tap on a button of the screen on top, where it is drawn (not on what covers it)."""
        button = self.app.screen.query_one(selector, Button)
        # A finger taps again once the last press has shown (a Button ignores a tap for 0.2 s
        # after one: 确认提交 becomes 打印回执 where it is, sooner when the backend is quick).
        await self.until(lambda: not button.has_class("-active"))
        landed = await tap_widget(self.pilot, button)
        assert landed, f"a tap on {selector} at {button.region} lands on another widget"

    async def type_into(self, selector: str, text: str) -> None:
        """A tap on the field, then on the keys of the keyboard the kiosk draws for it."""
        await tap_in(self.pilot, selector, text)


def picture_stick(folder: Path) -> Path:
    """A USB stick holding one scanned, stamped page."""
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / "scan.png"), synthetic.make_page(900))
    return folder


@asynccontextmanager
async def kiosk_at_hall(
    where: Any, store: Store, clock: Any, backend_url: str, *, camera: str, stick: Path, **settings: Any
) -> AsyncIterator[AtKiosk]:
    messages = Messages()
    config = KioskSettings(
        backend_url=backend_url,
        camera_source=camera,
        camera_steady_s=0.4,
        camera_import_dirs=[stick],
        payment_poll_s=0.1,
        **settings,
    )
    app = make_app(where, config, store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        await ready(pilot)
        yield AtKiosk(app, pilot, messages, store)


# --- the steps, as a subscriber takes them ----------------------------------------------------------
async def start_business(at: AtKiosk, code: str) -> None:
    await tap(at.pilot, f"business-{code}")
    await at.pilot.pause()
    await at.press("#start")


async def sign_in(at: AtKiosk, hub: Hub, phone: str = PHONE) -> None:
    await at.on_screen(SignInScreen)
    await at.type_into("#phone", phone)
    await at.press("#send-code")
    await at.messages.wait(SmsCodeAnswered, lambda answer: answer.phone == phone and answer.sent is not None)
    await at.pilot.pause()
    await at.type_into("#code", hub.last_code(phone))
    await at.press("#sign-in-button")
    await at.messages.wait(SignInAnswered, lambda answer: answer.session is not None)


async def choose_project(at: AtKiosk) -> None:
    for tile in PROJECT_TILES:
        await at.until(lambda tile=tile: bool(at.app.screen.query(tile)))  # type: ignore[misc]
        await at.pilot.click(tile)
        await at.pilot.pause()


async def at_the_information_step(
    at: AtKiosk, hub: Hub, form: Mapping[str, Mapping[str, str]], phone: str = PHONE
) -> InfoEntryScreen:
    """证书新办 from the home screen to its information step, `form` filled in."""
    await start_business(at, BusinessCode.NEW)
    await sign_in(at, hub, phone)
    await at.on_screen(ProjectScreen)
    await choose_project(at)
    await at.press("#next")
    info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
    fill_form(at, form)
    await at.pilot.pause()
    return info


def fill_form(at: AtKiosk, form: Mapping[str, Mapping[str, str]]) -> None:
    """Each field as typed or chosen (a choice by its radio button)."""
    screen = at.app.screen
    for section, values in form.items():
        for spec in SECTION_FIELDS[section]:  # type: ignore[index]
            value = values.get(spec.key)
            if value is None:
                continue
            ident = f"#field-{section}-{spec.key}"
            if spec.choices:
                screen.query_one(f"{ident}-{value}", RadioButton).value = True
            else:
                screen.query_one(ident, Input).value = value


async def fill_form_by_taps(at: AtKiosk, form: Mapping[str, Mapping[str, str]]) -> None:
    """As fill_form, at the glass: each field tapped and its value typed on the keys the kiosk
    draws (Chinese by pinyin and a candidate), each choice a tap on its radio button, where they
    are drawn. A field that already shows the value (echoed from one typed before it, read from
    the key, filled from the last order) is left as it is, as the subscriber leaves it; a choice
    already made is not tapped again."""
    screen = at.app.screen
    for section, values in form.items():
        for spec in SECTION_FIELDS[section]:  # type: ignore[index]
            value = values.get(spec.key)
            if value is None:
                continue
            ident = f"#field-{section}-{spec.key}"
            if spec.choices:
                choice = screen.query_one(f"{ident}-{value}", RadioButton)
                if not choice.value:
                    landed = await tap_widget(at.pilot, choice)
                    assert landed, f"a tap on {ident}-{value} at {choice.region} lands on another widget"
                    assert choice.value, f"{ident}-{value} tapped, not chosen"
            else:
                field = screen.query_one(ident, Input)
                if field.value != value:
                    await at.type_into(ident, value)
                    assert field.value == value, f"{ident}: {value!r} typed, {field.value!r} shown"


async def print_everything(at: AtKiosk) -> PrintFormsScreen:
    screen: PrintFormsScreen = await at.on_screen(PrintFormsScreen)
    await at.until(lambda: len(screen.printed) == len(screen.forms))
    await at.press("#done")
    return screen


async def capture_with_camera(at: AtKiosk) -> DocumentCaptureScreen:
    """The demo video's page is captured once a pass, for each document in turn."""
    screen: DocumentCaptureScreen = await at.on_screen(DocumentCaptureScreen)
    await at.until(lambda: not screen.missing, timeout=120)
    await at.press("#done")
    return screen


def has_options(options: OptionList) -> bool:
    return options.option_count > 0


def captured_at_least(at: AtKiosk, wanted: int, _: PageCaptured) -> bool:
    return len(at.messages.of(PageCaptured)) >= wanted


async def import_each(at: AtKiosk) -> DocumentCaptureScreen:
    """Every document still missing, imported from the stick (real OpenCV, as a capture)."""
    screen: DocumentCaptureScreen = await at.on_screen(DocumentCaptureScreen)
    while screen.missing:
        wanted = len(at.messages.of(PageCaptured)) + 1
        await at.press("#import")
        dialog = await at.on_screen(ImportPictureScreen)
        options = dialog.query_one("#files", OptionList)
        await at.until(partial(has_options, options))
        options.highlighted = 0
        options.action_select()
        await at.messages.wait(PageCaptured, partial(captured_at_least, at, wanted))
        await at.on_screen(DocumentCaptureScreen)
    await at.press("#done")
    return screen


async def import_each_by_taps(at: AtKiosk) -> DocumentCaptureScreen:
    """As import_each, at the glass: 导入图片, then a tap on the stick's picture in the list."""
    screen: DocumentCaptureScreen = await at.on_screen(DocumentCaptureScreen)
    while screen.missing:
        wanted = len(at.messages.of(PageCaptured)) + 1
        await at.press("#import")
        dialog = await at.on_screen(ImportPictureScreen)
        options = dialog.query_one("#files", OptionList)
        await at.until(partial(has_options, options))
        await at.pilot.pause()
        await tap_option(at.pilot, options, 0)
        await at.messages.wait(PageCaptured, partial(captured_at_least, at, wanted))
        await at.on_screen(DocumentCaptureScreen)
    await at.press("#done")
    return screen


async def open_orders(at: AtKiosk, hub: Hub, phone: str = PHONE) -> OrdersScreen:
    await tap(at.pilot, "order-query")
    await at.pilot.pause()
    await at.press("#start")
    await sign_in(at, hub, phone)
    return await orders_listed(at)


async def orders_listed(at: AtKiosk) -> OrdersScreen:
    """The order list, once its worker has reported (a new list, or after 刷新)."""
    await at.until(lambda: isinstance(at.app.screen, OrdersScreen) and at.app.screen.loaded)
    await at.pilot.pause()
    screen: OrdersScreen = at.app.screen  # type: ignore[assignment]
    return screen
