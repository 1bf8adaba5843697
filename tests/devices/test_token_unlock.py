"""Unlock with a grant, the serial-prefix policy, instant issuance on a blank key (its SO PIN
registered with the reference backend over HTTP), and PINs kept out of every log and message."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pkcs11
import pytest
from support.backend import Hub
from support.softhsm import (
    ALL_TEST_PINS,
    ASSISTED_SERIAL,
    FACTORY_SO_PIN,
    NEW_USER_PIN,
    NEXT_SO_PIN,
    SELF_SERVICE_SERIAL,
    SELF_SERVICE_SERIAL_56,
    SO_PIN,
    USER_PIN,
    Slot,
    assert_usable,
    issuer,
    needs_softhsm,
)
from support.sync import kiosk_client

from ca_backend.tokens import needs_assistance
from kiosk.backend_client.errors import Rejected
from kiosk.core.domain.token_policy import (
    TokenPolicyError,
    UnlockRoute,
    load_token_policy,
    parse_token_policy,
)
from kiosk.devices.token import (
    PinIncorrect,
    PinRejected,
    RenewalStep,
    SoPinRefused,
    TokenRemoved,
    check_user_pin,
    read_token,
    renew_certificate,
    unlock_token,
)
from kiosk.devices.token.issuance import NotBlank, issue_on_blank
from kiosk.devices.token.unlock import UnlockOutcome, UnlockStep

POLICY = load_token_policy()


# --- serial prefixes ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("serial", "route"),
    [
        (SELF_SERVICE_SERIAL, UnlockRoute.SELF_SERVICE),
        (SELF_SERVICE_SERIAL_56, UnlockRoute.SELF_SERVICE),
        (ASSISTED_SERIAL, UnlockRoute.ASSISTED),
        ("9900000000000001", UnlockRoute.UNKNOWN),
        ("03AB6C951900350A", UnlockRoute.UNKNOWN),  # the manual's example chip number
    ],
)
def test_serial_prefix_decides_how_a_key_unlocks(serial: str, route: UnlockRoute) -> None:
    advice = POLICY.unlock_advice(serial)
    assert advice.route is route
    assert serial in advice.explanation and serial in advice.explanation.say("en")


def test_unknown_prefix_is_explained() -> None:
    advice = POLICY.unlock_advice("9900000000000001")
    assert (
        advice.explanation
        == "无法识别该证书盘（芯片号9900000000000001）的型号，不能自助解锁，请联系大厅工作人员"
    )
    assert "not recognised" in advice.explanation.say("en")


def test_backend_holds_back_grants_for_assisted_and_unknown_keys() -> None:
    assert not needs_assistance(SELF_SERVICE_SERIAL)
    assert not needs_assistance(SELF_SERVICE_SERIAL_56)
    assert needs_assistance(ASSISTED_SERIAL)
    assert needs_assistance("9900000000000001")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"serial_prefixes": [], "user_pin": {}}, "KeyError"),
        ({"serial_prefixes": [{"prefix": "55", "unlock": "magic", "model": "x"}], "user_pin": {}}, "magic"),
        (
            {
                "serial_prefixes": [],
                "user_pin": {
                    "min_length": 2,
                    "max_length": 8,
                    "alphabet": "0123456789",
                    "forbid_repeated": True,
                    "forbid_sequences": True,
                },
            },
            "lengths",
        ),
    ],
)
def test_a_malformed_policy_file_names_the_problem(raw: dict[str, object], problem: str) -> None:
    with pytest.raises(TokenPolicyError, match=problem):
        parse_token_policy(raw)


@pytest.mark.parametrize(
    ("pin", "confirmation", "message"),
    [
        ("", None, "请输入新的证书盘PIN码"),
        ("12a45", None, "PIN码须为6至16位"),
        ("a" * 17, None, "PIN码须为6至16位"),
        ("abc 123", None, "PIN码只能包含数字和英文字母"),
        ("密码密码密码", None, "PIN码只能包含数字和英文字母"),
        ("888888", None, "PIN码不能全部是同一个字符"),
        ("123456", None, "PIN码不能是连续的数字或字母（如123456）"),
        ("987654", None, "PIN码不能是连续的数字或字母（如123456）"),
        ("abcdefg", None, "PIN码不能是连续的数字或字母（如123456）"),
        ("Nw5928kPin", "Nw5928kPim", "两次输入的PIN码不一致，请重新输入"),
        ("Nw5928kPin", "Nw5928kPin", None),
    ],
)
def test_new_pin_rules(pin: str, confirmation: str | None, message: str | None) -> None:
    problem = POLICY.user_pin.check(pin, confirmation)
    assert problem == message
    if problem is not None:
        assert pin not in problem.params.values()  # the PIN is never put into the message
        assert problem.say("en") != str(problem)


# --- unlock ---------------------------------------------------------------------------------------
def _unlock(slot: Slot, slot_id: int, **changes: Any) -> UnlockOutcome:
    """unlock_token with the usual SO PIN, next SO PIN and new user PIN, but for `changes`."""
    arguments: dict[str, Any] = {
        "so_pin_candidates": [SO_PIN],
        "next_so_pin": NEXT_SO_PIN,
        "new_user_pin": NEW_USER_PIN,
        **changes,
    }
    return unlock_token(slot.module, slot_id, **arguments)


@needs_softhsm
def test_unlock_sets_the_new_pin_and_moves_the_so_pin_on(slot: Slot) -> None:
    slot_id = slot.make_key(SELF_SERVICE_SERIAL)

    outcome = _unlock(slot, slot_id, confirmation=NEW_USER_PIN, rules=POLICY.user_pin)

    assert outcome.succeeded and outcome.so_pin_changed is True
    check_user_pin(slot.module, slot_id, NEW_USER_PIN)
    with pytest.raises(PinIncorrect):
        check_user_pin(slot.module, slot_id, USER_PIN)
    with slot.module.session(slot_id, rw=True, so_pin=NEXT_SO_PIN):
        pass
    with pytest.raises(SoPinRefused), slot.module.session(slot_id, rw=True, so_pin=SO_PIN):
        pass
    assert_usable(slot, SELF_SERVICE_SERIAL, NEW_USER_PIN)  # the certificate is untouched


@needs_softhsm
def test_unlock_tries_the_newer_so_pin_first_then_the_older(slot: Slot) -> None:
    """A change whose report was lost: the grant offers the newer PIN first; the key holds the
    older one. The refused candidate leaves no session that would block the next."""
    slot_id = slot.make_key(SELF_SERVICE_SERIAL)
    outcome = _unlock(slot, slot_id, so_pin_candidates=["Nv00000000", SO_PIN])
    assert outcome.succeeded and outcome.so_pin_changed is True
    check_user_pin(slot.module, slot_id, NEW_USER_PIN)


@needs_softhsm
def test_second_unlock_after_a_lost_report_still_works(slot: Slot) -> None:
    """The first unlock changed the SO PIN but its report never arrived: the backend's next
    grant offers [that next PIN, the old one], and the key opens with the first."""
    slot_id = slot.make_key(SELF_SERVICE_SERIAL)
    _unlock(slot, slot_id)
    outcome = _unlock(
        slot,
        slot_id,
        so_pin_candidates=[NEXT_SO_PIN, SO_PIN],
        next_so_pin="Nz11223344",
        new_user_pin="Ab3947xyQ",
    )
    assert outcome.succeeded and outcome.so_pin_changed is True
    check_user_pin(slot.module, slot_id, "Ab3947xyQ")


@needs_softhsm
def test_unlock_with_a_wrong_so_pin_changes_nothing(slot: Slot) -> None:
    slot_id = slot.make_key(SELF_SERVICE_SERIAL)
    with pytest.raises(SoPinRefused) as refused:
        _unlock(slot, slot_id, so_pin_candidates=["Wr00000001", "Wr00000002"])
    assert "联系大厅工作人员" in refused.value.say("zh")
    assert "hall staff" in refused.value.say("en")
    check_user_pin(slot.module, slot_id, USER_PIN)


@needs_softhsm
@pytest.mark.parametrize(("pin", "confirmation"), [("123456", "123456"), (NEW_USER_PIN, "Other9911")])
def test_unlock_refuses_a_bad_new_pin_before_touching_the_key(
    slot: Slot, pin: str, confirmation: str
) -> None:
    slot_id = slot.make_key(SELF_SERVICE_SERIAL)
    with pytest.raises(PinRejected) as rejected:
        _unlock(slot, slot_id, new_user_pin=pin, confirmation=confirmation, rules=POLICY.user_pin)
    assert rejected.value.message.startswith(("PIN码不能", "两次输入"))
    check_user_pin(slot.module, slot_id, USER_PIN)
    with slot.module.session(slot_id, rw=True, so_pin=SO_PIN):
        pass


@needs_softhsm
def test_key_pulled_while_setting_the_user_pin_reports_nothing_changed(slot: Slot) -> None:
    slot_id = slot.make_key(SELF_SERVICE_SERIAL)

    def pull(step: UnlockStep, session: pkcs11.Session) -> None:
        if step is UnlockStep.INIT_USER_PIN:
            raise pkcs11.exceptions.DeviceRemoved()

    with pytest.raises(TokenRemoved):
        _unlock(slot, slot_id, on_step=pull)
    slot_id = slot.reinsert(SELF_SERVICE_SERIAL)
    check_user_pin(slot.module, slot_id, USER_PIN)


@needs_softhsm
def test_key_pulled_while_changing_the_so_pin_says_nobody_knows(slot: Slot) -> None:
    """The user PIN is set; whether the SO PIN changed is unknown, so no report is sent and the
    backend offers both PINs next time, which opens the key either way."""
    slot_id = slot.make_key(SELF_SERVICE_SERIAL)

    def pull(step: UnlockStep, session: pkcs11.Session) -> None:
        if step is UnlockStep.CHANGE_SO_PIN:
            session.close()

    outcome = _unlock(slot, slot_id, on_step=pull)
    assert outcome.succeeded and outcome.so_pin_changed is None
    slot_id = slot.reinsert(SELF_SERVICE_SERIAL)
    check_user_pin(slot.module, slot_id, NEW_USER_PIN)
    again = _unlock(
        slot,
        slot_id,
        so_pin_candidates=[NEXT_SO_PIN, SO_PIN],
        next_so_pin="Nz11223344",
        new_user_pin="Ab3947xyQ",
    )
    assert again.so_pin_changed is True


# --- instant issuance on a blank key --------------------------------------------------------------
def _blank(slot: Slot, serial: str = SELF_SERVICE_SERIAL) -> int:
    return slot.make_key(serial, certificate=False, label="BLANK", user_pin="00000000", so_pin=FACTORY_SO_PIN)


def _issue_on_blank(slot_id: int, slot: Slot, register_so_pin, issue, **extra):
    """Instant issuance with the subscriber's new PIN entered twice, as the screen will."""
    return issue_on_blank(
        slot.module,
        slot_id,
        factory_so_pin=FACTORY_SO_PIN,
        new_user_pin=NEW_USER_PIN,
        confirmation=NEW_USER_PIN,
        rules=POLICY.user_pin,
        register_so_pin=register_so_pin,
        issue=issue,
        **extra,
    )


