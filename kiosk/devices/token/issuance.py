"""Instant issuance on a blank key the hall sells.

Blank keys leave the factory initialised with the vendor's published SO PIN and no
certificate. The kiosk makes a fresh SO PIN, hands it to the backend's token registry first
(so it is never known only to this kiosk), then as SO sets the subscriber's user PIN and
changes the SO PIN, and finally, as the user, makes the key pair, has the certificate issued
and installs it (the same journalled steps as a renewal, with nothing to replace).

If the key is pulled after the SO PIN changed, the next attempt finds the factory PIN refused,
opens the key with the subscriber's new user PIN instead and carries on from the key pair."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.domain.token_policy import PinRules
from kiosk.core.i18n import Text
from kiosk.devices.token.errors import PinIncorrect, PinRejected, SoPinRefused, TokenError
from kiosk.devices.token.keys import KeyKind
from kiosk.devices.token.module import Pkcs11Module
from kiosk.devices.token.reading import read_token
from kiosk.devices.token.renewal import IssueCertificate, RenewalResult, StepHook, enrol, recover

log = logging.getLogger(__name__)

SO_PIN_DIGITS = 8

# The backend's token registry: (chip serial, SO PIN) -> stored, or an exception.
RegisterSoPin = Callable[[str, str], None]


class NotBlank(TokenError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            Text("该证书盘不是空白证书盘，不能现场制证。请插入本大厅发售的空白证书盘"), detail=detail
        )


@dataclass(frozen=True)
class IssuanceResult:
    serial: str
    enrolment: RenewalResult


def issue_on_blank(
    module: Pkcs11Module,
    slot_id: int,
    *,
    factory_so_pin: str,
    new_user_pin: str,
    confirmation: str | None,
    rules: PinRules,
    register_so_pin: RegisterSoPin,
    issue: IssueCertificate,
    kind: KeyKind = KeyKind.EC,
    on_step: StepHook | None = None,
) -> IssuanceResult:
    problem = rules.check(new_user_pin, confirmation)
    if problem is not None:
        raise PinRejected(problem)
    with module.lock:
        info = read_token(module, slot_id)
        if not info.is_blank:
            raise NotBlank("a certificate is on the key")
        if info.interrupted is None:
            _personalise(module, slot_id, info.serial, factory_so_pin, new_user_pin, register_so_pin)
        with module.session(slot_id, rw=True, user_pin=new_user_pin) as session:
            recovery = recover(session)
            result = enrol(session, issue, kind=kind, old=None, recovery=recovery, on_step=on_step)
        log.info("instant issuance: certificate installed on a blank key")
        return IssuanceResult(info.serial, result)


def _personalise(
    module: Pkcs11Module,
    slot_id: int,
    serial: str,
    factory_so_pin: str,
    new_user_pin: str,
    register_so_pin: RegisterSoPin,
) -> None:
    """Register a fresh SO PIN, then set the user PIN and the SO PIN on the key."""
    so_pin = "".join(secrets.choice("0123456789") for _ in range(SO_PIN_DIGITS))
    try:
        with module.session(slot_id, rw=True, so_pin=factory_so_pin) as session:
            register_so_pin(serial, so_pin)
            session.init_pin(new_user_pin)
            session.set_pin(factory_so_pin, so_pin)
    except SoPinRefused:
        # Not the factory PIN any more: an earlier attempt got past this point if the
        # subscriber's new PIN opens it; otherwise this key was never one of ours.
        try:
            with module.session(slot_id, user_pin=new_user_pin):
                return
        except PinIncorrect:
            raise NotBlank("factory SO PIN refused") from None
