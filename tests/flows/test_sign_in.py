"""Sign-in driven by a pilot against the reference backend over real HTTP on 127.0.0.1: a wrong
number and a wrong code are said at their field and keep what was typed; the right code signs
the subscriber in (registering them); offline, hall staff confirm them with their PIN instead,
and the screen says so. The journey it starts is walked without Textual."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.backend import Hub
from support.pilot import SIZE, Messages, make_app, ready, screen_text
from textual.widgets import Button, Input

from kiosk.commands.demo import DemoBackend
from kiosk.config.settings import KioskSettings
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode
from kiosk.core.domain.steps import Step
from kiosk.screens.messages import SignInAnswered, SmsCodeAnswered
from kiosk.screens.sign_in import SignInScreen
from kiosk.services.journey import Journey, Outcome, SignedIn
from kiosk.store import Owner, Store
from kiosk.ui.app import KioskApp

PHONE = "13600000000"


@dataclass
class SigningIn:
    app: KioskApp
    pilot: Any
    screen: SignInScreen
    messages: Messages
    results: list[SignedIn | None]


@asynccontextmanager
async def signing_in(where, store: Store, clock, backend_url: str) -> AsyncIterator[SigningIn]:
    messages = Messages()
    results: list[SignedIn | None] = []
    app = make_app(where, KioskSettings(backend_url=backend_url), store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        await ready(pilot)
        screen = SignInScreen(BUSINESSES[BusinessCode.NEW].title)
        await app.push_screen(screen, results.append)
        await pilot.pause()
        yield SigningIn(app, pilot, screen, messages, results)


async def _type(pilot: Any, field: str, text: str) -> None:
    pilot.app.screen.query_one(field, Input).value = ""
    await pilot.click(field)
    await pilot.press(*text)


async def test_the_right_code_signs_in_and_registers(where, store: Store, clock, hub_for_kiosk: Hub) -> None:
    async with signing_in(where, store, clock, hub_for_kiosk.server.base_url) as at:
        await _type(at.pilot, "#phone", "1360000")
        await at.pilot.click("#send-code")
        await at.pilot.pause()
        assert "手机号码应为11位数字，当前为7位" in screen_text(at.app)
        assert at.screen.query_one("#phone", Input).value == "1360000"  # kept to correct

        runtime = at.app.runtime
        assert runtime is not None
        runtime.demo = DemoBackend(hub_for_kiosk.server)  # the demo shows the SMS on screen
        await _type(at.pilot, "#phone", PHONE)
        await at.pilot.click("#send-code")
        await at.messages.wait(SmsCodeAnswered)
        await at.pilot.pause()
        runtime.demo = None  # the hub stops its own server
        text = screen_text(at.app)
        assert "验证码已发送至136****0000，5分钟内有效" in text
        assert f"演示短信 Demo SMS → 【数字证书】您的验证码是{hub_for_kiosk.last_code(PHONE)}" in text
        assert at.screen.query_one("#send-code", Button).disabled  # no second SMS at once

        await _type(at.pilot, "#code", "12345")
        await at.pilot.click("#sign-in-button")
        await at.pilot.pause()
        assert "请输入6位短信验证码" in screen_text(at.app)

        right = hub_for_kiosk.last_code(PHONE)
        wrong = f"{(int(right) + 1) % 10**6:06d}"
        await _type(at.pilot, "#code", wrong)
        await at.pilot.click("#sign-in-button")
        answer = await at.messages.wait(SignInAnswered)
        await at.pilot.pause()
        assert answer.error is not None and answer.error.fields.get("code")
        assert answer.error.fields["code"] in screen_text(at.app)  # the backend's own sentence
        assert at.screen.query_one("#phone", Input).value == PHONE

        await _type(at.pilot, "#code", right)
        await at.pilot.click("#sign-in-button")
        await at.messages.wait(SignInAnswered, lambda message: message.session is not None)
        await at.pilot.pause()
        (signed_in,) = at.results
        assert signed_in is not None and signed_in.owner == Owner(PHONE, "sms")
        assert signed_in.session_token and signed_in.phone_masked == "136****0000"


async def test_offline_the_staff_confirm_in_person(where, store: Store, clock, tmp_path: Path) -> None:
    async with signing_in(where, store, clock, "http://127.0.0.1:9") as at:  # nothing listens there
        assert not at.screen.query_one("#staff-confirm", Button).display
        await _type(at.pilot, "#phone", PHONE)
        await at.pilot.press("enter")
        answer = await at.messages.wait(SmsCodeAnswered)
        await at.pilot.pause()
        assert answer.error is not None
        text = screen_text(at.app)
        assert "网络不通，无法发送短信验证码：请大厅工作人员当面核验身份证件" in text
        assert at.screen.query_one("#staff-confirm", Button).display

        at.app.language = "en"
        await at.pilot.pause()
        assert "No network, so no SMS code can be sent" in screen_text(at.app)
        assert at.screen.query_one("#phone", Input).value == PHONE  # a language switch keeps it

        await at.pilot.click("#staff-confirm")
        await at.pilot.pause()
        await at.pilot.press("enter", *"246810", "enter")  # no staff ID: the kiosk's own PIN
        await at.pilot.pause()
        (signed_in,) = at.results  # with the kiosk's own PIN (no staff ID): the hall vouches
        assert signed_in is not None and signed_in.owner == Owner(PHONE, "staff", "hall-staff")
        assert signed_in.session_token is None
        actions = [row["action"] for row in store.database.tables.table("audit").rows]
        assert "confirmed_subscriber_in_person" in actions


def test_a_journey_walks_the_business_steps_and_owns_its_draft(store: Store) -> None:
    journey = Journey.begin(BUSINESSES[BusinessCode.NEW])
    assert journey.step is Step.SIGN_IN
    with pytest.raises(RuntimeError):
        journey.draft(store)  # no order before sign-in
    journey.subscriber = SignedIn(Owner(PHONE, "sms"), "token")
    assert journey.go(Outcome.NEXT) is Step.SELECT_PROJECT
    order_id = journey.draft(store)
    assert journey.draft(store) == order_id  # made once
    assert store.orders.owner(order_id) == Owner(PHONE, "sms")
    assert journey.go(Outcome.BACK) is Step.SIGN_IN
    for _ in journey.steps:
        journey.go(Outcome.NEXT)
    assert journey.completed and journey.step is None
    left = Journey.begin(BUSINESSES[BusinessCode.NEW])
    assert left.go(Outcome.BACK) is None and left.ended and not left.completed