@needs_softhsm
def test_instant_issuance_registers_the_so_pin_with_the_backend(slot: Slot, hub: Hub) -> None:
    slot_id = _blank(slot)
    client = kiosk_client(hub.server.base_url, hub.credentials)

    result = _issue_on_blank(slot_id, slot, client.register_token, issuer(hub.backend.ca))

    assert result.serial == SELF_SERVICE_SERIAL
    info = read_token(slot.module, slot_id)
    assert info.current is not None and info.current.serial_hex == result.enrolment.certificate.serial_hex
    assert_usable(slot, SELF_SERVICE_SERIAL, NEW_USER_PIN)
    (registered,) = hub.backend.tokens.so_pins(SELF_SERVICE_SERIAL)
    assert registered not in (FACTORY_SO_PIN, NEW_USER_PIN) and len(registered) == 8
    with slot.module.session(slot_id, rw=True, so_pin=registered):
        pass
    with pytest.raises(SoPinRefused), slot.module.session(slot_id, rw=True, so_pin=FACTORY_SO_PIN):
        pass
    client.close()


@needs_softhsm
def test_issuance_pulled_after_personalising_carries_on_with_the_new_pin(slot: Slot, hub: Hub) -> None:
    slot_id = _blank(slot)
    client = kiosk_client(hub.server.base_url, hub.credentials)
    register, issue = client.register_token, issuer(hub.backend.ca)

    def pull(step: RenewalStep, session: pkcs11.Session) -> None:
        if step is RenewalStep.KEY_PAIR:
            raise pkcs11.exceptions.DeviceRemoved()

    with pytest.raises(TokenRemoved):
        _issue_on_blank(slot_id, slot, register, issue, on_step=pull)
    slot_id = slot.reinsert(SELF_SERVICE_SERIAL)
    _issue_on_blank(slot_id, slot, register, issue)

    assert_usable(slot, SELF_SERVICE_SERIAL, NEW_USER_PIN)
    (registered,) = hub.backend.tokens.so_pins(SELF_SERVICE_SERIAL)
    with slot.module.session(slot_id, rw=True, so_pin=registered):
        pass
    client.close()


