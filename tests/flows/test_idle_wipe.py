"""The idle wipe forgets the last subscriber everywhere: not only the screen stack and the store
(tests/flows/test_app.py), but in memory too. After a subscriber signed in and typed their details
and walked away, no screen or input of their visit is still alive to be read by the next person
or a memory dump, nothing in the store holds their draft, and the home screen shows none of it.

It found that a finished thread worker stayed reachable from its pool thread's context, and
with it the sign-in screen and the phone number: kiosk/ui/worker_threads.py is the fix."""

from __future__ import annotations

import contextlib
import contextvars
import gc
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from support.backend import Hub
from support.clear_text import personal_values
from support.flow import (
    PHONE,
    choose_project,
    fill_form,
    kiosk_at_hall,
    picture_stick,
    sign_in,
    start_business,
)
from textual.screen import Screen
from textual.widgets import Input

from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.samples import sample_form
from kiosk.screens.home import HomeScreen
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.project import ProjectScreen
from kiosk.store import Store
from kiosk.ui.worker_threads import ForgetfulThreadPool


async def test_after_the_idle_wipe_no_screen_or_input_of_the_visit_is_alive(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    form = sample_form(BusinessCode.NEW)
    typed = [*personal_values(form), PHONE]
    stick = picture_stick(tmp_path / "stick")
    # What earlier tests in this process left for the collector to find is not this visit's.
    gc.collect()
    earlier: weakref.WeakSet[object] = weakref.WeakSet(
        obj for obj in gc.get_objects() if isinstance(obj, (Screen, Input))
    )
    async with kiosk_at_hall(
        where, store, clock, hub_for_kiosk.server.base_url, camera="", stick=stick
    ) as at:
        app = at.app
        await start_business(at, BusinessCode.NEW)
        await sign_in(at, hub_for_kiosk)
        await at.on_screen(ProjectScreen)
        await choose_project(at)
        await at.press("#next")
        await at.on_screen(InfoEntryScreen)
        fill_form(at, form)
        await at.pilot.pause()
        assert any(field.value == "11010519491231002X" for field in app.screen.query(Input))
        assert store.orders.all(), "the visit's draft is in the store before the wipe"

        settings = app.settings
        assert settings is not None
        clock.advance(settings.idle_timeout_s)
        app.tick_idle()
        await at.pilot.pause()
        clock.advance(settings.idle_countdown_s)
        app.tick_idle()
        await at.until(lambda: isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 1)
        await at.pilot.pause()

        assert app.session.is_empty
        assert store.orders.all() == [], "a draft of the visit survived"
        assert list(store.attachments.folder.iterdir()) == []
        shown = at.text
        assert not [value for value in typed if value in shown]

        # A call in flight when the wipe came (the earlier-form look-up, say) holds its screen
        # until it returns: wait for it, then nothing may hold on.
        await at.until(lambda: all(worker.group == "sync" for worker in app.workers))
        at.messages.seen.clear()  # the test's own record of messages refers to their senders

        def visit_screens() -> list[Screen]:
            gc.collect()
            return [
                obj
                for obj in gc.get_objects()
                if isinstance(obj, Screen)
                and obj not in earlier
                and obj not in app.screen_stack
                and not _installed(app, obj)
            ]

        # A popped screen closes in its own task: wait for that (on a busy machine it takes a
        # few turns of the loop), and fail if a screen is still held once there is nothing left to do.
        with contextlib.suppress(TimeoutError):
            await at.until(lambda: not visit_screens(), timeout=20)
        visit = visit_screens()
        assert visit == [], f"screens of the last visit still alive: {visit}"
        holding = [
            field.id
            for field in (obj for obj in gc.get_objects() if isinstance(obj, Input) and obj not in earlier)
            if any(value in field.value for value in typed)
        ]
        assert holding == [], f"inputs still holding what was typed: {holding}"


def _installed(app, screen: Screen) -> bool:
    """Screens the app keeps for good (installed by name), which hold nothing of a visit."""
    return screen in getattr(app, "_installed_screens", {}).values()


def test_a_pool_thread_keeps_nothing_a_call_set_in_its_context() -> None:
    remembered: contextvars.ContextVar[str] = contextvars.ContextVar("remembered", default="")

    def leave_behind() -> None:
        remembered.set("13600000000")

    with ThreadPoolExecutor(max_workers=1) as plain, ForgetfulThreadPool(max_workers=1) as forgetful:
        plain.submit(leave_behind).result()
        assert plain.submit(remembered.get).result() == "13600000000"  # what the fix is for
        forgetful.submit(leave_behind).result()
        assert forgetful.submit(remembered.get).result() == ""
