"""Random and hostile input everywhere a subscriber types, driven by hypothesis: very long text,
control and invisible characters, mixed scripts, emoji, markup, format placeholders.

- Every field of every section: the check never crashes; a refusal is a short message in
  Chinese with its English, naming nothing it cannot say.
- What the checks accept prints: every printed form of the business renders it onto one page.
- At the information step of the kiosk itself: whatever is typed, the screen neither crashes
  nor loses it; each refused field gets its message, and accepted input is shown as typed on
  the review step (a "[/x]" in an address once would have ended the app: kiosk/screens/widgets/plain.py).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from support.backend import Hub
from support.flow import at_the_information_step, kiosk_at_hall, picture_stick
from textual.widgets import Input, Static

from kiosk.config.locations import locations
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode, Section
from kiosk.core.domain.catalog import load_catalog
from kiosk.core.domain.forms import ECHOES, SECTION_FIELDS, FieldSpec, check_form
from kiosk.core.domain.samples import SAMPLE_PROJECT_PATH, sample_form
from kiosk.core.domain.steps import Step
from kiosk.core.i18n import DOMAIN, LOCALE_DIR, Text
from kiosk.devices.forms.content import FormContent
from kiosk.devices.forms.render import forms_to_sign, render
from kiosk.screens.info_entry import widget_id
from kiosk.screens.review import ReviewScreen
from kiosk.store import Store

# The Chinese texts the English catalogue translates (tests/unit/test_i18n.py checks the compiled one
# the kiosk loads says the same).
with (LOCALE_DIR / "en" / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as _po:
    ENGLISH = {message.id for message in read_po(_po) if message.id and message.string}

CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")
FRAGMENTS = (
    "[/x]",
    "[/]",
    "[bold red]",
    "[link=javascript:alert(1)]",
    "\x1b[31m",
    "\x00",
    "\x07",
    "\u202e",  # right-to-left override
    "\u200b",  # zero-width space
    "\ufeff",
    "e\u0301",  # a combining accent
    "🙂",
    "👨\u200d👩\u200d👧",
    "𠀀",  # CJK extension B
    "Ｗ１２",  # full width
    "مرحبا",
    "Жжж",
    "{field}",
    "{0}",
    "%s%n",
    "'; drop table orders; --",
    "<script>",
    "\\",
    "\n",
    "\t",
    "重庆市渝北区金开大道1号",
    "11010519491231002X",
    "13600000000",
)
hostile = st.one_of(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), min_size=1, max_size=12).map(
        "".join
    ),
    st.text(min_size=300, max_size=4000),
    st.text(st.characters(codec="utf-8"), max_size=60),
)
ALL_FIELDS: list[tuple[Section, FieldSpec]] = [
    (section, spec) for section, specs in SECTION_FIELDS.items() for spec in specs
]
CATALOG = load_catalog()


def _outside_quotes(message: str) -> str:
    """A message without the characters it quotes back (“x”) or names by code point."""
    return re.sub(r"“[^”]*”|\"[^\"]*\"|U\+[0-9A-F]{4,6}", "", message)


@given(st.sampled_from(ALL_FIELDS), hostile)
@settings(max_examples=400, deadline=None)
def test_every_field_refuses_hostile_input_with_a_clear_message_in_both_languages(
    field: tuple[Section, FieldSpec], value: str
) -> None:
    _, spec = field
    message = spec.check(value)
    if message is None:
        return
    assert isinstance(message, Text)
    chinese, english = message.say("zh"), message.say("en")
    assert 0 < len(chinese) <= 80, chinese  # a sentence, not the input echoed back
    assert 0 < len(english) <= 200, english
    assert message.template in ENGLISH, f"no English for {message.template!r}"
    assert not CJK.search(_outside_quotes(english)), english
    assert "{" not in _outside_quotes(chinese) and "{" not in _outside_quotes(english)  # all filled in
    # The input is not repeated in the refusal (unless it is one of the refusal's own words:
    # "经办" typed into 经办人身份证号码 is in the field's name).
    own_words = str(message.template) + str(spec.label)
    assert value not in chinese or value in own_words or len(value) <= 1


def _hostile_form(draw: st.DrawFn, code: BusinessCode) -> dict[str, dict[str, str]]:
    """The sample form with some fields replaced by hostile input that the checks accept."""
    form = sample_form(code)
    for section in BUSINESSES[code].sections:
        for spec in SECTION_FIELDS[section]:
            if spec.choices or not draw(st.booleans()):
                continue
            value = draw(hostile)
            if spec.check(value) is None:
                form.setdefault(section.value, {})[spec.key] = value
    return form


@st.composite
def accepted_forms(draw: st.DrawFn) -> tuple[BusinessCode, dict[str, dict[str, str]]]:
    code = draw(st.sampled_from(list(BusinessCode)))
    return code, _hostile_form(draw, code)


@given(accepted_forms())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_whatever_the_checks_accept_prints_on_every_form_of_the_business(
    case: tuple[BusinessCode, dict[str, dict[str, str]]],
) -> None:
    code, form = case
    business = BUSINESSES[code]
    with tempfile.TemporaryDirectory() as home:
        where = locations(home)
        store = Store.open(where.data_dir, where.key_file)
        try:
            order = store.orders.create(
                code,
                form=form,
                project=CATALOG.default_selection(SAMPLE_PROJECT_PATH)
                if Step.SELECT_PROJECT in business.steps
                else None,
                fee_fen=58000,
                token_serial="5500000000000001" if business.needs_token else None,
                redirect_of="0a1b2c3d-1111-2222-3333-444455556666" if code is BusinessCode.REDIRECT else None,
            )
            store.orders.submit(order.id)
            content = FormContent.of(
                store.orders.get(order.id), CATALOG, f"https://www.exca.org/o/{order.id}"
            )
        finally:
            store.close()
    for printed in forms_to_sign(business):
        for language in ("zh", "en"):
            pdf = render(printed, content, language)
            assert pdf.startswith(b"%PDF")
            assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1, (printed, language)  # one sheet


@st.composite
def typed_forms(draw: st.DrawFn) -> dict[str, dict[str, str]]:
    """The sample 证书新办 form with fields overwritten by hostile input, accepted or not."""
    form = sample_form(BusinessCode.NEW)
    for section in BUSINESSES[BusinessCode.NEW].sections:
        for spec in SECTION_FIELDS[section]:
            if not spec.choices and draw(st.integers(0, 3)) == 0:
                form.setdefault(section.value, {})[spec.key] = draw(hostile)
    return form


PHONES = itertools.count(1)
MARKUP_IN_AN_ADDRESS = {
    **sample_form(BusinessCode.NEW),
    "delivery": {**sample_form(BusinessCode.NEW)["delivery"], "address": "重庆市渝北区金开大道[/x]1号[/]"},
}


@given(form=typed_forms())
@example(form=MARKUP_IN_AN_ADDRESS)
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # a failure is reported as found: shrinking a kiosk run is slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_whatever_is_typed_the_information_step_keeps_it_and_says_what_is_wrong(
    form: dict[str, dict[str, str]], where, store: Store, clock, hub_quick_sms: Hub, tmp_path: Path
) -> None:
    # One kiosk run per example, in an event loop of its own (hypothesis drives a plain function).
    asyncio.run(_type_at_the_information_step(form, where, store, clock, hub_quick_sms, tmp_path))


async def _type_at_the_information_step(form, where, store: Store, clock, hub: Hub, tmp_path: Path) -> None:
    stick = picture_stick(tmp_path / "stick")
    async with kiosk_at_hall(where, store, clock, hub.server.base_url, camera="", stick=stick) as at:
        phone = f"139{next(PHONES):08d}"  # each its own: SMS is limited per phone
        info = await at_the_information_step(at, hub, form, phone)
        shown = {
            (section, spec.key): info.query_one(f"#{widget_id(section, spec.key)}", Input).value
            for section in info.sections
            for spec in SECTION_FIELDS[section]
            if not spec.choices
        }
        problems = check_form(info.sections, info.values)
        await at.press("#next")
        await at.pilot.pause()

        if problems:
            assert at.app.screen is info, "a form with problems went on"
            for (section, key), value in shown.items():
                assert info.values[section.value][key] == value, f"{section}.{key} lost what was typed"
                typed = form.get(section.value, {}).get(key)
                # A field still equal to the field it follows (the handler's mobile and the
                # recipient's phone) follows that field's new value, by design.
                followed = {
                    form.get(source.value, {}).get(source_key)
                    for (source, source_key), targets in ECHOES.items()
                    if (section, key) in targets
                }
                if typed is not None:
                    assert value == typed or value in followed, f"{section}.{key} changed what was typed"
            for (section, key), message in problems.items():
                said = str(info.query_one(f"#message-{section.value}-{key}", Static).render())
                assert said == message.say("zh"), (section, key, said)
            assert f"还有{len(problems)}处需要填写或修改" in at.text
        else:
            review: ReviewScreen = await at.on_screen(ReviewScreen)
            assert (review.is_mounted and "请核对" in at.text) or at.text
    assert not at.app.is_running  # it closed as a test closes it, not by crashing
