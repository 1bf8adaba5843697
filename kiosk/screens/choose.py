"""A step that picks the one thing a business acts on, from what the backend knows: 改派 picks
the order whose shipment changes, 证书注销 the lost key whose certificate is revoked.

The list is read in a worker (it is the network); each item is a tile, the chosen one marked;
下一步 takes it. Unreachable, the page says so and offers 重试; nothing typed so far is lost
(it is in the draft)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from kiosk.core.i18n import Bilingual, Text
from kiosk.screens.messages import ChoicesLoaded
from kiosk.screens.step import StepScreen
from kiosk.screens.widgets.plain import Button, Static
from kiosk.screens.widgets.tile import Tile
from kiosk.services.choices import Choice
from kiosk.services.journey import Outcome

LOADING = Text("正在查询…")


ChoiceAnswer = tuple[Outcome, str | None]


class ChooseScreen(StepScreen[ChoiceAnswer]):
    AUTO_FOCUS = "#choices Tile, #back"
    DEFAULT_CSS: ClassVar[str] = """
    #choose-body { height: 1fr; padding: 1 3; }
    #choose-intro { height: auto; text-style: bold; margin-bottom: 1; }
    #choose-note { height: auto; color: $warning; margin-bottom: 1; }
    #choices Tile { height: auto; padding: 0 1; margin-bottom: 1; border: round $panel; }
    #choices Tile.selected { background: $primary 50%; text-style: bold; border: round $success; }
    """

    def __init__(
        self,
        heading: Text,
        *,
        intro: Text,
        empty: Text,
        offline: Text | None,  # what to say when the backend is unreachable (else its own words)
        load: Callable[[], list[Choice]],
        chosen: str | None = None,
        id: str | None = "choose",
    ) -> None:
        super().__init__(heading, id=id)
        self.intro, self.empty, self.offline, self.load = intro, empty, offline, load
        self.choices: list[Choice] = []
        self.chosen = chosen
        self.note: Text | None = LOADING
        self.failed = False  # the list could not be read: 重试 is offered
        self.loaded = False  # the worker has answered (with the list or why there is none)

    def body(self) -> ComposeResult:
        with VerticalScroll(id="choose-body"):
            yield Static(self.t(self.intro), id="choose-intro")
            yield Static(self.t(self.note) if self.note else "", id="choose-note")
            with VerticalScroll(id="choices"):
                for index, choice in enumerate(self.choices):
                    tile = Tile(self._text(choice), id=f"choice-{index}")
                    tile.set_class(choice.key == self.chosen, "selected")
                    yield tile

    def extra_actions(self) -> ComposeResult:
        yield Button(self.t(Text("重试")), id="retry")

    def on_mount(self) -> None:
        self._refresh_buttons()
        self._load()

    async def recompose(self) -> None:
        await super().recompose()
        self._refresh_buttons()

    def _text(self, choice: Choice) -> str:
        mark = "▶ " if choice.key == self.chosen else "  "
        lines = [self.t(line) for line in choice.lines]
        return "\n".join([mark + lines[0], *("  " + line for line in lines[1:])])

    def _refresh_buttons(self) -> None:
        self.query_one("#next", Button).disabled = not any(c.key == self.chosen for c in self.choices)
        self.query_one("#retry", Button).display = self.failed

    @work(thread=True, exclusive=True, group="choices", exit_on_error=False, description="list choices")
    def _load(self) -> None:
        from kiosk.backend_client.errors import BackendError

        try:
            choices = self.load()
        except BackendError as error:
            self.post_message(ChoicesLoaded(None, error))
            return
        self.post_message(ChoicesLoaded(choices, None))

    async def on_choices_loaded(self, message: ChoicesLoaded) -> None:
        from kiosk.backend_client.errors import Offline

        error = message.error
        self.failed = message.choices is None
        if message.choices is not None:
            self.choices = message.choices
            self.note = None if self.choices else self.empty
        elif isinstance(error, Offline) and self.offline is not None:
            self.note = self.offline
        elif error is not None:
            self.note = Bilingual(str(error.message), error.message_en)
        self.loaded = True
        await self.recompose()
        self._focus_best()

    def _focus_best(self) -> None:
        """Enter goes on with what was chosen; otherwise the first item (or 重试) is ready."""
        next_button = self.query_one("#next", Button)
        if not next_button.disabled:
            next_button.focus()
        elif self.choices:
            self.query_one("#choice-0", Tile).focus()
        elif self.query_one("#retry", Button).display:
            self.query_one("#retry", Button).focus()

    async def on_tile_pressed(self, event: Tile.Pressed) -> None:
        tile = event.tile.id or ""
        if not tile.startswith("choice-"):
            return
        event.stop()
        self.chosen = self.choices[int(tile.removeprefix("choice-"))].key
        await self.recompose()
        self._focus_best()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "retry":
            event.stop()
            self.note, self.failed, self.loaded = LOADING, False, False
            self.query_one("#choose-note", Static).update(self.t(LOADING))
            event.button.display = False
            self._load()
            return
        super().on_button_pressed(event)

    def go(self, outcome: Outcome) -> None:
        if outcome is Outcome.NEXT and not any(choice.key == self.chosen for choice in self.choices):
            return
        self.dismiss((outcome, self.chosen if outcome is Outcome.NEXT else None))
