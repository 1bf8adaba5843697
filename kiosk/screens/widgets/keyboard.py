"""The keyboard the kiosk draws: the only way a subscriber at the glass enters a character.

A field says which keyboard it needs by being a `KeyedInput` with a `Keyboard` kind
(kiosk/core/domain/keyboards.py). A screen that has such fields yields one `OnScreenKeyboard`;
it follows the focus: it opens with the right keys when a keyed field is focused, types into that
field, and closes when 完成 is tapped (a tap on a button leaves it open: see `_focus_moved`). Keys never take
the focus, so the field keeps its cursor. A physical keyboard keeps working: what it types goes
through the same check, and a character the field cannot hold is refused with the same sentence.

Keys are Statics, not Buttons: a Button ignores a second tap for 0.2 s after a press (its active
effect), so a digit tapped twice quickly would be typed once. A key shows it was tapped for a
moment without refusing the next tap."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from kiosk.core.domain.keyboards import Keyboard, Layout, layout
from kiosk.core.i18n import Text
from kiosk.screens.base import Kiosk
from kiosk.screens.widgets.plain import Static
from kiosk.services.pinyin.composer import Composer
from kiosk.services.pinyin.index import Candidate

# Below this many rows (80x24 and the like) keys are one line tall and the step's own buttons
# give way while the keyboard is open; at 120x40 a key is three lines (about 20 mm on a 21.5"
# 1920x1080 glass, 7 cells wide: 30 mm), one line at 80x24 is still 11 mm: a fingertip is ~10 mm.
COMPACT_BELOW_ROWS = 36
DENSE_ABOVE_ROWS = 2  # rows of character keys drawn three lines tall; more are two lines
PRESSED_LOOK_S = 0.12

BACKSPACE, CLEAR, LEFT, RIGHT, CASE, DONE = "backspace", "clear", "left", "right", "case", "done"
MODE, PAGE_BACK, PAGE_NEXT, CANDIDATE = "mode", "page-back", "page-next", "candidate"
CANDIDATES_SHOWN = 6  # a page of candidates: six words of up to four characters fit 80 columns
CONTROLS: dict[str, Text] = {
    LEFT: Text("◀"),
    RIGHT: Text("▶"),
    BACKSPACE: Text("退格"),
    CLEAR: Text("清空"),
    DONE: Text("输入完成"),
}


class KeyedInput(Input):
    """An Input that is typed on a given on-screen keyboard, and holds only what that keyboard's
    field can hold, from the glass or from a physical keyboard alike."""

    class Refused(Message):
        """A character the field cannot hold was tapped or typed; `reason` says why."""

        def __init__(self, field: KeyedInput, reason: Text) -> None:
            super().__init__()
            self.field, self.reason = field, reason

    def __init__(self, value: str = "", *, keyboard: Keyboard, **options: Any) -> None:
        self.keyboard = keyboard
        self.keys: Layout = layout(keyboard)
        if self.keys.length is not None:
            options.setdefault("max_length", self.keys.length)
        options.setdefault("password", self.keys.secret)
        super().__init__(value, **options)

    def type_text(self, text: str) -> None:
        """What a key types: over the selection, else at the cursor."""
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    def replace(self, text: str, start: int, end: int) -> None:
        refused = self.keys.refused(text)
        if refused is not None:
            self._tell_keyboard(Text(self.keys.refusal.template, char=refused))
            return
        super().replace(self.keys.normalise(text), start, end)

    def restricted(self) -> None:
        # Only the length restricts here (what a field cannot hold is refused above): say so
        # rather than ring a bell nobody hears.
        self._tell_keyboard(
            Text("{name}已满{count}位，如需修改请先退格", name=self.keys.name, count=self.max_length)
        )

    def watch_value(self) -> None:
        for keyboard in self._keyboards():
            keyboard.field_changed(self)

    def _tell_keyboard(self, reason: Text) -> None:
        # The keyboard is not among the field's ancestors, so the message is sent to it; from
        # there it bubbles to the screen as any message would.
        for keyboard in self._keyboards():
            keyboard.post_message(self.Refused(self, reason))

    def _keyboards(self) -> list[OnScreenKeyboard]:
        return list(self.screen.query(OnScreenKeyboard)) if self.is_mounted else []


class Key(Static, can_focus=False):
    """One key. `value` is what it types, or the name of a control (backspace, done ...)."""

    def __init__(
        self, label: str, value: str, *, control: bool = False, refused: bool = False, id: str | None = None
    ) -> None:
        classes = "key" + (" control" if control else "") + (" -refused" if refused else "")
        super().__init__(label, classes=classes, id=id or (f"key-{value}" if control else None))
        self.value, self.control = value, control
        self.candidate: Candidate | None = None  # what a candidate key offers

    def tapped(self) -> None:
        """A tap, taken by the screen in the order taps were made (KioskMixin._forward_event)."""
        self.add_class("-pressed")
        self.set_timer(PRESSED_LOOK_S, lambda: self.remove_class("-pressed"))
        for keyboard in self.ancestors:
            if isinstance(keyboard, OnScreenKeyboard):
                keyboard.press(self)
                return

    def on_click(self, event: events.Click) -> None:
        # Only on a screen that does not take taps in order itself (none of the kiosk's).
        event.stop()
        self.tapped()


class OnScreenKeyboard(Vertical):
    DEFAULT_CSS: ClassVar[str] = """
    OnScreenKeyboard { height: auto; display: none; background: $boost; padding: 0 1; }
    OnScreenKeyboard.-open { display: block; }
    OnScreenKeyboard #keyboard-hint { height: 1; content-align: center middle; width: 1fr; }
    OnScreenKeyboard #keyboard-hint.-refused { color: $text-error; text-style: bold; }
    OnScreenKeyboard .key-row { height: auto; align: center top; }
    OnScreenKeyboard Key {
        width: 1fr; max-width: 7; min-width: 4; height: 3; margin: 0 1 0 0; content-align: center middle;
        background: $panel; border: tall $panel-lighten-2; text-style: bold;
    }
    OnScreenKeyboard Key.word { width: auto; max-width: 16; min-width: 9; padding: 0 1; }
    OnScreenKeyboard Key.control {
        width: auto; max-width: 12; min-width: 7; padding: 0 1; background: $primary-muted;
    }
    OnScreenKeyboard Key#key-done { background: $success; }
    OnScreenKeyboard #candidates { height: 3; align: left top; }
    OnScreenKeyboard.-dense #candidates { height: 2; }
    OnScreenKeyboard.-compact #candidates { height: 1; }
    OnScreenKeyboard Key.candidate {
        width: auto; max-width: 24; min-width: 6; padding: 0 1; background: $primary;
    }
    OnScreenKeyboard Key.-refused { color: $text-disabled; }
    OnScreenKeyboard Key.-pressed { background: $accent; }
    OnScreenKeyboard.-dense Key { height: 2; border: none; border-top: hkey $panel-lighten-2; }
    OnScreenKeyboard.-compact Key { height: 1; max-width: 6; border: none; margin: 0 1 0 0; }
    OnScreenKeyboard.-compact Key.control, OnScreenKeyboard.-compact Key.word { max-width: 16; }
    OnScreenKeyboard.-compact Key.candidate { max-width: 24; }
    """

    def __init__(self, *, id: str | None = "keyboard") -> None:
        super().__init__(id=id)
        self.target: KeyedInput | None = None
        self.shifted = False
        self.refusal: Text | None = None
        self.composer: Composer | None = None  # for a Chinese field: the pinyin being typed
        self.latin = False  # a Chinese field's keys switched to typing Latin letters as they are

    def t(self, text: str) -> str:
        return cast("Kiosk", self.app).t(text)

    # --- following the focus ------------------------------------------------------------------
    def on_mount(self) -> None:
        self.watch(self.screen, "focused", self._focus_moved)
        # Fitted now and at each opening, not by watching the app's size: a watcher on the app
        # would keep this keyboard, and what it was composing, alive after its screen is gone.
        self._fit()

    def _fit(self) -> None:
        compact = self.app.size.height < COMPACT_BELOW_ROWS
        self.set_class(compact, "-compact")
        self.screen.set_class(compact, "-compact")

    def _focus_moved(self, focused: Widget | None) -> None:
        # Opened by a keyed field; closed by 完成 (or when nothing has the focus), never by a
        # tap on a button: the focus moves when the finger goes down and the button presses
        # when it comes up, so closing here would move the button away from under the finger.
        if isinstance(focused, KeyedInput):
            self.open_for(focused)
        elif focused is None:
            self.close()

    def open_for(self, field: KeyedInput) -> None:
        self._fit()
        same_keys = self.target is not None and self.target.keyboard is field.keyboard
        self.target, self.refusal = field, None
        if not same_keys or self.composer is not None:
            self.shifted, self.latin = False, False
            keys = field.keys
            self.composer = Composer(names=keys.names, page_size=CANDIDATES_SHOWN) if keys.pinyin else None
            # A keyboard of many rows draws its keys two lines tall, so the field stays in sight.
            self.set_class(len(field.keys.rows) + bool(field.keys.words) > DENSE_ABOVE_ROWS, "-dense")
            self.refresh(recompose=True)
        else:
            self._show_hint()
        self.add_class("-open")
        self.screen.add_class("-typing")
        self.call_after_refresh(self._reveal)

    def _reveal(self) -> None:
        """The field being typed stays in sight above the keys, once they take their room."""
        if self.target is not None:
            self.target.scroll_visible(animate=False, immediate=True)

    def close(self) -> None:
        self.target = None
        self.remove_class("-open")
        self.screen.remove_class("-typing")

    # --- the keys -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="keyboard-hint")
        if self.target is None:
            return
        keys = self.target.keys
        if self.composer is not None:
            with Horizontal(id="candidates", classes="key-row"):
                for slot in range(CANDIDATES_SHOWN):
                    candidate = Key("", CANDIDATE, id=f"candidate-{slot}")
                    candidate.add_class("candidate")
                    yield candidate
                yield Key(self.t(Text("上一页")), PAGE_BACK, control=True)
                yield Key(self.t(Text("下一页")), PAGE_NEXT, control=True)
        for row in keys.rows:
            with Horizontal(classes="key-row"):
                for char in row:
                    shown = char
                    if keys.cases:  # lower case unless switched (Chinese composes from lower case)
                        raised = self.shifted and (self.latin or not keys.pinyin)
                        shown = char.upper() if raised else char.lower()
                    yield Key(shown, shown, refused=keys.refused(shown) is not None)
        if keys.words:
            with Horizontal(classes="key-row"):
                for word in keys.words:
                    key = Key(word, word)
                    key.add_class("word")
                    yield key
        with Horizontal(classes="key-row"):
            if keys.pinyin:
                yield Key(self.t(Text("中文") if self.latin else Text("英文")), MODE, control=True)
            if keys.cases and (self.latin or not keys.pinyin):
                yield Key(self.t(Text("大写") if not self.shifted else Text("小写")), CASE, control=True)
            for value, label in CONTROLS.items():
                yield Key(self.t(label), value, control=True)

    async def recompose(self) -> None:
        await super().recompose()
        self._show_candidates()
        self._show_hint()
        self.call_after_refresh(self._reveal)

    def _show_hint(self) -> None:
        found = self.query("#keyboard-hint")
        if not found:  # not composed: the screen is going (a failure, the idle wipe)
            return
        hint = cast(Static, found.first())
        hint.set_class(self.refusal is not None, "-refused")
        hint.update(self.t(self.refusal) if self.refusal is not None else self._progress())

    def _progress(self) -> str:
        if self.target is None:
            return ""
        if self.composer is not None and self.composer.letters:
            return self.t(Text("拼音：{letters}", letters=self.composer.letters))
        keys = self.target.keys
        missing = keys.missing(self.target.value)
        if missing is None:
            return self.t(keys.name)
        if missing == 0:
            return self.t(Text("{name}已满{count}位", name=keys.name, count=keys.length))
        return self.t(Text("{name} · 还差{count}位", name=keys.name, count=missing))

    def press(self, key: Key) -> None:
        """A tap on one of this keyboard's keys."""
        field = self.target
        if field is None:
            return
        self.refusal = None
        composer = self.composer
        composing = composer is not None and not self.latin
        if key.value == CANDIDATE and composer is not None and key.candidate is not None:
            field.type_text(composer.choose(key.candidate))
        elif not key.control:
            if composing and composer is not None and composer.add(key.value):
                pass  # a pinyin letter: composed, not typed
            elif composing and composer is not None and composer.letters:
                self.refusal = Text("请先选择候选字，或点“退格”删去拼音")
            else:
                field.type_text(key.value)  # a refusal, if any, comes back as KeyedInput.Refused
        elif key.value == BACKSPACE:
            if composer is None or not composer.back():
                field.action_delete_left()
        elif key.value == CLEAR:
            if composer is not None:
                composer.clear()
            field.clear()
        elif key.value == LEFT:
            field.action_cursor_left()
        elif key.value == RIGHT:
            field.action_cursor_right()
        elif key.value in (PAGE_BACK, PAGE_NEXT) and composer is not None:
            composer.turn(-1 if key.value == PAGE_BACK else 1)
        elif key.value in (CASE, MODE):
            self._commit_letters()
            if key.value == CASE:
                self.shifted = not self.shifted
            else:
                self.latin, self.shifted = not self.latin, False
            self.refresh(recompose=True)
            return
        elif key.value == DONE:
            self._commit_letters()
            self.screen.set_focus(None)
            return
        self._show_candidates()
        self._show_hint()

    def _commit_letters(self) -> None:
        """Letters still being composed go into the field as they are, rather than be lost."""
        if self.composer is not None and self.composer.letters and self.target is not None:
            self.target.type_text(self.composer.letters)
            self.composer.clear()

    def _show_candidates(self) -> None:
        composer = self.composer
        if composer is None or not self.query("#candidates"):
            return
        offered = composer.offered if not self.latin else []
        slots = [key for key in self.query_one("#candidates").query(Key) if key.value == CANDIDATE]
        for slot, key in enumerate(slots):
            candidate = offered[slot] if slot < len(offered) else None
            key.candidate = candidate
            key.display = candidate is not None
            key.update(candidate.text if candidate is not None else "")
        self.query_one(f"#key-{PAGE_BACK}", Key).display = bool(offered) and composer.page > 0
        self.query_one(f"#key-{PAGE_NEXT}", Key).display = bool(offered) and composer.has_more
        # The bar keeps its room while nothing is composed (hidden, not removed): were the keys
        # to grow and shrink by it, the whole step above would be laid out and painted again,
        # which doubled the time from a tap to the screen (bench/keyboard_tap.py).
        shown = bool(composer.letters) and not self.latin
        self.query_one("#candidates").styles.visibility = "visible" if shown else "hidden"
        if composer.stuck and not self.latin and self.refusal is None:
            self.refusal = Text("没有与“{letters}”对应的汉字，请检查拼音", letters=composer.letters)

    def on_keyed_input_refused(self, event: KeyedInput.Refused) -> None:
        if event.field is self.target:
            self.refusal = event.reason
            self._show_hint()

    def field_changed(self, field: KeyedInput) -> None:
        if field is self.target and self.is_attached:
            self.refusal = None
            self._show_hint()


def staff_credentials(id_hint: str, pin_hint: str, *, pin_id: str = "pin") -> tuple[KeyedInput, KeyedInput]:
    """A staff member's ID and PIN fields, as the staff sign-in and an assisted unlock ask them."""
    staff_id = KeyedInput(placeholder=id_hint, keyboard=Keyboard.STAFF_ID, max_length=40, id="staff-id")
    pin = KeyedInput(placeholder=pin_hint, keyboard=Keyboard.STAFF_PIN, max_length=32, id=pin_id)
    return staff_id, pin
