"""The keyboards as data (which characters each kind of field holds, how many are still
missing) and the pinyin composer behind the Chinese keyboard, on the index setup built."""

from __future__ import annotations

import pytest

from kiosk.core.domain.businesses import Section
from kiosk.core.domain.forms import SECTION_FIELDS, field_spec
from kiosk.core.domain.keyboards import LAYOUTS, Keyboard, layout
from kiosk.services.pinyin.composer import Composer


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_a_credit_code_never_holds_the_five_letters(letter: str) -> None:
    assert layout(Keyboard.CREDIT_CODE).refused(letter) == letter
    assert layout(Keyboard.TAXPAYER_ID).refused(letter) is None  # older numbers may


def test_each_layout_draws_what_it_holds_and_says_why_it_refuses() -> None:
    for kind, keys in LAYOUTS.items():
        assert "{char}" in keys.refusal.template, kind
        drawn = "".join(keys.rows) + "".join(keys.words)
        if keys.holds is not None:
            # Every character a field can hold has a key (in either case, where case is kept).
            assert all(char in drawn or char.swapcase() in drawn or char == "+" for char in keys.holds), kind


def test_an_id_number_raises_x_and_counts_what_is_missing() -> None:
    keys = layout(Keyboard.ID_NUMBER)
    assert keys.normalise("x") == "X" and keys.refused("x") is None
    assert keys.refused("a") == "A"
    assert keys.missing("11010519491231") == 4
    assert layout(Keyboard.EMAIL).normalise("ZhangSan@QQ.com") == "zhangsan@qq.com"
    assert layout(Keyboard.TEXT).refused("重庆（渝中）#") is None  # Chinese text: its own check judges


def test_every_field_of_the_forms_names_its_keyboard() -> None:
    assert field_spec(Section.UNIT, "uscc").keyboard is Keyboard.CREDIT_CODE
    assert field_spec(Section.HANDLER, "name").keyboard is Keyboard.NAME
    assert field_spec(Section.DELIVERY, "address").keyboard is Keyboard.TEXT
    typed = [spec for specs in SECTION_FIELDS.values() for spec in specs if not spec.choices]
    assert {spec.keyboard for spec in typed} >= {Keyboard.MOBILE, Keyboard.EMAIL, Keyboard.PHONE}


def test_the_composer_commits_a_word_and_keeps_composing_the_rest() -> None:
    composer = Composer(names=False, page_size=6)
    for letter in "chongqingshi":
        assert composer.add(letter)
    assert composer.offered[0].text == "重庆市"
    chongqing = next(candidate for candidate in composer.offered if candidate.text == "重庆")
    assert composer.choose(chongqing) == "重庆"
    assert composer.letters == "shi" and composer.offered
    assert composer.back() and composer.letters == "sh"
    composer.clear()
    assert not composer.back() and composer.offered == []


def test_the_composer_pages_and_says_when_nothing_is_spelled() -> None:
    composer = Composer(names=True, page_size=3)
    for letter in "zhangwei":
        composer.add(letter)
    first = [candidate.text for candidate in composer.offered]
    assert composer.has_more
    composer.turn(1)
    assert composer.page == 1 and not {candidate.text for candidate in composer.offered} & set(first)
    composer.turn(-1)
    assert [candidate.text for candidate in composer.offered] == first
    assert not composer.add("1") and not composer.add("é")
    composer.clear()
    for letter in "vvvv":
        composer.add(letter)
    assert composer.stuck and composer.letters == "vvvv"
    composer.clear()
    assert composer.add("'") and composer.letters == ""  # a separator needs a syllable first
