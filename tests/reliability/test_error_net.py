"""The error net: whatever fails that nothing else handled (a bug in a step's worker, a full
disk while saving what was typed or while submitting) is said in one plain sentence, in
Chinese and in English, logged and audited; the app goes on, the draft and what was typed are
kept, and the step comes back to be tried again. Against the reference backend over real HTTP
on 127.0.0.1 and the real store; the failure itself is raised once where the store is written."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support.backend import Hub
from support.disk import fill, mounted_small_disk
from support.flow import (
    AtKiosk,
    at_the_information_step,
    import_each,
    kiosk_at_hall,
    picture_stick,
    print_everything,
)
from support.pilot import SIZE, Messages, make_app, ready, screen_text
from textual.app import ComposeResult
from textual.widgets import Button, Input

from kiosk.config.locations import locations
from kiosk.config.settings import KioskSettings
from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.domain.samples import sample_form
from kiosk.core.domain.status import OrderStatus
from kiosk.core.i18n import Text
from kiosk.core.staff_pins import hash_pin
from kiosk.screens.base import KioskScreen
from kiosk.screens.failure import FailureScreen
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.messages import OrderSubmitted
from kiosk.screens.review import ReviewScreen
from kiosk.screens.staff import StaffScreen
from kiosk.screens.submit import Delivery, SubmitScreen
from kiosk.services.failures import STORAGE_FULL, UNEXPECTED
from kiosk.services.staff_auth import MAX_FAILURES, StaffGate, StoredLockout
from kiosk.store import StorageFull, Store

FORM = sample_form(BusinessCode.NEW)
ID_NUMBER = FORM["unit"]["legal_rep_id"]


def fails_once(method: Callable[..., Any], error: BaseException) -> Callable[..., Any]:
    """`method`, but its next call raises `error` (the disk is full, or a bug) before it writes."""
    failed: list[BaseException] = []

    def once(*args: Any, **kwargs: Any) -> Any:
        if not failed:
            failed.append(error)
            raise error
        return method(*args, **kwargs)

    return once


async def _says_it_in_both_languages(at: AtKiosk, sentence: Text) -> FailureScreen:
    failure: FailureScreen = await at.on_screen(FailureScreen)
    assert sentence in at.text
    at.app.toggle_language()
    await at.pilot.pause()
    assert sentence.say("en") in screen_text(at.app)
    at.app.toggle_language()
    await at.pilot.pause()
    assert at.app.is_running
    return failure


async def _until(pilot: Any, condition: Callable[[], bool]) -> None:
    """Let the app work until `condition` holds (the failure is said), for 30 s at most."""

    async def waiting() -> None:
        while not condition():
            await pilot.pause()

    await asyncio.wait_for(waiting(), 30)


def _audited_failures(store: Store) -> list[str]:
    return [row["detail"] for row in store.database.tables["audit"].rows_where("action = 'failure'")]


async def test_a_full_disk_while_saving_the_information_loses_nothing_typed(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = hub_for_kiosk
    stick = picture_stick(tmp_path / "stick")
    async with kiosk_at_hall(where, store, clock, hub.server.base_url, camera="", stick=stick) as at:
        await at_the_information_step(at, hub, FORM)
        order_id = at.app.session.order_id
        assert order_id is not None
        monkeypatch.setattr(
            store.orders, "update_draft", fails_once(store.orders.update_draft, StorageFull())
        )
        await at.press("#next")

        await _says_it_in_both_languages(at, STORAGE_FULL)
        assert store.orders.get(order_id).status is OrderStatus.DRAFT  # the draft is kept
        assert any(
            '"StorageFull"' in detail and "enter_info" in detail for detail in _audited_failures(store)
        )

        await at.press("#again")  # staff made room
        info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
        assert info.query_one("#field-unit-legal_rep_id", Input).value == ID_NUMBER  # as typed
        await at.press("#next")
        await at.on_screen(ReviewScreen)
        assert store.orders.get(order_id).form["unit"]["legal_rep_id"] == ID_NUMBER


@pytest.mark.parametrize(
    ("error", "sentence"),
    [(RuntimeError("a bug in the submit worker"), UNEXPECTED), (StorageFull(), STORAGE_FULL)],
    ids=["unexpected", "storage_full"],
)
async def test_a_failed_submission_is_said_and_the_order_goes_once_tried_again(
    error: BaseException,
    sentence: Text,
    where,
    store: Store,
    clock,
    hub_for_kiosk: Hub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hub = hub_for_kiosk
    stick = picture_stick(tmp_path / "stick")
    async with kiosk_at_hall(where, store, clock, hub.server.base_url, camera="", stick=stick) as at:
        await at_the_information_step(at, hub, FORM)
        await at.press("#next")
        await at.on_screen(ReviewScreen)
        await at.press("#next")
        await print_everything(at)
        await import_each(at)
        submit: SubmitScreen = await at.on_screen(SubmitScreen)
        order_id = submit.order_id
        monkeypatch.setattr(store.orders, "submit", fails_once(store.orders.submit, error))
        await at.press("#next")

        await _says_it_in_both_languages(at, sentence)
        assert store.orders.get(order_id).status is OrderStatus.DRAFT  # nothing half-sent
        assert set(store.attachments.of(order_id)) == set(DocumentKind) - {DocumentKind.SITUATION_STATEMENT}
        assert any(type(error).__name__ in detail for detail in _audited_failures(store))

        await at.press("#again")
        again: SubmitScreen = await at.on_screen(SubmitScreen)
        assert again is not submit and again.order_id == order_id  # the same order, not a new one
        await at.press("#next")
        await at.messages.wait(OrderSubmitted, lambda sent: sent.error is None)
        await at.until(lambda: again.delivery is Delivery.RECEIVED)
    assert hub.backend.orders.view_of(order_id).status is OrderStatus.AWAITING_REVIEW


async def test_a_failure_outside_a_visit_is_said_and_the_page_stays(
    where, store: Store, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_check(*_: object, **__: object) -> None:
        raise RuntimeError("a bug in the health check")

    monkeypatch.setattr("kiosk.services.health.check_all", broken_check)
    messages = Messages()
    app = make_app(where, KioskSettings(backend_url="http://127.0.0.1:9"), store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        await ready(pilot)
        dashboard = StaffScreen(None, id="staff")
        await app.push_screen(dashboard)
        await _until(
            pilot, lambda: isinstance(app.screen, FailureScreen) and bool(app.screen.query("#close"))
        )
        assert UNEXPECTED in screen_text(app)
        await pilot.click("#close")
        await pilot.pause()
        assert app.screen is dashboard and app.is_running
    assert any("RuntimeError" in detail for detail in _audited_failures(store))


class _SavesOnTap(KioskScreen):
    """A page whose button writes to the store in its handler, as a staff action does."""

    def compose(self) -> ComposeResult:
        yield Button("保存", id="save")

    def on_button_pressed(self, _: Button.Pressed) -> None:
        raise StorageFull()


async def test_a_full_disk_met_in_a_handler_closes_that_page_and_the_app_goes_on(
    where, store: Store, clock
) -> None:
    app = make_app(where, KioskSettings(backend_url="http://127.0.0.1:9"), store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await app.push_screen(_SavesOnTap(id="saves"))
        await pilot.click("#save")
        await _until(
            pilot, lambda: isinstance(app.screen, FailureScreen) and bool(app.screen.query("#close"))
        )
        assert STORAGE_FULL in screen_text(app) and app.is_running
        await pilot.click("#close")
        await pilot.pause()
        assert [screen.id for screen in app.screen_stack] == ["home"]
    assert app.return_code in (None, 0)
    assert any("StorageFull" in detail for detail in _audited_failures(store))


def test_on_a_full_disk_staff_can_still_sign_in_and_wrong_pins_still_count(tmp_path: Path) -> None:
    """Staff sign in to make room; the lockout is kept in memory until the store takes it."""
    with mounted_small_disk(tmp_path / "small-disk") as disk:
        home = locations(disk / "kiosk-home")
        store = Store.open(home.data_dir, home.key_file)
        try:
            gate = StaffGate(hash_pin("246810"), lockout=StoredLockout(store.state), clock=lambda: 1000.0)
            filler = fill(disk)
            for _ in range(MAX_FAILURES - 1):
                assert not gate.try_pin("000000").accepted
            assert gate.try_pin("246810").accepted  # the right PIN works on a full disk
            for _ in range(MAX_FAILURES):
                attempt = gate.try_pin("000000")
            assert attempt.locked_for > 0  # five wrong ones lock it, full disk or not
            filler.unlink()
            gate.try_pin("000000")  # still locked: nothing is tried, and nothing lost
            assert gate.locked_for() > 0
        finally:
            store.close()