@needs_softhsm
def test_a_key_with_a_certificate_is_not_blank(slot: Slot) -> None:
    slot_id = slot.make_key(SELF_SERVICE_SERIAL)
    with pytest.raises(NotBlank) as refused:
        _issue_on_blank(slot_id, slot, lambda serial, pin: None, issuer(slot.ca))
    assert "空白证书盘" in refused.value.say("zh") and "blank" in refused.value.say("en")


@needs_softhsm
def test_a_key_with_another_so_pin_is_not_one_of_ours(slot: Slot) -> None:
    slot_id = slot.make_key(SELF_SERVICE_SERIAL, certificate=False, so_pin="Other12345")
    registered: list[str] = []
    with pytest.raises(NotBlank):
        _issue_on_blank(slot_id, slot, lambda serial, pin: registered.append(serial), issuer(slot.ca))
    assert registered == []


def test_registry_refuses_to_replace_the_so_pin_of_a_key_in_use(hub: Hub) -> None:
    client = kiosk_client(hub.server.base_url, hub.credentials)
    client.register_token(ASSISTED_SERIAL, "Fi11111111")
    client.register_token(ASSISTED_SERIAL, "Fi11111111")  # a retry is a no-op
    client.register_token(ASSISTED_SERIAL, "Se22222222")  # no certificate yet: may be replaced
    assert hub.backend.tokens.so_pins(ASSISTED_SERIAL) == ["Se22222222"]
    with hub.backend.db.write() as conn:
        conn.execute(
            "insert into certificates (serial_hex, order_id, token_serial, subject, unit_code, not_before,"
            " not_after, pem) values ('01', 'o', ?, 's', 'u', 'a', 'b', 'p')",
            (ASSISTED_SERIAL,),
        )
    with pytest.raises(Rejected) as refused:
        client.register_token(ASSISTED_SERIAL, "Th33333333")
    assert refused.value.status == 409 and refused.value.code == "token_registered"
    assert "already registered" in refused.value.message_en
    assert hub.backend.tokens.so_pins(ASSISTED_SERIAL) == ["Se22222222"]
    client.close()


