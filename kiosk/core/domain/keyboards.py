"""The on-screen keyboards, as data. The kiosk is a touch screen with no physical keyboard and
no input method from the host, so every character a subscriber enters comes from keys the app
draws. Each kind of field names its keyboard here (forms.py does for the information step; the
sign-in, PIN and staff screens name theirs): which keys are drawn, which characters the field can
hold, and how long a complete value is. A key the field cannot hold is still drawn, so a tap on
it is answered with why (an I in a credit code), not ignored. The UI draws the keys
(kiosk/screens/widgets/keyboard.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.core.i18n import Text

DIGITS = "1234567890"
LETTER_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
UPPER = "".join(sorted("".join(LETTER_ROWS)))
LOWER = UPPER.lower()
# GB 32100-2015: the unified social credit code never uses I, O, S, V or Z.
CREDIT_CODE_LETTERS = "".join(ch for ch in UPPER if ch not in "IOSVZ")


class Keyboard(StrEnum):
    DIGITS = "digits"  # a bank account: digits, any length
    MOBILE = "mobile"  # a mobile number: 11 digits
    SMS_CODE = "sms_code"  # the sign-in code: 6 digits
    PHONE = "phone"  # a landline with its area code, or a mobile: digits and "-"
    ID_NUMBER = "id_number"  # GB 11643: 17 digits and a check character, a digit or X
    CREDIT_CODE = "credit_code"  # GB 32100-2015: 18 of digits and capitals but I, O, S, V, Z
    TAXPAYER_ID = "taxpayer_id"  # the credit code, or an older 15- or 20-character number
    EMAIL = "email"
    STAFF_PIN = "staff_pin"  # hall staff's PIN: digits
    STAFF_ID = "staff_id"  # hall staff's ID: capitals and digits (S001)
    KEY_PIN = "key_pin"  # a USB key's PIN: digits and letters, both cases
    TEXT = "text"  # Chinese and everything else: the pinyin keyboard
    NAME = "name"  # a person's name: the pinyin keyboard, surnames first


@dataclass(frozen=True)
class Layout:
    rows: tuple[str, ...]  # the character keys as drawn, a row each
    holds: str | None  # every character a field of this kind can hold (None: any)
    refusal: Text  # said when a character it cannot hold is tapped or typed
    name: Text  # what is being typed, for "还差N位"
    length: int | None = None  # a complete value's length, when it is fixed
    words: tuple[str, ...] = ()  # keys that type a whole word (e-mail domains)
    cases: bool = False  # letters kept in the case typed, with a key that switches
    secret: bool = False  # typed characters are not shown
    upper: bool = True  # letters typed on a physical keyboard are raised (x → X in an ID)
    pinyin: bool = False  # letters compose Chinese, picked from candidates
    names: bool = False  # candidates for a person's name: surnames first

    def normalise(self, text: str) -> str:
        """What a physical key or a paste brings, as the field holds it."""
        if self.cases:
            return text
        return text.upper() if self.upper else text.lower()

    def refused(self, text: str) -> str | None:
        """The first character of `text` this field cannot hold, or None."""
        if self.holds is None:
            return None
        return next((char for char in self.normalise(text) if char not in self.holds), None)

    def missing(self, value: str) -> int | None:
        """How many characters a complete value still needs (None: no fixed length)."""
        return None if self.length is None else max(0, self.length - len(value))


def _digits(name: Text, length: int | None = None, *, secret: bool = False) -> Layout:
    return Layout(
        rows=(DIGITS,),
        holds=DIGITS,
        refusal=Text("“{char}”不能输入：这里只能输入数字"),
        name=name,
        length=length,
        secret=secret,
    )


def _code(
    name: Text, refusal: Text, holds: str, length: int | None = None, *, letters: bool = True
) -> Layout:
    """A code of digits (and capitals): ID numbers, credit codes, staff IDs."""
    rows = (DIGITS, *LETTER_ROWS) if letters else (holds,)
    return Layout(rows=rows, holds=holds, refusal=refusal, name=name, length=length)


LAYOUTS: dict[Keyboard, Layout] = {
    Keyboard.DIGITS: _digits(Text("账号")),
    Keyboard.MOBILE: _digits(Text("手机号码"), 11),
    Keyboard.SMS_CODE: _digits(Text("验证码"), 6),
    Keyboard.STAFF_PIN: _digits(Text("PIN码"), secret=True),
    Keyboard.PHONE: Layout(
        rows=(DIGITS + "-",),
        holds=DIGITS + "-",
        refusal=Text("“{char}”不能输入：电话号码只用数字和“-”"),
        name=Text("电话号码"),
    ),
    Keyboard.ID_NUMBER: _code(
        Text("身份证号码"), Text("“{char}”不能输入：身份证号码只用数字和X"), DIGITS + "X", 18, letters=False
    ),
    Keyboard.CREDIT_CODE: _code(
        Text("统一社会信用代码"),
        Text("“{char}”不能输入：统一社会信用代码不用字母I、O、S、V、Z"),
        DIGITS + CREDIT_CODE_LETTERS,
        18,
    ),
    Keyboard.TAXPAYER_ID: _code(
        Text("纳税人识别号"), Text("“{char}”不能输入：纳税人识别号只用数字和大写字母"), DIGITS + UPPER
    ),
    Keyboard.STAFF_ID: _code(Text("工号"), Text("“{char}”不能输入：工号只用数字和字母"), DIGITS + UPPER),
    Keyboard.EMAIL: Layout(
        rows=(DIGITS, LETTER_ROWS[0].lower(), LETTER_ROWS[1].lower(), LETTER_ROWS[2].lower() + "@._-"),
        holds=DIGITS + LOWER + UPPER + "@._-+",
        refusal=Text("“{char}”不能输入：电子邮箱只用英文字母、数字和 @ . _ -"),
        name=Text("电子邮箱"),
        words=("@qq.com", "@163.com", "@126.com", "@sina.com", "@outlook.com", ".com", ".cn"),
        upper=False,
    ),
    Keyboard.KEY_PIN: Layout(
        rows=(DIGITS, *LETTER_ROWS),
        holds=DIGITS + UPPER + LOWER,
        refusal=Text("“{char}”不能输入：PIN码只用数字和英文字母"),
        name=Text("PIN码"),
        cases=True,
        secret=True,
    ),
    Keyboard.TEXT: Layout(
        # Addresses and unit names also hold digits and the punctuation of Chinese text.
        rows=(DIGITS, "qwertyuiop", "asdfghjkl'", "zxcvbnm，。、（）-"),
        holds=None,  # anything: the pinyin keyboard composes, the field's own check judges
        refusal=Text("“{char}”不能输入"),
        name=Text("中文"),
        cases=True,
        pinyin=True,
    ),
    Keyboard.NAME: Layout(
        rows=("qwertyuiop", "asdfghjkl'", "zxcvbnm·"),  # · between the parts of some names
        holds=None,
        refusal=Text("“{char}”不能输入"),
        name=Text("姓名"),
        cases=True,
        pinyin=True,
        names=True,
    ),
}


def layout(keyboard: Keyboard) -> Layout:
    return LAYOUTS[keyboard]
