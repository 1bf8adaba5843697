"""Typing as a subscriber does at the glass: a tap on the field, then a tap on each key the
kiosk draws. Nothing here sets a value or sends a printable key press: every character goes
through a click on an on-screen key, where the key is drawn, as a finger would press it."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget

from kiosk.screens.widgets.keyboard import CASE, MODE, PAGE_NEXT, Key, OnScreenKeyboard


def keyboard_of(pilot: Any) -> OnScreenKeyboard:
    return pilot.app.screen.query_one(OnScreenKeyboard)


def key_for(pilot: Any, value: str) -> Key | None:
    """The key drawn for `value` (a character, a word such as "@qq.com", or a control)."""
    return next((key for key in keyboard_of(pilot).query(Key) if key.value == value), None)


async def tap_widget(pilot: Any, widget: Widget) -> None:
    """A tap where `widget` is drawn (scrolled into sight first, as a finger would swipe)."""
    widget.scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    await pilot.click(widget)
    await pilot.pause()


async def tap_field(pilot: Any, selector: str) -> None:
    await tap_widget(pilot, pilot.app.screen.query_one(selector))


async def tap_key(pilot: Any, value: str) -> None:
    key = key_for(pilot, value)
    if key is None and value.isalpha() and key_for(pilot, CASE) is not None:
        await tap_widget(pilot, _present(pilot, CASE))  # the other case
        key = key_for(pilot, value)
    await tap_widget(pilot, _present(pilot, value) if key is None else key)


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


def _pinyin(chinese: str) -> str:
    """How a subscriber spells it: syllables run together, ' before one that starts a vowel."""
    from pypinyin import lazy_pinyin

    spelled = ""
    for syllable in lazy_pinyin(chinese):
        spelled += ("'" if spelled and syllable[0] in "aeo" else "") + syllable
    return spelled


async def _tap_chinese(pilot: Any, wanted: str) -> None:
    keyboard = keyboard_of(pilot)
    while wanted:
        composer = keyboard.composer
        assert composer is not None, "a Chinese character on a keyboard that has no pinyin"
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
        await tap_widget(pilot, chosen)
        wanted = wanted[len(picked) :]
        if not wanted:
            while composer.letters:  # letters the last pick did not use up
                await tap_key(pilot, "backspace")


async def _find_candidate(pilot: Any, wanted: str, pages: int = 5) -> Key | None:
    """The longest candidate on this or the next pages that `wanted` starts with."""
    for _ in range(pages):
        shown = [
            key
            for key in keyboard_of(pilot).query(Key)
            if key.candidate is not None and key.display and wanted.startswith(key.candidate.text)
        ]
        if shown:
            return max(shown, key=lambda key: len(key.candidate.text))  # type: ignore[union-attr]
        more = key_for(pilot, PAGE_NEXT)
        if more is None or not more.display:
            return None
        await tap_widget(pilot, more)
    return None


async def tap_in(pilot: Any, selector: str, text: str) -> None:
    """Tap the field, clear it with the keyboard's own key, and type `text` on the keys."""
    await tap_field(pilot, selector)
    await tap_key(pilot, "clear")
    await tap_text(pilot, text)


def _present(pilot: Any, value: str) -> Key:
    key = key_for(pilot, value)
    drawn = sorted(key.value for key in keyboard_of(pilot).query(Key))
    assert key is not None, f"no key {value!r} on this keyboard: {drawn}"
    return key
