"""录入信息: the business's sections of the manual's form, each field with its label (* when the
manual requires it) and its message next to it, said as soon as the subscriber leaves the field
and kept up to date while they fix it. 下一步 checks everything, including the rules between
fields, and puts the focus on the first field to fix. What was typed is kept through 上一步, a
language switch and the idle countdown (the journey saves it in the draft).

When the subscriber answers a rejection, only the fields the reviewer named can change, and the
reviewer's note stands next to each of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, RadioButton, RadioSet

from kiosk.core.domain.businesses import Section
from kiosk.core.domain.forms import (
    DELIVERY_PICKUP,
    ECHOES,
    SECTION_FIELDS,
    SECTION_TITLES,
    FieldSpec,
    FormValues,
    check_form,
)
from kiosk.core.domain.keyboards import layout
from kiosk.core.i18n import Bilingual, Text
from kiosk.screens.messages import EarlierFormArrived
from kiosk.screens.step import StepScreen
from kiosk.screens.widgets.keyboard import KeyedInput
from kiosk.screens.widgets.pane import Pane
from kiosk.screens.widgets.plain import Button, Static
from kiosk.services.journey import Outcome

InfoAnswer = tuple[Outcome, FormValues]
Place = tuple[Section, str]
MAIL_ONLY = ("recipient", "phone", "address")  # delivery fields a self-pickup does not need
MAX_LENGTH = 200  # longer than any real value; a hostile paste stops here
RADIO_SET_WIDTH = 46  # cells: the row beside the label, as the stylesheet below gives it
RADIO_CELLS = 8  # a radio button's mark, padding and gap, beside its title
FILLED_FROM_EARLIER = Text("已按您上次为该单位填写的信息预先填好，请逐项核对")


def widget_id(section: Section, key: str) -> str:
    return f"field-{section.value}-{key}"


class InfoEntryScreen(StepScreen[InfoAnswer]):
    AUTO_FOCUS = "#info-body Input, #info-body RadioSet"
    DEFAULT_CSS: ClassVar[str] = """
    #info-body { height: 1fr; padding: 0 2; }
    #info-body .section { margin-top: 1; }
    .field-row { height: auto; }
    .field-label { width: 24; padding-top: 1; text-align: right; padding-right: 1; }
    .field-row Input { width: 46; }
    .field-row RadioSet { width: 46; layout: horizontal; height: auto; }
    .field-row RadioSet.stacked { layout: vertical; }
    .field-message { width: 1fr; padding-top: 1; padding-left: 1; color: $error; height: auto; }
    .field-message.note { color: $warning; }
    #info-summary { height: auto; padding: 0 2; color: $error; text-style: bold; }
    """

    def __init__(
        self,
        heading: Text,
        sections: tuple[Section, ...],
        form: Mapping[str, Mapping[str, str]],
        *,
        rejected: Mapping[str, str] | None = None,
        sample: Mapping[str, Mapping[str, str]] | None = None,
        notice: Text | None = None,
        earlier: Callable[[], FormValues] | None = None,
        id: str | None = "enter-info",
    ) -> None:
        super().__init__(heading, id=id)
        self.notice = notice  # what this business asks to be typed (a change: the new information)
        # Reads what the subscriber typed for this unit last time (blocking: run in a worker).
        self.earlier = earlier
        self.filled_from_earlier = False
        self.sections = sections
        self.values: dict[str, dict[str, str]] = {
            section.value: {
                spec.key: form.get(section, {}).get(spec.key, "") for spec in SECTION_FIELDS[section]
            }
            for section in sections
        }
        self.rejected = dict(rejected or {})  # "section.field" -> the reviewer's note
        self.sample = sample  # the demo's 填入演示数据
        # Coming back to this step: what was typed wrong is said again at once (what is still
        # empty waits until it is left, or until 下一步).
        self.messages: dict[Place, Text] = {
            (section, key): problem
            for (section, key), problem in check_form(sections, self.values).items()
            if self.values[section.value].get(key)
        }
        # What an echo last wrote into a field. A prefilled field equal to its source (a key's unit
        # name in both 企业名称 and 单位名称) counts as echoed, so a change typed into the source
        # reaches it too, as it would have had the subscriber typed both.
        self.echoed: dict[Place, str] = {
            (target_section, target_key): self.values[target_section.value][target_key]
            for (section, key), targets in ECHOES.items()
            if section in sections and (source := self.values[section.value][key])
            for target_section, target_key in targets
            if target_section in sections and self.values[target_section.value][target_key] == source
        }
        self.summary: Text | None = None

    # --- layout ------------------------------------------------------------------------------------
    def body(self) -> ComposeResult:
        t = self.t
        with Pane(id="info-body"):
            if self.rejected:
                yield Static(t(Text("审核未通过：请只修改下面标出的信息")), classes="warning")
            if self.notice:
                yield Static(t(self.notice), classes="warning", id="info-notice")
            if self.filled_from_earlier:
                yield Static(t(FILLED_FROM_EARLIER), classes="warning", id="info-earlier")
            for section in self.sections:
                yield Static(t(SECTION_TITLES[section]), classes="section")
                for spec in SECTION_FIELDS[section]:
                    yield from self._field_row(section, spec)
        yield Static("", id="info-summary")

    def extra_actions(self) -> ComposeResult:
        if self.sample is not None:
            yield Button(self.t(Text("填入演示数据")), id="fill-sample")

    def _field_row(self, section: Section, spec: FieldSpec) -> ComposeResult:
        value = self.values[section.value][spec.key]
        ident = widget_id(section, spec.key)
        editable = self._editable(section, spec.key)
        with Horizontal(classes="field-row", id=f"row-{section.value}-{spec.key}"):
            mark = "*" if spec.required else ""
            yield Static(f"{mark}{self.t(spec.label)}", classes="field-label")
            if spec.choices:
                # Choices sit side by side when they fit the row in this language, else one
                # under another, in full (English titles are longer).
                titles = [self.t(title) for _, title in spec.choices]
                side_by_side = sum(cell_len(title) + RADIO_CELLS for title in titles) <= RADIO_SET_WIDTH
                with RadioSet(id=ident, disabled=not editable, classes="" if side_by_side else "stacked"):
                    for (code, _), title in zip(spec.choices, titles, strict=True):
                        yield RadioButton(title, value == code, id=f"{ident}-{code}")
            else:
                yield KeyedInput(
                    value,
                    keyboard=spec.keyboard,
                    id=ident,
                    max_length=layout(spec.keyboard).length or MAX_LENGTH,
                    disabled=not editable,
                    select_on_focus=False,
                )
            yield Static("", id=f"message-{section.value}-{spec.key}", classes="field-message")

    def on_mount(self) -> None:
        self._refresh_widgets()
        if self.earlier is not None:
            self._read_earlier_form()

    @work(thread=True, exclusive=True, group="earlier-form", exit_on_error=False, description="earlier form")
    def _read_earlier_form(self) -> None:
        from kiosk.backend_client.errors import BackendError

        assert self.earlier is not None
        try:
            form = self.earlier()
        except BackendError:
            return  # offline, or signed in by staff: the subscriber types it, as on a first visit
        if form:
            self.post_message(EarlierFormArrived(form))

    def on_earlier_form_arrived(self, message: EarlierFormArrived) -> None:
        if self._fill_empty(message.form):
            self.filled_from_earlier = True
            self.refresh(recompose=True)

    async def recompose(self) -> None:
        await super().recompose()
        self._refresh_widgets()

    def _refresh_widgets(self) -> None:
        for section in self.sections:
            for spec in SECTION_FIELDS[section]:
                self._show_message((section, spec.key))
        pickup = self.values.get(Section.DELIVERY.value, {}).get("method") == DELIVERY_PICKUP
        for key in MAIL_ONLY if Section.DELIVERY in self.sections else ():
            self.query_one(f"#row-{Section.DELIVERY.value}-{key}").display = not pickup
        self.query_one("#info-summary", Static).update(self.t(self.summary or ""))

    def _editable(self, section: Section, key: str) -> bool:
        return not self.rejected or f"{section.value}.{key}" in self.rejected

    def _show_message(self, place: Place) -> None:
        section, key = place
        message = self.messages.get(place)
        note = self.rejected.get(f"{section.value}.{key}")
        widget = self.query_one(f"#message-{section.value}-{key}", Static)
        if message is None and note:
            widget.update(self.t(Text("审核意见：{note}", note=Bilingual(note, note))))
        else:
            widget.update(self.t(message or ""))
        widget.set_class(message is None and bool(note), "note")

    # --- typing ------------------------------------------------------------------------------------
    @staticmethod
    def _place(ident: str | None) -> Place | None:
        if not ident or not ident.startswith("field-"):
            return None
        section, _, key = ident.removeprefix("field-").partition("-")
        return Section(section), key

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        place = self._place(event.input.id)
        if place is None:
            return
        self._set(place, event.value)
        if place in self.messages:  # fixing a field that was said to be wrong: say when it is right
            self._check(place)
        for target in ECHOES.get(place, ()):
            self._echo(target, event.value)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        place = self._place(event.input.id)
        if place is not None:
            self._check(place)

    @on(RadioSet.Changed)
    def _chose(self, event: RadioSet.Changed) -> None:
        place = self._place(event.radio_set.id)
        if place is None or event.pressed.id is None:
            return
        self._set(place, event.pressed.id.removeprefix(f"{event.radio_set.id}-"))
        self._check(place)

    def _set(self, place: Place, value: str) -> None:
        section, key = place
        self.values[section.value][key] = value

    def _echo(self, target: Place, value: str) -> None:
        section, key = target
        if section not in self.sections or not self._editable(section, key):
            return
        field = self.query_one(f"#{widget_id(section, key)}", Input)
        # The field as shown, not as last reported: its own Changed may still be on its way.
        current = field.value
        if current and current != self.echoed.get(target):
            return  # the subscriber typed their own
        self.echoed[target] = value
        self._set(target, value)
        field.value = value

    def _check(self, place: Place) -> None:
        """The field's own problem, or a rule between fields that concerns it; a message shown
        for another field that this value made right goes too (the invoice title and the unit
        name, a VAT invoice's bank, mail's address)."""
        problems = check_form(self.sections, self.values)
        self.messages = {shown: problems[shown] for shown in self.messages if shown in problems}
        if place in problems:
            self.messages[place] = problems[place]
        self._refresh_widgets()

    # --- leaving -----------------------------------------------------------------------------------
    def form(self) -> FormValues:
        """What was typed, trimmed; a self-pickup keeps no mailing details (hidden, and
        personal data the CA does not need)."""
        form = {
            section: {key: value.strip() for key, value in values.items() if value.strip()}
            for section, values in self.values.items()
        }
        delivery = form.get(Section.DELIVERY.value, {})
        if delivery.get("method") == DELIVERY_PICKUP:
            form[Section.DELIVERY.value] = {key: v for key, v in delivery.items() if key not in MAIL_ONLY}
        return form

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "fill-sample" and self.sample is not None:
            event.stop()
            self._fill_empty(self.sample)
            self.refresh(recompose=True)
            return
        super().on_button_pressed(event)

    def _fill_empty(self, source: Mapping[str, Mapping[str, str]]) -> bool:
        """Fill the fields still empty (and open to change) from `source`; what the subscriber
        typed, or the key told, stays. True when anything was filled."""
        filled = False
        for section in self.sections:
            for key, value in source.get(section, {}).items():
                current = self.values[section.value]
                if key in current and value and self._editable(section, key) and not current[key]:
                    current[key] = value
                    filled = True
        problems = check_form(self.sections, self.values)
        self.messages = {place: problems[place] for place in self.messages if place in problems}
        self.summary = None
        return filled

    def go(self, outcome: Outcome) -> None:
        if outcome is Outcome.NEXT:
            problems = check_form(self.sections, self.values)
            self.messages = dict(problems)
            self._refresh_widgets()
            if problems:
                self.summary = Text("还有{count}处需要填写或修改，请看红字提示", count=len(problems))
                self.query_one("#info-summary", Static).update(self.t(self.summary))
                section, key = next(iter(problems))
                first = self.query_one(f"#{widget_id(section, key)}")
                first.focus()
                first.scroll_visible()
                return
        self.dismiss((outcome, self.form()))
