"""The token slot against SoftHSM: reading a key, PIN outcomes, renewal with EC and RSA, slot
events, and the serial-prefix policy."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from pkcs11 import Attribute, ObjectClass, TokenFlag
from support.softhsm import (
    ASSISTED_SERIAL,
    SELF_SERVICE_SERIAL,
    SELF_SERVICE_SERIAL_56,
    SO_PIN,
    USER_PIN,
    Slot,
    assert_usable,
    issuer,
    needs_softhsm,
    subject_for,
)

from kiosk.core.domain.subjects import describe_subject
from kiosk.devices.token import (
    KeyKind,
    NothingToRenew,
    PinIncorrect,
    PinLocked,
    SlotChange,
    SlotEvent,
    SlotWatcher,
    TokenUnsupported,
    check_user_pin,
    read_token,
    renew_certificate,
)
from kiosk.devices.token.module import Pkcs11Module
from kiosk.devices.token.softhsm import SOFTHSM_MODULE

pytestmark = needs_softhsm

MANUAL_SUBJECT = (
    "CN=东方中讯数字证书认证有限公司, OU=投标证书, O=东方中讯数字证书认证有限公司, L=重庆, ST=重庆,"
    " SN=91350100M000100Y43, C=CN"
)


def _objects(slot: Slot, serial: str) -> dict[ObjectClass, list[str]]:
    """Labels of the key's objects by class, seen after login."""
    found: dict[ObjectClass, list[str]] = {}
    with slot.module.session(slot.slot_of(serial), user_pin=USER_PIN) as session:
        for obj in session.get_objects():
            found.setdefault(ObjectClass(int(obj[Attribute.CLASS])), []).append(obj[Attribute.LABEL])
    return found


# --- reading --------------------------------------------------------------------------------------
def test_reading_a_key_shows_chip_number_certificate_and_pin_state(slot: Slot) -> None:
    slot_id = slot.make_key(SELF_SERVICE_SERIAL, label="UKEY", days=200)

    info = read_token(slot.module, slot_id)

    assert info.serial == SELF_SERVICE_SERIAL
    assert info.label == "UKEY"
    assert info.manufacturer == "SoftHSM project"
    assert info.current is not None
    assert info.current.subject == MANUAL_SUBJECT
    assert info.current.issuer == "CN=Reference Kiosk Issuing CA, O=参考数字证书认证中心, C=CN"
    assert info.current.not_before <= datetime.now(UTC) < info.current.not_after
    assert info.current.days_left() in (199, 200)
    assert info.pin.initialized and not info.pin.locked and info.pin.warning() is None
    assert info.interrupted is None
    assert not info.is_blank


def test_days_left_counts_down_to_expiry(slot: Slot) -> None:
    slot_id = slot.make_key(days=10)
    current = read_token(slot.module, slot_id).current
    assert current is not None
    assert current.days_left(current.not_after) == 0
    assert current.days_left(datetime(2100, 1, 1, tzinfo=UTC)) < 0


def test_a_key_without_a_certificate_reads_as_blank(slot: Slot) -> None:
    slot_id = slot.make_key(certificate=False)
    info = read_token(slot.module, slot_id)
    assert info.is_blank and info.current is None


def test_several_slots_each_read_their_own_key(slot: Slot) -> None:
    first = slot.make_key(SELF_SERVICE_SERIAL)
    second = slot.make_key(ASSISTED_SERIAL, certificate=False, label="SECOND")
    assert {token.serial for token in slot.module.present()} == {SELF_SERVICE_SERIAL, ASSISTED_SERIAL}
    assert read_token(slot.module, first).serial == SELF_SERVICE_SERIAL
    assert read_token(slot.module, second).label == "SECOND"


def test_configured_slots_limit_what_the_kiosk_sees(slot: Slot) -> None:
    wanted = slot.make_key(SELF_SERVICE_SERIAL)
    slot.make_key(ASSISTED_SERIAL, certificate=False)
    only_one = Pkcs11Module(SOFTHSM_MODULE, slots=[wanted], softhsm_conf=slot.hsm.conf)
    assert [token.serial for token in only_one.present()] == [SELF_SERVICE_SERIAL]


# --- PIN outcomes ---------------------------------------------------------------------------------
def test_wrong_pin_says_so_and_leaves_no_session_behind(slot: Slot) -> None:
    slot_id = slot.make_key()

    with pytest.raises(PinIncorrect) as wrong:
        check_user_pin(slot.module, slot_id, "00000000")

    assert "PIN码错误" in wrong.value.say("zh")
    assert "Wrong PIN" in wrong.value.say("en")
    # python-pkcs11 leaves the failed login's session open; the slot closed it, so an SO
    # login (which needs no read-only session left) and the right PIN both work at once.
    with slot.module.session(slot_id, rw=True, so_pin=SO_PIN):
        pass
    check_user_pin(slot.module, slot_id, USER_PIN)


