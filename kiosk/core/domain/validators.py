"""Field validators: each `validate_<field>(value) -> Text | None` returns a specific message
(which field, what is wrong) or None when the value is valid.

`Text` is a `str` holding the Chinese wording that can also be said in English. The same
functions back the kiosk's inputs, the backend's checks and the tests.

Codes are compared after `normalize_code` (full-width characters from a Chinese input method
become ASCII, spaces go, letters go upper case), so what the subscriber means is what counts.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Protocol

from kiosk.core.i18n import Text

# --- GB 32100-2015: unified social credit code (统一社会信用代码) ------------------------------
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# First character: the registration authority (1 编办, 5 民政, 9 市场监管, Y 其他, ...).
USCC_AUTHORITIES = frozenset("123456789ANY")

# --- GB 11643-1999: citizen identity number (公民身份号码) ----------------------------------
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # indexed by the weighted sum mod 11
# Province-level address codes (GB/T 2260), plus 83 of residence permits for Taiwan residents.
ID_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
EARLIEST_BIRTH_YEAR = 1900

MIDDLE_DOT = "·"
_DOT_LOOKALIKES = str.maketrans(dict.fromkeys("•・･‧∙⋅．", MIDDLE_DOT))


class Validator(Protocol):
    def __call__(self, value: str, /) -> Text | None: ...


def normalize_code(value: str) -> str:
    """Full-width to ASCII, no spaces or hyphens, upper case: for USCC, ID and taxpayer numbers."""
    value = unicodedata.normalize("NFKC", value)
    return re.sub(r"[\s\-]", "", value).upper()


def normalize_text(value: str) -> str:
    """Trimmed, with inner runs of white space as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip()


def normalize_person_name(value: str) -> str:
    return re.sub(r"\s+", "", value).translate(_DOT_LOOKALIKES)


