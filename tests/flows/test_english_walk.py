"""A subscriber who chose English at the home screen walks a whole 证书新办 and reads no Chinese
the kiosk wrote: every screen on the way (guide, sign-in, project, information, review, printing,
capture, import, submission, receipt) and the order list afterwards.
What may stay Chinese is what is Chinese by nature: the subscriber's own data, the hall's
configured name, the button that switches back to 中文, and the characters the keys of the
on-screen keyboard type (its Chinese punctuation: a key is a character, not a sentence)."""

from __future__ import annotations

import re
from pathlib import Path

from support.backend import Hub
from support.flow import (
    PHONE,
    AtKiosk,
    choose_project,
    fill_form,
    import_each,
    kiosk_at_hall,
    open_orders,
    picture_stick,
    print_everything,
    sign_in,
)
from support.pilot import screen_text, tap

from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.keyboards import LAYOUTS
from kiosk.core.domain.samples import sample_form
from kiosk.screens.capture import DocumentCaptureScreen
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.messages import OrderSubmitted
from kiosk.screens.project import ProjectScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.sign_in import SignInScreen
from kiosk.screens.submit import SubmitScreen
from kiosk.store import Store

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


class EnglishReader:
    """Collects, screen by screen, the Chinese that the kiosk itself put on an English screen."""

    def __init__(self, at: AtKiosk, allowed: set[str]) -> None:
        self.at = at
        self.allowed = sorted((value for value in allowed if CJK.search(value)), key=len, reverse=True)
        self.found: dict[str, list[str]] = {}

    def read(self, where: str) -> None:
        text = screen_text(self.at.app)
        for value in self.allowed:
            text = text.replace(value, "")
        chinese = [line.strip() for line in text.splitlines() if CJK.search(line)]
        if chinese:
            self.found[where] = chinese


def _allowed(at: AtKiosk) -> set[str]:
    """Chinese by nature: the subscriber's data (whole and as masked), the hall's name, and the
    language switch's own name for Chinese."""
    form = sample_form(BusinessCode.NEW)
    values = {value for section in form.values() for value in section.values() if value}
    masked = (
        {value[:6] for value in values} | {value[:3] for value in values} | {value[:1] for value in values}
    )
    settings = at.app.settings
    assert settings is not None
    typed_by_keys = {char for keys in LAYOUTS.values() for row in keys.rows for char in row}
    return values | masked | typed_by_keys | {settings.hall_name, "中文"}


async def test_an_english_visit_reads_no_chinese_the_kiosk_wrote(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    stick = picture_stick(tmp_path / "stick")
    async with kiosk_at_hall(where, store, clock, hub.server.base_url, camera="", stick=stick) as at:
        reader = EnglishReader(at, _allowed(at))
        at.app.toggle_language()
        await at.pilot.pause()
        reader.read("home")
        await tap(at.pilot, f"business-{BusinessCode.NEW.value}")
        await at.pilot.pause()
        reader.read("guide")
        await at.press("#start")
        await at.on_screen(SignInScreen)
        reader.read("sign-in")
        await sign_in(at, hub)
        await at.on_screen(ProjectScreen)
        reader.read("project")
        await choose_project(at)
        reader.read("project chosen")
        await at.press("#next")
        await at.on_screen(InfoEntryScreen)
        reader.read("information")
        fill_form(at, sample_form(BusinessCode.NEW))
        await at.pilot.pause()
        await at.press("#next")
        await at.on_screen(ReviewScreen)
        reader.read("review")
        await at.press("#next")
        await print_everything(at)
        await at.on_screen(DocumentCaptureScreen)
        reader.read("capture")
        await import_each(at)
        await at.on_screen(SubmitScreen)
        reader.read("submit")
        await at.press("#next")
        await at.messages.wait(OrderSubmitted)
        await at.pilot.pause()
        reader.read("submitted")
        await at.press("#next")
        await print_everything(at)
        await at.until(lambda: len(at.app.screen_stack) == 1)
        at.app.toggle_language()  # the wipe went back to Chinese; the next visitor chooses again
        await at.pilot.pause()
        await open_orders(at, hub, PHONE)
        reader.read("orders")
    assert reader.found == {}, "\n".join(f"{where}: {lines}" for where, lines in reader.found.items())