def test_softhsm_reports_tries_running_low_after_a_wrong_pin(slot: Slot) -> None:
    """SoftHSM sets COUNT_LOW after a failed login (and never locks): the message follows it."""
    slot_id = slot.make_key()
    with pytest.raises(PinIncorrect) as wrong:
        check_user_pin(slot.module, slot_id, "00000000")
    assert wrong.value.count_low
    assert str(wrong.value.message) == "PIN码错误。剩余尝试次数不多，请仔细核对后再输入"


def test_final_try_is_announced_before_and_after(slot: Slot) -> None:
    """SoftHSM never sets FINAL_TRY: the flags seam layers it over what the key reports."""
    slot_id = slot.make_key()
    slot.module.flags_overlay = lambda serial, flags: flags | TokenFlag.USER_PIN_FINAL_TRY

    assert read_token(slot.module, slot_id).pin.warning() == "只剩最后一次输入PIN码的机会，输错证书盘将被锁定"
    with pytest.raises(PinIncorrect) as wrong:
        check_user_pin(slot.module, slot_id, "00000000")
    assert wrong.value.final_try
    assert "last try" in wrong.value.say("en")


def test_a_locked_key_is_reported_without_spending_a_try(slot: Slot) -> None:
    """SoftHSM never locks: the flags seam reports USER_PIN_LOCKED. Even the right PIN is not
    tried, and the message offers the unlock business."""
    slot_id = slot.make_key()
    slot.module.flags_overlay = lambda serial, flags: flags | TokenFlag.USER_PIN_LOCKED

    assert read_token(slot.module, slot_id).pin.locked
    with pytest.raises(PinLocked) as locked:
        check_user_pin(slot.module, slot_id, USER_PIN)
    assert "在线解锁" in locked.value.say("zh")
    assert "Online unlock" in locked.value.say("en")


def test_a_locked_key_stays_usable_once_the_flag_clears(slot: Slot) -> None:
    slot_id = slot.make_key()
    slot.module.flags_overlay = lambda serial, flags: flags | TokenFlag.USER_PIN_LOCKED
    with pytest.raises(PinLocked):
        check_user_pin(slot.module, slot_id, USER_PIN)
    slot.module.flags_overlay = None
    check_user_pin(slot.module, slot_id, USER_PIN)


# --- renewal --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", [KeyKind.EC, KeyKind.RSA])
def test_renewal_replaces_pair_and_certificate(slot: Slot, kind: KeyKind) -> None:
    slot_id = slot.make_key(label="UKEY")
    before = read_token(slot.module, slot_id).current
    assert before is not None

    result = renew_certificate(slot.module, slot_id, USER_PIN, issuer(slot.ca, days=730), kind=kind)

    assert result.replaced is not None and result.replaced.serial_hex == before.serial_hex
    assert result.certificate.serial_hex != before.serial_hex
    assert result.certificate.key_id != before.key_id
    assert result.certificate.label == before.label  # the new pair takes the old one's label
    assert result.certificate.days_left() in (729, 730)
    after = read_token(slot.module, slot_id)
    assert [cert.serial_hex for cert in after.certificates] == [result.certificate.serial_hex]
    assert after.interrupted is None
    objects = _objects(slot, SELF_SERVICE_SERIAL)
    assert objects.get(ObjectClass.PRIVATE_KEY) == [before.label]
    assert objects.get(ObjectClass.PUBLIC_KEY) == [before.label]
    assert ObjectClass.DATA not in objects  # the journal is closed
    assert_usable(slot, SELF_SERVICE_SERIAL)


def test_change_installs_a_certificate_with_the_new_subject(slot: Slot) -> None:
    slot_id = slot.make_key()
    renamed = subject_for("重庆新名称建设有限公司", "91500000MA5U7AB12X")

    result = renew_certificate(slot.module, slot_id, USER_PIN, issuer(slot.ca, renamed))

    assert result.certificate.subject.startswith("CN=重庆新名称建设有限公司, OU=投标证书")
    assert "SN=91500000MA5U7AB12X" in result.certificate.subject


def test_the_request_is_signed_on_the_key_and_carries_the_old_subject(slot: Slot) -> None:
    from cryptography import x509

    slot_id = slot.make_key()
    seen: list[x509.CertificateSigningRequest] = []

    def issue(request_pem: str) -> str:
        seen.append(x509.load_pem_x509_csr(request_pem.encode()))
        return slot.ca.issue(request_pem, subject_for(), 365).pem

    renew_certificate(slot.module, slot_id, USER_PIN, issue)

    (request,) = seen
    assert request.is_signature_valid
    assert describe_subject(request.subject) == MANUAL_SUBJECT


