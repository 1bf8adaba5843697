"""The token slot: the subscriber's USB key (证书盘) through its vendor's PKCS#11 module
(SoftHSM for the demo and the tests). Plain Python, no Textual: screens call these from
thread workers."""

from kiosk.devices.token.errors import (
    CertificateMismatch,
    ModuleUnavailable,
    NothingToRenew,
    NoToken,
    PinIncorrect,
    PinLocked,
    PinRejected,
    SoPinRefused,
    TokenError,
    TokenFault,
    TokenRemoved,
    TokenUnsupported,
)
from kiosk.devices.token.keys import KeyKind
from kiosk.devices.token.module import Pkcs11Module, PresentToken
from kiosk.devices.token.pin import check_user_pin
from kiosk.devices.token.reading import CertificateOnToken, PinState, TokenInfo, read_token
from kiosk.devices.token.renewal import Recovery, RenewalResult, RenewalStep, renew_certificate
from kiosk.devices.token.unlock import UnlockOutcome, unlock_token
from kiosk.devices.token.watcher import SlotChange, SlotEvent, SlotWatcher

__all__ = [
    "CertificateMismatch",
    "CertificateOnToken",
    "KeyKind",
    "ModuleUnavailable",
    "NoToken",
    "NothingToRenew",
    "PinIncorrect",
    "PinLocked",
    "PinRejected",
    "PinState",
    "Pkcs11Module",
    "PresentToken",
    "Recovery",
    "RenewalResult",
    "RenewalStep",
    "SlotChange",
    "SlotEvent",
    "SlotWatcher",
    "SoPinRefused",
    "TokenError",
    "TokenFault",
    "TokenInfo",
    "TokenRemoved",
    "TokenUnsupported",
    "UnlockOutcome",
    "check_user_pin",
    "read_token",
    "renew_certificate",
    "unlock_token",
]