def _control_character(value: str) -> str | None:
    return next((ch for ch in value if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"}), None)


def _describe(ch: str) -> str:
    """A character as a person can read it back, even when it is invisible."""
    if ch.isprintable() and not ch.isspace():
        return ch
    return f"U+{ord(ch):04X}"


# --- codes ----------------------------------------------------------------------------------
def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARSET.index(ch) * weight for ch, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str, *, field: str = Text("统一社会信用代码")) -> Text | None:
    code = normalize_code(value)
    name = Text(field)
    if not code:
        return Text("请填写{field}", field=name)
    if len(code) != 18:
        return Text("{field}应为18位，当前为{count}位", field=name, count=len(code))
    for position, ch in enumerate(code, start=1):
        if ch not in USCC_CHARSET:
            return Text(
                "{field}第{position}位“{char}”无效：只能是数字或大写字母（不含I、O、Z、S、V）",
                field=name,
                position=position,
                char=_describe(ch),
            )
    if code[0] not in USCC_AUTHORITIES:
        return Text("{field}第1位（登记管理部门代码）“{char}”无效", field=name, char=code[0])
    if not code[2:8].isdigit():
        return Text("{field}第3至8位应为行政区划代码（6位数字）", field=name)
    if uscc_check_character(code[:17]) != code[17]:
        return Text("{field}校验位不符，请逐位核对", field=name)
    return None


def id_check_character(first17: str) -> str:
    total = sum(int(ch) * weight for ch, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def validate_id_number(
    value: str, *, field: str = Text("身份证号码"), today: date | None = None
) -> Text | None:
    code = normalize_code(value)
    name = Text(field)
    if not code:
        return Text("请填写{field}", field=name)
    if len(code) == 15 and code.isdigit():
        return Text("15位旧{field}已停用，请填写18位{field}", field=name)
    if len(code) != 18:
        return Text("{field}应为18位，当前为{count}位", field=name, count=len(code))
    for position, ch in enumerate(code[:17], start=1):
        if not ch.isascii() or not ch.isdigit():
            return Text(
                "{field}第{position}位“{char}”应为数字", field=name, position=position, char=_describe(ch)
            )
    if not (code[17].isascii() and (code[17].isdigit() or code[17] == "X")):
        return Text("{field}第18位应为数字或X", field=name)
    if int(code[:2]) not in ID_PROVINCES:
        return Text("{field}前6位（地址码）“{code}”不是有效的行政区划代码", field=name, code=code[:6])
    birth = code[6:14]
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        return Text("{field}中的出生日期“{birth}”不存在", field=name, birth=birth)
    if born > (today or date.today()):
        return Text("{field}中的出生日期“{birth}”晚于今天", field=name, birth=birth)
    if born.year < EARLIEST_BIRTH_YEAR:
        return Text("{field}中的出生年份{year}不合理", field=name, year=born.year)
    if id_check_character(code[:17]) != code[17]:
        return Text("{field}校验位不符，请逐位核对", field=name)
    return None


def validate_taxpayer_id(value: str) -> Text | None:
    """纳税人识别号: the USCC (18), or the older 15- and 20-character numbers."""
    code = normalize_code(value)
    if not code:
        return Text("请填写纳税人识别号")
    if len(code) not in (15, 18, 20):
        return Text("纳税人识别号应为15、18或20位，当前为{count}位", count=len(code))
    bad = next((ch for ch in code if not (ch.isascii() and ch.isalnum())), None)
    if bad is not None:
        return Text("纳税人识别号中的“{char}”无效：只能是数字和大写字母", char=_describe(bad))
    if len(code) == 18 and validate_uscc(code) is not None and validate_id_number(code) is not None:
        return Text("纳税人识别号校验位不符：18位的纳税人识别号即统一社会信用代码，请逐位核对")
    if len(code) in (15, 20) and not code[:6].isdigit():
        return Text("纳税人识别号前6位应为行政区划代码（6位数字）")
    return None


# --- contact ----------------------------------------------------------------------------------
def normalize_mobile(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value))
    return re.sub(r"^(\+?86|0086)(?=1\d{10}$)", "", digits)


def validate_mobile(value: str, *, field: str = Text("手机号码")) -> Text | None:
    number = normalize_mobile(value)
    name = Text(field)
    if not number:
        return Text("请填写{field}", field=name)
    if not (number.isascii() and number.isdigit()):
        return Text("{field}只能包含数字", field=name)
    if len(number) != 11:
        return Text("{field}应为11位数字，当前为{count}位", field=name, count=len(number))
    if not re.fullmatch(r"1[3-9]\d{9}", number):
        return Text("{field}应以13至19开头", field=name)
    return None


_LANDLINE = re.compile(r"0\d{2,3}-?[1-9]\d{6,7}(-\d{1,6})?|[48]00-?\d{3}-?\d{4}")


def validate_phone(value: str, *, field: str = Text("电话")) -> Text | None:
    """A landline with area code (023-12345678), a 400/800 number, or a mobile."""
    number = unicodedata.normalize("NFKC", value).replace(" ", "")
    name = Text(field)
    if not number:
        return Text("请填写{field}", field=name)
    if re.fullmatch(r"\+?\d+", number) and normalize_mobile(number).startswith("1"):
        return validate_mobile(number, field=field)
    if not _LANDLINE.fullmatch(number):
        return Text("{field}格式不正确，例如 023-12345678 或 13812345678", field=name)
    return None


_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9._%+\-]+")
_EMAIL_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?")