def test_renewal_with_a_wrong_pin_changes_nothing(slot: Slot) -> None:
    slot_id = slot.make_key()
    before = read_token(slot.module, slot_id)
    with pytest.raises(PinIncorrect):
        renew_certificate(slot.module, slot_id, "00000000", issuer(slot.ca))
    assert read_token(slot.module, slot_id).certificates == before.certificates


def test_a_blank_key_has_nothing_to_renew(slot: Slot) -> None:
    slot_id = slot.make_key(certificate=False)
    with pytest.raises(NothingToRenew) as error:
        renew_certificate(slot.module, slot_id, USER_PIN, issuer(slot.ca))
    assert "证书新办" in error.value.say("zh")


def test_sm2_is_refused_plainly_when_the_module_lacks_it(slot: Slot) -> None:
    slot_id = slot.make_key()
    before = read_token(slot.module, slot_id)
    with pytest.raises(TokenUnsupported) as error:
        renew_certificate(slot.module, slot_id, USER_PIN, issuer(slot.ca), kind=KeyKind.SM2)
    assert "SM2" in error.value.say("zh") and "SM2" in error.value.say("en")
    assert read_token(slot.module, slot_id) == before  # refused before anything was written


# --- slot events ----------------------------------------------------------------------------------
def test_watcher_reports_insertion_and_removal(slot: Slot) -> None:
    watcher = SlotWatcher(slot.module)
    assert watcher.poll() == []

    slot.make_key(SELF_SERVICE_SERIAL)
    inserted = watcher.poll()
    assert inserted is not None
    assert [(event.change, event.token.serial) for event in inserted] == [
        (SlotChange.INSERTED, SELF_SERVICE_SERIAL)
    ]
    assert watcher.poll() == []

    slot.hsm.pull_out(SELF_SERVICE_SERIAL)
    removed = watcher.poll()
    assert removed is not None
    assert [(event.change, event.token.serial) for event in removed] == [
        (SlotChange.REMOVED, SELF_SERVICE_SERIAL)
    ]

    slot.hsm.insert(SELF_SERVICE_SERIAL)
    again = watcher.poll()
    assert again is not None and [event.change for event in again] == [SlotChange.INSERTED]


def test_watcher_never_rescans_under_a_running_operation(slot: Slot) -> None:
    slot.make_key()
    watcher = SlotWatcher(slot.module)
    watcher.poll()
    holding, release = threading.Event(), threading.Event()

    def operation() -> None:
        with slot.module.lock:
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=operation)
    worker.start()
    holding.wait(10)
    try:
        assert watcher.poll() is None
    finally:
        release.set()
        worker.join()
    assert watcher.poll() == []


def test_watch_loop_delivers_events_until_stopped(slot: Slot) -> None:
    watcher = SlotWatcher(slot.module)
    seen: list[str] = []
    got_one, stop = threading.Event(), threading.Event()

    def on_event(event: SlotEvent) -> None:
        seen.append(event.token.serial)
        got_one.set()

    slot.make_key(SELF_SERVICE_SERIAL_56)
    loop = threading.Thread(target=watcher.watch, args=(on_event, stop, 0.05))
    loop.start()
    assert got_one.wait(10)
    stop.set()
    loop.join(10)
    assert not loop.is_alive()
    assert seen == [SELF_SERVICE_SERIAL_56]


# --- module and slot faults -----------------------------------------------------------------------
def test_a_missing_vendor_module_is_a_clear_fault(tmp_path) -> None:
    from kiosk.devices.token import ModuleUnavailable

    with pytest.raises(ModuleUnavailable) as fault:
        Pkcs11Module(tmp_path / "libvendor-pkcs11.so")
    assert "libvendor-pkcs11.so" in fault.value.detail
    assert fault.value.say("zh") == "本机的证书盘驱动未安装或无法加载，请联系大厅工作人员"
    assert (
        fault.value.say("en")
        == "This kiosk's USB key driver is missing or does not load. Please ask the hall staff"
    )


def test_reading_an_empty_slot_asks_for_the_key(slot: Slot) -> None:
    from kiosk.devices.token import NoToken

    slot_id = slot.make_key()
    slot.hsm.pull_out(SELF_SERVICE_SERIAL)
    slot.module.rescan()
    with pytest.raises(NoToken) as missing:
        read_token(slot.module, slot_id)
    assert missing.value.say("zh") == "请插入证书盘"
    assert missing.value.say("en") == "Please insert your USB key"
    with pytest.raises(NoToken):
        check_user_pin(slot.module, slot_id, USER_PIN)
