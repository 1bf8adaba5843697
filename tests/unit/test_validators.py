"""Validators: a specific Chinese message for each kind of bad input, None for valid input.

Valid codes are generated from the standards' own check-character rules, so "no valid USCC
or ID is refused" is tested over thousands of codes, and every single-character change of
a valid code is refused.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.domain import validators as v
from kiosk.core.domain.validators import normalize_code

TODAY = date(2026, 11, 24)

# --- generators of valid codes ---------------------------------------------------------------
uscc_bodies = st.tuples(
    st.sampled_from(sorted(v.USCC_AUTHORITIES)),
    st.sampled_from(v.USCC_CHARSET),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=v.USCC_CHARSET, min_size=9, max_size=9),
).map("".join)
valid_usccs = uscc_bodies.map(lambda body: body + v.uscc_check_character(body))

valid_ids = (
    st.tuples(
        st.sampled_from(sorted(v.ID_PROVINCES)),
        st.integers(0, 9999),
        st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
        st.integers(0, 999),
    )
    .map(lambda p: f"{p[0]:02d}{p[1]:04d}{p[2]:%Y%m%d}{p[3]:03d}")
    .map(lambda body: body + v.id_check_character(body))
)


def _single_changes(code: str, alphabet: str) -> st.SearchStrategy[str]:
    """Every way to replace one character with another one that means something else."""
    return (
        st.tuples(st.integers(0, len(code) - 1), st.sampled_from(alphabet))
        .filter(lambda change: normalize_code(change[1]) != code[change[0]])
        .map(lambda change: code[: change[0]] + change[1] + code[change[0] + 1 :])
    )


@given(valid_usccs)
@settings(max_examples=500)
def test_every_generated_uscc_passes(code: str) -> None:
    assert v.validate_uscc(code) is None
    assert v.validate_uscc(code.lower()) is None  # typed in lower case, same code


@given(valid_ids)
@settings(max_examples=500)
def test_every_generated_id_number_passes(code: str) -> None:
    assert v.validate_id_number(code, today=TODAY) is None


@given(st.data())
@settings(max_examples=500)
def test_any_single_character_change_of_a_uscc_fails(data: st.DataObject) -> None:
    code = data.draw(valid_usccs)
    changed = data.draw(_single_changes(code, v.USCC_CHARSET + "IOZSV!中 "))
    assert v.validate_uscc(changed) is not None


@given(st.data())
@settings(max_examples=500)
def test_any_single_character_change_of_an_id_number_fails(data: st.DataObject) -> None:
    code = data.draw(valid_ids)
    changed = data.draw(_single_changes(code, "0123456789XA-中"))
    assert v.validate_id_number(changed, today=TODAY) is not None


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # a real, published USCC (format example of GB 32100)
        "91110000802100433B",
    ],
)
def test_known_valid_usccs(code: str) -> None:
    assert v.validate_uscc(code) is None, v.validate_uscc(code)


def test_full_width_input_is_the_same_code() -> None:
    assert v.validate_uscc("９１３５０１００Ｍ０００１００Ｙ４３") is None
    assert v.validate_id_number(" 11010519491231002x ", today=TODAY) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请填写统一社会信用代码"),
        ("9135010", "统一社会信用代码应为18位，当前为7位"),
        ("91350100M000100I43", "统一社会信用代码第16位“I”无效：只能是数字或大写字母（不含I、O、Z、S、V）"),
        ("B1350100M000100Y43", "统一社会信用代码第1位（登记管理部门代码）“B”无效"),
        ("913A0100M000100Y43", "统一社会信用代码第3至8位应为行政区划代码（6位数字）"),
        ("91350100M000100Y44", "统一社会信用代码校验位不符，请逐位核对"),
        ("915000000000000000", "统一社会信用代码校验位不符，请逐位核对"),  # the manual's placeholder
    ],
)
def test_uscc_messages(value: str, message: str) -> None:
    assert v.validate_uscc(value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请填写身份证号码"),
        ("110105491231002", "15位旧身份证号码已停用，请填写18位身份证号码"),
        ("1101051949123100", "身份证号码应为18位，当前为16位"),
        ("1101051949A231002X", "身份证号码第11位“A”应为数字"),
        ("11010519491231002Y", "身份证号码第18位应为数字或X"),
        ("99010519491231002X", "身份证号码前6位（地址码）“990105”不是有效的行政区划代码"),
        ("110105194902300021", "身份证号码中的出生日期“19490230”不存在"),
        ("110105202712010021", "身份证号码中的出生日期“20271201”晚于今天"),
        ("110105189912310021", "身份证号码中的出生年份1899不合理"),
        ("110105194912310021", "身份证号码校验位不符，请逐位核对"),
    ],
)
def test_id_number_messages(value: str, message: str) -> None:
    assert v.validate_id_number(value, today=TODAY) == message


def test_id_number_born_today_is_valid_and_tomorrow_is_not() -> None:
    today_body = f"500101{TODAY:%Y%m%d}123"
    tomorrow_body = f"500101{TODAY + timedelta(days=1):%Y%m%d}123"
    assert v.validate_id_number(today_body + v.id_check_character(today_body), today=TODAY) is None
    message = v.validate_id_number(tomorrow_body + v.id_check_character(tomorrow_body), today=TODAY)
    assert message is not None and "晚于今天" in message


def test_field_name_appears_in_message() -> None:
    assert v.validate_id_number("", field="经办人身份证号码") == "请填写经办人身份证号码"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("13500000000", None),
        ("+86 135 0000 0000", None),
        ("135-0000-0000", None),
        ("", "请填写手机号码"),
        ("1350000000a", "手机号码只能包含数字"),
        ("1350000000", "手机号码应为11位数字，当前为10位"),
        ("12500000000", "手机号码应以13至19开头"),
    ],
)
def test_mobile(value: str, message: str | None) -> None:
    assert v.validate_mobile(value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("023-63211234", None),
        ("02363211234", None),
        ("0851-8822334-801", None),
        ("400-023-5888", None),
        ("13800001111", None),
        ("6321123", "电话格式不正确，例如 023-12345678 或 13812345678"),
        ("12800001111", "电话应以13至19开头"),
    ],
)
def test_phone(value: str, message: str | None) -> None:
    assert v.validate_phone(value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("handler@example.com", None),
        ("li.ming+ca@mail.cq.cn", None),
        ("", "请填写电子邮箱"),
        ("handler.example.com", "电子邮箱应包含一个“@”，例如 name@example.com"),
        ("经办人@example.com", "电子邮箱“@”前面只能是英文字母、数字和 . _ % + - 符号"),
        (".li@example.com", "电子邮箱“@”前面的“.”不能在开头、结尾或连续出现"),
        ("li@example", "电子邮箱的域名“example”不完整或有误，例如 example.com"),
        ("li@exa_mple.com", "电子邮箱的域名“exa_mple.com”不完整或有误，例如 example.com"),
        ("a" * 250 + "@x.cn", "电子邮箱太长（最多254个字符）"),
    ],
)
def test_email(value: str, message: str | None) -> None:
    assert v.validate_email(value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91350100M000100Y43", None),
        ("110105194912310021", "纳税人识别号校验位不符：18位的纳税人识别号即统一社会信用代码，请逐位核对"),
        ("11010519491231002X", None),  # an individual's taxpayer ID is their ID number
        ("500101123456789", None),
        ("50010112345678901234", None),
        ("", "请填写纳税人识别号"),
        ("5001011234", "纳税人识别号应为15、18或20位，当前为10位"),
        ("500101#23456789", "纳税人识别号中的“#”无效：只能是数字和大写字母"),
        ("A00101123456789", "纳税人识别号前6位应为行政区划代码（6位数字）"),
    ],
)
def test_taxpayer_id(value: str, message: str | None) -> None:
    assert v.validate_taxpayer_id(value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("6222 0212 3456 7890 123", None),
        ("", "请填写银行账号"),
        ("6222O2123456", "银行账号只能包含数字"),
        ("1234567", "银行账号应为8至30位数字，当前为7位"),
    ],
)
def test_bank_account(value: str, message: str | None) -> None:
    assert v.validate_bank_account(value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("张三", None),
        ("阿依古丽·买买提", None),
        ("阿依古丽•买买提", None),  # a bullet typed for the middle dot is accepted
        ("欧阳〇〇", None),
        ("", "请填写姓名"),
        ("张", "姓名至少2个汉字"),
        ("Zhang San", "姓名只能包含汉字和间隔号“·”，不能包含“Z”"),
        ("·买买提", "姓名中的间隔号“·”不能在开头、结尾或连续出现"),
        ("买买提··阿", "姓名中的间隔号“·”不能在开头、结尾或连续出现"),
        ("张" * 31, "姓名最多30个字"),
        ("张\u200b三", "姓名只能包含汉字和间隔号“·”，不能包含“U+200B”"),
    ],
)
def test_person_name(value: str, message: str | None) -> None:
    assert v.validate_person_name(value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("东方中讯数字证书认证有限公司", None),
        ("重庆市某某建设工程（集团）有限公司", None),
        ("ABC科技(重庆)有限公司", None),
        ("", "请填写单位名称"),
        ("公", "单位名称至少2个字"),
        ("公司\x07", "单位名称含有不可见字符U+0007，请重新输入"),
        ("公司😀", "单位名称不能包含“😀”"),
        ("123", "单位名称应包含汉字或字母"),
        ("公" * 101, "单位名称最多100个字，当前为101个字"),
    ],
)
def test_unit_name(value: str, message: str | None) -> None:
    assert v.validate_unit_name(value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("重庆市渝北区金开大道100号", None),
        ("", "请填写邮寄地址"),
        ("重庆", "请填写完整的邮寄地址：省、市、区县、街道和门牌号"),
        ("重庆市渝北区\x00金开大道", "邮寄地址含有不可见字符U+0000，请重新输入"),
    ],
)
def test_address(value: str, message: str | None) -> None:
    assert v.validate_address(value) == message


def test_messages_say_themselves_in_english() -> None:
    message = v.validate_id_number("110105194912310021", field="经办人身份证号码", today=TODAY)
    assert message is not None
    assert message.say("en") == (
        "Handler's ID number: the check character does not match; please check every character"
    )
    assert message.say("zh") == "经办人身份证号码校验位不符，请逐位核对"


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_no_validator_crashes_on_any_text(value: str) -> None:
    for validate in (
        v.validate_uscc,
        v.validate_id_number,
        v.validate_taxpayer_id,
        v.validate_mobile,
        v.validate_phone,
        v.validate_email,
        v.validate_bank_account,
        v.validate_person_name,
        v.validate_unit_name,
        v.validate_address,
    ):
        result = validate(value)
        assert result is None or (isinstance(result, str) and result)