def validate_email(value: str, *, field: str = Text("电子邮箱")) -> Text | None:
    address = unicodedata.normalize("NFKC", value).strip()
    name = Text(field)
    if not address:
        return Text("请填写{field}", field=name)
    if len(address) > 254:
        return Text("{field}太长（最多254个字符）", field=name)
    if address.count("@") != 1:
        return Text("{field}应包含一个“@”，例如 name@example.com", field=name)
    local, domain = address.split("@")
    if not local or len(local) > 64 or not _EMAIL_LOCAL.fullmatch(local):
        return Text("{field}“@”前面只能是英文字母、数字和 . _ % + - 符号", field=name)
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return Text("{field}“@”前面的“.”不能在开头、结尾或连续出现", field=name)
    labels = domain.split(".")
    if len(labels) < 2 or not all(_EMAIL_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return Text("{field}的域名“{domain}”不完整或有误，例如 example.com", field=name, domain=domain)
    return None


def validate_bank_account(value: str) -> Text | None:
    number = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value))
    if not number:
        return Text("请填写银行账号")
    if not (number.isascii() and number.isdigit()):
        return Text("银行账号只能包含数字")
    if not 8 <= len(number) <= 30:
        return Text("银行账号应为8至30位数字，当前为{count}位", count=len(number))
    return None


# --- names and places ---------------------------------------------------------------------------
def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
        or ch == "〇"
    )


def validate_person_name(value: str, *, field: str = Text("姓名")) -> Text | None:
    person = normalize_person_name(unicodedata.normalize("NFC", value))
    name = Text(field)
    if not person:
        return Text("请填写{field}", field=name)
    bad = next((ch for ch in person if not (_is_cjk(ch) or ch == MIDDLE_DOT)), None)
    if bad is not None:
        return Text("{field}只能包含汉字和间隔号“·”，不能包含“{char}”", field=name, char=_describe(bad))
    if person.startswith(MIDDLE_DOT) or person.endswith(MIDDLE_DOT) or MIDDLE_DOT * 2 in person:
        return Text("{field}中的间隔号“·”不能在开头、结尾或连续出现", field=name)
    letters = len(person.replace(MIDDLE_DOT, ""))
    if letters < 2:
        return Text("{field}至少2个汉字", field=name)
    if len(person) > 30:
        return Text("{field}最多30个字", field=name)
    return None


_UNIT_NAME_PUNCTUATION = frozenset("()（）·.&-、，,' ")


def validate_unit_name(value: str, *, field: str = Text("单位名称")) -> Text | None:
    unit = normalize_text(value)
    name = Text(field)
    if not unit:
        return Text("请填写{field}", field=name)
    control = _control_character(value)
    if control is not None:
        return Text("{field}含有不可见字符{char}，请重新输入", field=name, char=_describe(control))
    bad = next(
        (
            ch
            for ch in unit
            if not (_is_cjk(ch) or (ch.isascii() and ch.isalnum()) or ch in _UNIT_NAME_PUNCTUATION)
        ),
        None,
    )
    if bad is not None:
        return Text("{field}不能包含“{char}”", field=name, char=_describe(bad))
    if not any(_is_cjk(ch) or ch.isalpha() for ch in unit):
        return Text("{field}应包含汉字或字母", field=name)
    if len(unit) < 2:
        return Text("{field}至少2个字", field=name)
    if len(unit) > 100:
        return Text("{field}最多100个字，当前为{count}个字", field=name, count=len(unit))
    return None


def validate_address(value: str, *, field: str = Text("邮寄地址")) -> Text | None:
    address = normalize_text(value)
    name = Text(field)
    if not address:
        return Text("请填写{field}", field=name)
    control = _control_character(value)
    if control is not None:
        return Text("{field}含有不可见字符{char}，请重新输入", field=name, char=_describe(control))
    if sum(_is_cjk(ch) for ch in address) < 5:
        return Text("请填写完整的{field}：省、市、区县、街道和门牌号", field=name)
    if len(address) > 120:
        return Text("{field}最多120个字", field=name)
    return None


def validate_free_text(value: str, *, field: str, limit: int = 500) -> Text | None:
    """Optional prose such as a redirect reason: any script, no control characters, bounded."""
    name = Text(field)
    control = _control_character(value.replace("\n", ""))
    if control is not None:
        return Text("{field}含有不可见字符{char}，请重新输入", field=name, char=_describe(control))
    if len(value) > limit:
        return Text("{field}最多{limit}个字，当前为{count}个字", field=name, limit=limit, count=len(value))
    return None
