"""What can go wrong at the token slot, each with a message for the subscriber.

Every PKCS#11 failure is turned into one of these at the edge of the token layer
(`Pkcs11Module.guard`), so screens never see a pkcs11 exception. None of them ever carries a
PIN: messages say what happened, not what was typed."""

from __future__ import annotations

from kiosk.core.i18n import Language, Text


class TokenError(Exception):
    def __init__(self, message: Text, *, detail: str = "") -> None:
        super().__init__(str(message) + (f" ({detail})" if detail else ""))
        self.message = message
        self.detail = detail  # for the log: the PKCS#11 error's name, never a PIN

    def say(self, language: Language) -> str:
        return self.message.say(language)


class NoToken(TokenError):
    """No key in the slot (or the slot is gone)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(Text("请插入证书盘"), detail=detail)


class TokenRemoved(TokenError):
    """The key was pulled out (or stopped answering) while something was being done with it."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            Text("证书盘已被拔出，操作未完成。请重新插入证书盘，本机会自动检查并恢复"), detail=detail
        )


class PinIncorrect(TokenError):
    """The PIN was wrong. `count_low` and `final_try` are what the token said afterwards."""

    def __init__(self, *, count_low: bool = False, final_try: bool = False, detail: str = "") -> None:
        if final_try:
            message = Text("PIN码错误。只剩最后一次机会，再错一次证书盘将被锁定")
        elif count_low:
            message = Text("PIN码错误。剩余尝试次数不多，请仔细核对后再输入")
        else:
            message = Text("PIN码错误，请重新输入")
        super().__init__(message, detail=detail)
        self.count_low = count_low
        self.final_try = final_try


class PinLocked(TokenError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(Text("证书盘PIN码已被锁定，请办理“在线解锁”业务"), detail=detail)


class SoPinRefused(TokenError):
    """The key refused the administrator (SO) PIN the backend's grant carried."""

    def __init__(self, detail: str = "", *, locked: bool = False) -> None:
        super().__init__(
            Text("证书盘管理员PIN码与登记的不一致，无法自助解锁，请联系大厅工作人员"), detail=detail
        )
        self.locked = locked


class PinRejected(TokenError):
    """The token does not accept a PIN of this form (length, characters)."""

    def __init__(self, message: Text | None = None, detail: str = "") -> None:
        super().__init__(message or Text("证书盘不接受该PIN码（长度或字符不符合要求）"), detail=detail)


class TokenUnsupported(TokenError):
    """The key cannot do what was asked (a key type, a mechanism)."""


class CertificateMismatch(TokenError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            Text("下发的证书与证书盘中的新密钥不匹配，原证书保持可用。请联系大厅工作人员"), detail=detail
        )


class NothingToRenew(TokenError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(Text("证书盘上没有可更新的证书，请办理“证书新办”"), detail=detail)


class ModuleUnavailable(TokenError):
    """The kiosk's PKCS#11 module (the key vendor's driver) is missing or does not load."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(Text("本机的证书盘驱动未安装或无法加载，请联系大厅工作人员"), detail=detail)


class TokenFault(TokenError):
    """Anything else the key or its module reported."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(Text("证书盘操作失败，请重新插入证书盘后再试"), detail=detail)
