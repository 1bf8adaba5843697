"""The policy for USB keys (证书盘) from data/tokens.json: how a chip serial unlocks (by the
subscriber at the kiosk, or only with hall staff or remote assistance) and the rules for a
user PIN the subscriber chooses. Plain data and functions; the token layer, the screens and
the reference backend all read the same file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from kiosk.core.i18n import Text
from kiosk.core.shipped_data import SHIPPED_DATA

SHIPPED_TOKEN_POLICY = SHIPPED_DATA / "tokens.json"
SEQUENCE_SOURCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz")


class TokenPolicyError(ValueError):
    """data/tokens.json is malformed; the message names where."""


class UnlockRoute(StrEnum):
    SELF_SERVICE = "self_service"  # the subscriber unlocks at the kiosk with a grant
    ASSISTED = "assisted"  # hall staff authorise at the kiosk, or the CA assists remotely
    UNKNOWN = "unknown"  # a serial this CA does not know: staff must look at the key


@dataclass(frozen=True)
class SerialPrefix:
    prefix: str
    route: UnlockRoute
    model: str


@dataclass(frozen=True)
class UnlockAdvice:
    route: UnlockRoute
    explanation: Text


@dataclass(frozen=True)
class PinRules:
    min_length: int
    max_length: int
    alphabet: str
    forbid_repeated: bool
    forbid_sequences: bool

    def check(self, pin: str, confirmation: str | None = None) -> Text | None:
        """Why this PIN cannot be the new user PIN, or None. The PIN itself never appears in
        the message."""
        if not pin:
            return Text("请输入新的证书盘PIN码")
        if len(pin) < self.min_length or len(pin) > self.max_length:
            return Text("PIN码须为{low}至{high}位", low=self.min_length, high=self.max_length)
        if any(char not in self.alphabet for char in pin):
            return Text("PIN码只能包含数字和英文字母")
        if self.forbid_repeated and len(set(pin)) == 1:
            return Text("PIN码不能全部是同一个字符")
        if self.forbid_sequences and _is_sequence(pin.lower()):
            return Text("PIN码不能是连续的数字或字母（如123456）")
        if confirmation is not None and confirmation != pin:
            return Text("两次输入的PIN码不一致，请重新输入")
        return None


@dataclass(frozen=True)
class TokenPolicy:
    prefixes: tuple[SerialPrefix, ...]
    user_pin: PinRules

    def prefix_of(self, serial: str) -> SerialPrefix | None:
        matches = [entry for entry in self.prefixes if serial.upper().startswith(entry.prefix)]
        return max(matches, key=lambda entry: len(entry.prefix), default=None)

    def unlock_route(self, serial: str) -> UnlockRoute:
        entry = self.prefix_of(serial)
        return entry.route if entry else UnlockRoute.UNKNOWN

    def unlock_advice(self, serial: str) -> UnlockAdvice:
        """What the unlock screen tells the subscriber about this key, in plain words."""
        route = self.unlock_route(serial)
        if route is UnlockRoute.SELF_SERVICE:
            text = Text("该证书盘（芯片号{serial}）可在本机自助解锁", serial=serial)
        elif route is UnlockRoute.ASSISTED:
            text = Text(
                "该证书盘（芯片号{serial}）须由大厅工作人员在本机授权后解锁，或联系客服远程协助",
                serial=serial,
            )
        else:
            text = Text(
                "无法识别该证书盘（芯片号{serial}）的型号，不能自助解锁，请联系大厅工作人员",
                serial=serial,
            )
        return UnlockAdvice(route, text)


def _is_sequence(pin: str) -> bool:
    if len(pin) < 3:
        return False
    return any(pin in source or pin in source[::-1] for source in SEQUENCE_SOURCES)


def parse_token_policy(raw: Mapping[str, Any], *, source: str = "tokens.json") -> TokenPolicy:
    try:
        prefixes = tuple(
            SerialPrefix(str(item["prefix"]).upper(), UnlockRoute(item["unlock"]), str(item["model"]))
            for item in raw["serial_prefixes"]
        )
        pin = raw["user_pin"]
        rules = PinRules(
            min_length=int(pin["min_length"]),
            max_length=int(pin["max_length"]),
            alphabet=str(pin["alphabet"]),
            forbid_repeated=bool(pin["forbid_repeated"]),
            forbid_sequences=bool(pin["forbid_sequences"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise TokenPolicyError(f"{source}: {type(error).__name__}: {error}") from None
    if not 4 <= rules.min_length <= rules.max_length <= 64:
        raise TokenPolicyError(f"{source}: user_pin lengths must satisfy 4 <= min <= max <= 64")
    if any(entry.route is UnlockRoute.UNKNOWN for entry in prefixes):
        raise TokenPolicyError(f"{source}: a prefix cannot be declared unknown")
    return TokenPolicy(prefixes, rules)


@cache
def load_token_policy(path: Path = SHIPPED_TOKEN_POLICY) -> TokenPolicy:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise TokenPolicyError(f"cannot read the token policy {path}: {error}") from None
    return parse_token_policy(raw, source=str(path))
