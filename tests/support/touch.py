"""Typing as a subscriber does at the glass: a tap on the field, then a tap on each key the
kiosk draws. Nothing here sets a value or sends a printable key press: every character goes
through a click on an on-screen key, where the key is drawn, as a finger would press it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from textual.errors import NoWidget
from textual.events import Click, MouseDown, MouseUp
from textual.geometry import Offset
from textual.pilot import OutOfBounds, _get_mouse_message_arguments
from textual.widget import Widget
from textual.widgets import OptionList

from kiosk.screens.widgets.keyboard import CASE, MODE, PAGE_NEXT, Key, OnScreenKeyboard
from kiosk.services.pinyin.composer import Composer, shared_index


def keyboard_of(pilot: Any) -> OnScreenKeyboard:
    return pilot.app.screen.query_one(OnScreenKeyboard)


def key_for(pilot: Any, value: str) -> Key | None:
    """The key drawn for `value` (a character, a word such as "@qq.com", or a control)."""
    return next((key for key in keyboard_of(pilot).query(Key) if key.value == value), None)


async def tap_widget(pilot: Any, widget: Widget) -> bool:
    """A tap where `widget` is drawn (scrolled into sight first, as a finger would swipe). True
    when the finger came down on `widget` itself, not on something drawn over it."""
    if _busy(pilot.app):  # what came before the finger is handled and laid out first
        await _handled(pilot)
    if not _drawn_where_it_is(pilot, widget):
        widget.scroll_visible(animate=False, immediate=True)
        await pilot.pause()
    return await finger(pilot, widget)


async def finger(pilot: Any, widget: Widget, offset: tuple[int, int] = (0, 0)) -> bool:
    """Mouse down, up and click at `offset` in `widget` (its top-left corner), the events
    pilot.click sends, the same way: each forwarded by the screen to what is under the finger
    once the app has handled the one before and laid out what it changed (a field tapped opens
    the keys; what the finger is lifted over is what is there then). True when the finger came
    down on `widget`.

    pilot.click also waits for the process to idle (20 ms at least) and draws a frame before
    each event; neither changes what a tap does. Here one pause after the click does: idle,
    drawn. A tap on a key of the information step: about a third less time, a tenth less CPU."""
    app = pilot.app
    screen = app.screen
    arguments = _get_mouse_message_arguments(widget, offset, button=1)
    position = Offset(arguments["x"], arguments["y"])
    if position not in screen.size.region:
        raise OutOfBounds(f"{position} is outside the screen")
    try:
        under: Widget | None = screen.get_widget_at(*position)[0]
    except NoWidget:
        under = None
    for kind in (MouseDown, MouseUp, Click):
        app.mouse_position = position
        screen._forward_event(kind(**arguments, chain=1) if kind is Click else kind(**arguments))
        if kind is not Click:
            await _handled(pilot)
    await pilot.pause()
    return under is widget


async def _handled(pilot: Any) -> None:
    """Until every widget of the screen has handled what it was sent (and what that sent on),
    and the screen is laid out anew where that changed it."""
    app = pilot.app
    await pilot._wait_for_screen()
    for _ in range(50):
        screen = app.screen
        if screen._layout_required or screen._scroll_required:
            screen._on_timer_update()  # the layout (and a frame: Textual draws what it lays out)
        busy = _busy(app)
        if not busy:
            return
        await _drained(busy)  # those still at work, not every widget again
    await pilot.pause()  # still busy (a worker, a timer): as pilot.click would wait


def _busy(app: Any) -> list[Any]:
    """The app, screen and widgets holding messages not handled yet or a layout not made."""
    screen = app.screen
    nodes = (app, *screen.walk_children(with_self=True))
    busy = [
        node for node in nodes if not node._message_queue.empty() or getattr(node, "_layout_required", False)
    ]
    return [screen, *busy] if screen._layout_required or screen._scroll_required else busy


async def _drained(nodes: list[Any]) -> None:
    """Until each of `nodes` has handled the messages it holds now."""
    done, left = asyncio.Event(), 0

    def handled() -> None:
        nonlocal left
        left -= 1
        if not left:
            done.set()

    for node in nodes:
        left += bool(node.call_later(handled))
    if left:
        await asyncio.wait_for(done.wait(), 30)


def _drawn_where_it_is(pilot: Any, widget: Widget) -> bool:
    """Whether the screen, as last laid out, shows all of `widget`, and shows it under its
    top-left corner (where the finger comes down)."""
    screen = pilot.app.screen
    try:
        geometry = screen.find_widget(widget)
        under, _ = screen.get_widget_at(*geometry.region.offset)
    except NoWidget:  # not laid out, or nothing there
        return False
    region = geometry.region
    return under is widget and bool(region) and geometry.clip.contains_region(region)


async def tap_option(pilot: Any, options: OptionList, index: int) -> None:
    """A tap on the `index`th entry of a list, on its first line where it is drawn."""
    if not _drawn_where_it_is(pilot, options):
        options.scroll_visible(animate=False, immediate=True)
        await pilot.pause()
    line = options._index_to_line[index] - round(options.scroll_y)
    assert 0 <= line < options.content_region.height, f"entry {index} is not in sight (line {line})"
    region, content = options.region, options.content_region
    offset = (content.x - region.x, content.y - region.y + line)
    landed = await finger(pilot, options, offset)
    assert landed, f"a tap on entry {index} of {options!r} lands on another widget"


async def tap_field(pilot: Any, selector: str) -> None:
    await _tap_on(pilot, pilot.app.screen.query_one(selector), f"the field {selector}")


async def _tap_on(pilot: Any, widget: Widget, what: str) -> None:
    """A tap that must come down on `widget`: a field or key covered by another (a key under
    the keyboard's edge, a field under the keys) is a tap the subscriber cannot make."""
    if not await tap_widget(pilot, widget):
        region = widget.region
        try:
            under: Widget | None = pilot.app.screen.get_widget_at(*region.offset)[0]
        except NoWidget:
            under = None
        raise AssertionError(f"a tap on {what} at {region} lands on {under!r}")


async def tap_key(pilot: Any, value: str) -> None:
    key = key_for(pilot, value)
    if key is None and value.isalpha() and key_for(pilot, CASE) is not None:
        await _tap_on(pilot, _present(pilot, CASE), "the case key")  # the other case
        key = key_for(pilot, value)
    await _tap_on(pilot, _present(pilot, value) if key is None else key, f"the key {value!r}")


async def tap_keys(pilot: Any, keys: str) -> None:
    """Tap these keys, one by one (pinyin letters on a Chinese keyboard are composed)."""
    for char in keys:
        await tap_key(pilot, char)


async def tap_text(pilot: Any, text: str) -> None:
    """Type `text` so that the field holds it: Chinese by its pinyin and a tap on the right candidate, as a
    subscriber picks them; digits and punctuation on their keys; Latin letters in a Chinese
    field with the keys switched to 英文 and back."""
    for run in _runs(text):
        if _is_chinese(run[0]):
            await _tap_chinese(pilot, run)
        elif run[0].isascii() and run[0].isalpha() and _composes(pilot):
            await tap_key(pilot, MODE)
            await tap_keys(pilot, run)
            await tap_key(pilot, MODE)
        else:
            await tap_keys(pilot, run)


def _is_chinese(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _runs(text: str) -> list[str]:
    """Chinese, Latin letters and everything else, each kind run together."""
    runs: list[str] = []
    for char in text:
        kind = "zh" if _is_chinese(char) else "latin" if char.isascii() and char.isalpha() else char
        previous = runs[-1][-1] if runs else ""
        same = previous and (
            "zh" if _is_chinese(previous) else "latin" if previous.isascii() and previous.isalpha() else None
        )
        if same == kind:
            runs[-1] += char
        else:
            runs.append(char)
    return runs


def _composes(pilot: Any) -> bool:
    keyboard = keyboard_of(pilot)
    return keyboard.composer is not None and not keyboard.latin


def _syllables(chinese: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return list(lazy_pinyin(chinese))


def _pinyin(chinese: str) -> str:
    """How a subscriber spells it: syllables run together, ' before one that starts a vowel."""
    spelled = ""
    for syllable in _syllables(chinese):
        spelled += ("'" if spelled and syllable[0] in "aeo" else "") + syllable
    return spelled


@dataclass(frozen=True)
class _Pick:
    """One word as a subscriber types it: its spelling, then a tap on it on a page of candidates."""

    text: str
    spelling: str
    page: int

    @property
    def taps(self) -> int:
        return len(self.spelling) + self.page + 1


LONGEST_WORD = 8  # characters picked at once
PAGES_LOOKED_AT = 3


def _plan(composer: Composer, wanted: str) -> _Pick | None:
    """The fewest taps a character for the beginning of `wanted`, as a subscriber who knows the
    candidate bar types it: a word spelled in full (chongqingshi) or by its initials (cqs),
    picked on the first pages that offer it exactly, for those letters and no others. Read from
    the index the keyboard itself offers from, so the keys then show what was planned."""
    best: _Pick | None = None
    size = composer.page_size
    for length in range(min(len(wanted), LONGEST_WORD), 0, -1):
        word = wanted[:length]
        syllables = _syllables(word)
        spellings = {_pinyin(word)} | ({"".join(s[0] for s in syllables)} if length > 1 else set())
        for spelling in sorted(spellings, key=len):
            offered = shared_index().candidates(spelling, name=composer.names, limit=size * PAGES_LOOKED_AT)
            at = next(
                (i for i, c in enumerate(offered) if c.text == word and c.consumed == len(spelling)), None
            )
            if at is None:
                continue
            pick = _Pick(word, spelling, at // size)
            if best is None or pick.taps * len(best.text) < best.taps * length:
                best = pick
    return best


async def _tap_chinese(pilot: Any, wanted: str) -> None:
    keyboard = keyboard_of(pilot)
    composer = keyboard.composer
    assert composer is not None, "a Chinese character on a keyboard that has no pinyin"
    while wanted and not composer.letters and (pick := _plan(composer, wanted)) is not None:
        await tap_keys(pilot, pick.spelling)
        chosen = await _find_candidate(pilot, pick.text, pages=pick.page + 1, exact=len(pick.spelling))
        assert chosen is not None, (
            f"{pick.text!r} is not offered on page {pick.page + 1} for {pick.spelling!r}"
        )
        await _tap_on(pilot, chosen, f"the candidate {pick.text!r}")
        assert not composer.letters, f"{composer.letters!r} left after {pick.text!r}"
        wanted = wanted[len(pick.text) :]
    while wanted:  # letters already composed, or a word the first pages do not offer
        if not composer.letters:
            await tap_keys(pilot, _pinyin(wanted))
        chosen = await _find_candidate(pilot, wanted)
        if chosen is None:  # the long spelling offers nothing that starts right: one character
            while composer.letters:
                await tap_key(pilot, "backspace")
            await tap_keys(pilot, _pinyin(wanted[0]))
            chosen = await _find_candidate(pilot, wanted[0], pages=20)
            assert chosen is not None, f"{wanted[0]!r} is not offered for {_pinyin(wanted[0])!r}"
        picked = chosen.candidate.text  # type: ignore[union-attr]
        await _tap_on(pilot, chosen, f"the candidate {picked!r}")
        wanted = wanted[len(picked) :]
        if not wanted:
            while composer.letters:  # letters the last pick did not use up
                await tap_key(pilot, "backspace")


async def _find_candidate(pilot: Any, wanted: str, pages: int = 5, exact: int | None = None) -> Key | None:
    """The longest candidate on this or the next pages that `wanted` starts with (with `exact`:
    `wanted` itself, standing for that many letters)."""
    for _ in range(pages):
        shown = [
            key
            for key in keyboard_of(pilot).query(Key)
            if key.candidate is not None
            and key.display
            and wanted.startswith(key.candidate.text)
            and (exact is None or (key.candidate.text == wanted and key.candidate.consumed == exact))
        ]
        if shown:
            return max(shown, key=lambda key: len(key.candidate.text))  # type: ignore[union-attr]
        more = key_for(pilot, PAGE_NEXT)
        if more is None or not more.display:
            return None
        await _tap_on(pilot, more, "下一页")
    return None


async def tap_in(pilot: Any, selector: str, text: str) -> None:
    """Tap the field, clear it with the keyboard's own key (when it holds anything), and type
    `text` on the keys."""
    await tap_field(pilot, selector)
    target = keyboard_of(pilot).target
    assert target is not None and target is pilot.app.screen.query_one(selector), (
        f"the keys did not open for {selector}"
    )
    if target.value:
        await tap_key(pilot, "clear")
    await tap_text(pilot, text)


def _present(pilot: Any, value: str) -> Key:
    key = key_for(pilot, value)
    drawn = sorted(key.value for key in keyboard_of(pilot).query(Key))
    assert key is not None, f"no key {value!r} on this keyboard: {drawn}"
    return key