# --- PINs never leave the call --------------------------------------------------------------------
@needs_softhsm
def test_no_pin_appears_in_the_logs_or_messages_of_a_full_run(
    slot: Slot, hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    messages: list[str] = []
    client = kiosk_client(hub.server.base_url, hub.credentials)
    slot_id = slot.make_key(SELF_SERVICE_SERIAL)
    for wrong in ("Wr0ngPin77", USER_PIN[:-1]):
        try:
            check_user_pin(slot.module, slot_id, wrong)
        except PinIncorrect as error:
            messages += [str(error), error.say("en"), repr(error)]
    check_user_pin(slot.module, slot_id, USER_PIN)

    def pull(step: RenewalStep, session: pkcs11.Session) -> None:
        if step is RenewalStep.INSTALL:
            raise pkcs11.exceptions.DeviceRemoved()

    try:
        renew_certificate(slot.module, slot_id, USER_PIN, issuer(hub.backend.ca), on_step=pull)
    except TokenRemoved as error:
        messages += [str(error), repr(error)]
    slot_id = slot.reinsert(SELF_SERVICE_SERIAL)
    renew_certificate(slot.module, slot_id, USER_PIN, issuer(hub.backend.ca))
    try:
        _unlock(slot, slot_id, so_pin_candidates=["Wr0ngSo99"], new_user_pin="Ab3947xyQ")
    except SoPinRefused as error:
        messages += [str(error), repr(error)]
    _unlock(slot, slot_id, so_pin_candidates=["Wr0ngSo99", SO_PIN])
    blank = _blank(slot, SELF_SERVICE_SERIAL_56)
    _issue_on_blank(blank, slot, client.register_token, issuer(hub.backend.ca))
    client.close()

    logged = caplog.text + "\n".join(messages)
    assert "token unlock: user PIN set" in caplog.text  # the logs were captured
    assert "Wr0ngPin77" not in logged and "Wr0ngSo99" not in logged
    for pin in (*ALL_TEST_PINS, FACTORY_SO_PIN, *hub.backend.tokens.so_pins(SELF_SERVICE_SERIAL_56)):
        assert pin not in logged, "a PIN reached a log or a message"


# --- the CLI --------------------------------------------------------------------------------------
def _kiosk(*args: str, stdin: str = "", home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--home", str(home), "token", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@needs_softhsm
def test_cli_makes_test_keys_and_lists_them(tmp_path: Path) -> None:
    home, backend_home = tmp_path / "kiosk", tmp_path / "backend"
    made = _kiosk(
        "make-test",
        "--serial",
        ASSISTED_SERIAL.lower(),
        "--certificate",
        "--backend-home",
        str(backend_home),
        stdin=f"{USER_PIN}\n{SO_PIN}\n",
        home=home,
    )
    assert made.returncode == 0, made.stderr
    assert f"made key {ASSISTED_SERIAL}" in made.stdout
    blank = _kiosk(
        "make-test", "--serial", SELF_SERVICE_SERIAL, "--blank", stdin="00000000\n12345678\n", home=home
    )
    assert blank.returncode == 0, blank.stderr

    listed = _kiosk("list", home=home)

    assert listed.returncode == 0, listed.stderr
    assert f"chip {ASSISTED_SERIAL}" in listed.stdout and f"chip {SELF_SERVICE_SERIAL}" in listed.stdout
    assert "CN=东方中讯数字证书认证有限公司, OU=投标证书" in listed.stdout
    assert "364 days left" in listed.stdout
    for pin in (USER_PIN, SO_PIN):
        assert pin not in made.stdout + made.stderr + listed.stdout
    from ca_backend.backend import Backend
    from ca_backend.config import load_backend_settings

    assert Backend(load_backend_settings(backend_home)).tokens.so_pins(ASSISTED_SERIAL) == [SO_PIN]


@needs_softhsm
def test_cli_refuses_a_bad_serial_and_a_duplicate(tmp_path: Path) -> None:
    bad = _kiosk("make-test", "--serial", "55XYZ", stdin="a\nb\n", home=tmp_path)
    assert bad.returncode == 1 and "16 hex digits" in bad.stderr
    first = _kiosk(
        "make-test", "--serial", SELF_SERVICE_SERIAL, stdin=f"{USER_PIN}\n{SO_PIN}\n", home=tmp_path
    )
    assert first.returncode == 0, first.stderr
    again = _kiosk(
        "make-test", "--serial", SELF_SERVICE_SERIAL, stdin=f"{USER_PIN}\n{SO_PIN}\n", home=tmp_path
    )
    assert again.returncode == 1 and "already exists" in again.stderr


def test_cli_says_when_no_key_is_in_the_slot(tmp_path: Path) -> None:
    listed = _kiosk("list", home=tmp_path)
    assert listed.returncode == 0 and "no key in any slot" in listed.stdout
