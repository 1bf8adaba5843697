"""The local store: personal data sealed at rest, outbox written with the order, audit chain."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat

import pytest

from kiosk.core.contract import FormValues
from kiosk.core.domain.businesses import BusinessCode, Section
from kiosk.core.domain.catalog import ProjectSelection
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.domain.status import IllegalTransition, OrderStatus
from kiosk.store import KeyFileError, OrderNotFound, Owner, Store, StoreError
from kiosk.store.schema import SCHEMA_VERSION

ID_NUMBER = "11010519491231002X"
HANDLER_ID = "500101199003071234"
PHONE = "13512345678"
HANDLER_PHONE = "18623456789"
ADDRESS = "重庆市渝北区金开大道100号"
FORM: FormValues = {
    Section.UNIT: {
        "unit_name": "东方中讯数字证书认证有限公司",
        "uscc": "91350100M000100Y43",
        "legal_rep_name": "张三丰",
        "legal_rep_id": ID_NUMBER,
        "legal_rep_mobile": PHONE,
    },
    Section.HANDLER: {
        "name": "李四光",
        "id_number": HANDLER_ID,
        "mobile": HANDLER_PHONE,
        "email": "lisi@example.com",
    },
    Section.DELIVERY: {"method": "mail", "recipient": "李四光", "phone": HANDLER_PHONE, "address": ADDRESS},
}
# A fake "photo" that carries the ID number in its bytes, like a scan of an ID card would.
IMAGE = b"\x89PNG\r\n\x1a\n" + f"ID {ID_NUMBER} TEL {PHONE}".encode() + os.urandom(2048)
PROJECT = ProjectSelection(("cq", "cq-ggzy", "cq-ggzy-web", "cq-ggzy-center", "bidder"), ("unit_seal",))
SECRETS = [
    ID_NUMBER,
    HANDLER_ID,
    PHONE,
    HANDLER_PHONE,
    "张三丰",
    "李四光",
    ADDRESS,
    "金开大道",
    "lisi@example.com",
]


def _raw_bytes(store: Store) -> bytes:
    """Everything on disk: the database, its WAL, and every attachment file."""
    store.database.conn.execute("PRAGMA wal_checkpoint(FULL)")
    blobs = []
    for path in sorted(store.path.parent.rglob("*")):
        if path.is_file():
            blobs.append(path.read_bytes())
    return b"".join(blobs)


def _assert_no_personal_data_in_clear(raw: bytes) -> None:
    for secret in SECRETS:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in raw, f"{secret!r} found in clear ({encoding})"
    # JSON written with ensure_ascii=True would hide Chinese as \\u escapes: look for those too.
    assert "张三丰".encode("unicode_escape") not in raw


def test_raw_store_holds_no_personal_field_in_clear(store: Store) -> None:
    order = store.orders.create(BusinessCode.NEW, FORM, PROJECT, fee_fen=58000)
    store.orders.set_owner(order.id, Owner(phone=HANDLER_PHONE, verified_by="sms"))  # the account's phone
    store.attachments.add(order.id, DocumentKind.LEGAL_REP_ID, IMAGE, "image/png")
    store.orders.submit(order.id)
    store.audit_trail.append("staff", "sign_in")
    store.outbox.note_link(False, "Offline: Cannot reach the CA")
    _assert_no_personal_data_in_clear(_raw_bytes(store))
    assert store.orders.owner(order.id) == Owner(phone=HANDLER_PHONE, verified_by="sms")
    # ... and yet it is all there for the kiosk itself.
    again = store.orders.get(order.id)
    assert again.form[Section.UNIT]["legal_rep_id"] == ID_NUMBER
    sha = store.attachments.of(order.id)[DocumentKind.LEGAL_REP_ID].sha256
    assert store.attachments.read(sha) == IMAGE


def test_key_file_is_private_and_outside_the_database(store: Store, where) -> None:
    assert stat.S_IMODE(where.key_file.stat().st_mode) == 0o600
    assert where.key_file.parent != store.path.parent
    assert where.key_file.read_bytes() not in _raw_bytes(store)


def test_attachment_files_are_named_by_sha256_and_sealed(store: Store) -> None:
    order = store.orders.create(BusinessCode.NEW, FORM)
    record = store.attachments.add(order.id, DocumentKind.HANDLER_ID, IMAGE, "image/png")
    assert record.sha256 == hashlib.sha256(IMAGE).hexdigest()
    files = list(store.attachments.folder.iterdir())
    assert [f.name for f in files] == [f"{record.sha256}.sealed"]
    assert IMAGE[8:40] not in files[0].read_bytes()
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600


def test_same_image_twice_is_one_file(store: Store) -> None:
    first = store.orders.create(BusinessCode.NEW, FORM)
    second = store.orders.create(BusinessCode.REISSUE, FORM)
    store.attachments.add(first.id, DocumentKind.HANDLER_ID, IMAGE, "image/png")
    store.attachments.add(second.id, DocumentKind.HANDLER_ID, IMAGE, "image/png")
    assert len(list(store.attachments.folder.iterdir())) == 1


def test_recapture_replaces_the_old_image(store: Store) -> None:
    order = store.orders.create(BusinessCode.NEW, FORM)
    old = store.attachments.add(order.id, DocumentKind.HANDLER_ID, IMAGE, "image/png")
    new = store.attachments.add(order.id, DocumentKind.HANDLER_ID, IMAGE + b"retake", "image/png")
    assert store.attachments.of(order.id)[DocumentKind.HANDLER_ID].sha256 == new.sha256
    assert not (store.attachments.folder / f"{old.sha256}.sealed").exists()


def test_wrong_key_cannot_open_and_says_so(store: Store, where) -> None:
    order = store.orders.create(BusinessCode.NEW, FORM)
    store.close()
    where.key_file.write_bytes(os.urandom(32))
    reopened = Store.open(where.data_dir, where.key_file)
    with pytest.raises(KeyFileError, match="cannot be opened with this key"):
        reopened.orders.get(order.id)
    reopened.close()


def test_missing_key_for_an_existing_store_is_not_silently_replaced(store: Store, where) -> None:
    store.orders.create(BusinessCode.NEW, FORM)
    store.close()
    where.key_file.unlink()
    with pytest.raises(KeyFileError, match="is missing"):
        Store.open(where.data_dir, where.key_file)
    assert not where.key_file.exists()


def test_key_readable_by_others_is_refused(store: Store, where) -> None:
    store.close()
    where.key_file.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        Store.open(where.data_dir, where.key_file)


def test_submit_writes_status_and_outbox_together(store: Store) -> None:
    order = store.orders.create(BusinessCode.NEW, FORM)
    store.attachments.add(order.id, DocumentKind.HANDLER_ID, IMAGE, "image/png")
    assert store.outbox.summary().pending_orders == 0
    store.orders.submit(order.id)
    assert store.orders.get(order.id).status is OrderStatus.AWAITING_REVIEW
    assert [item.kind for item in store.outbox.pending()] == [
        "create_order",
        "upload_attachment",
        "submit_order",
    ]
    assert store.outbox.summary().pending_orders == 1
    # Personal data is not copied into the outbox: it stays sealed in the order.
    assert all(ID_NUMBER not in str(item.payload) for item in store.outbox.pending())


def test_a_failing_submit_leaves_neither_status_nor_outbox(store: Store) -> None:
    order = store.orders.create(BusinessCode.NEW, FORM)
    store.database.conn.execute(
        "create trigger refuse_outbox before insert on outbox begin select raise(abort, 'disk full'); end"
    )
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        store.orders.submit(order.id)
    assert store.orders.get(order.id).status is OrderStatus.DRAFT
    assert store.outbox.pending() == []


def test_outbox_failure_and_done(store: Store) -> None:
    order = store.orders.create(BusinessCode.NEW, FORM)
    store.orders.submit(order.id)
    first = store.outbox.pending()[0]
    store.outbox.mark_failed(first.id, "connection refused", "2026-11-24T10:00:00+00:00")
    retried = store.outbox.pending()[0]
    assert (retried.attempts, retried.last_error) == (1, "connection refused")
    for item in store.outbox.pending():
        store.outbox.finish(item.id)
    assert store.outbox.summary().pending_orders == 0


def test_status_changes_follow_the_machine(store: Store) -> None:
    order = store.orders.create(BusinessCode.NEW, FORM)
    with pytest.raises(IllegalTransition):
        store.orders.set_status(order.id, OrderStatus.COMPLETED)
    store.orders.submit(order.id)
    store.orders.set_status(order.id, OrderStatus.REJECTED, rejections={"documents": {"handler_id": "模糊"}})
    assert store.orders.get(order.id).rejections == {"documents": {"handler_id": "模糊"}}
    store.orders.update_draft(order.id, form=FORM)  # a rejected order can be corrected
    store.orders.submit(order.id)
    assert "resubmit_order" in [item.kind for item in store.outbox.pending()]


def test_only_drafts_change(store: Store) -> None:
    order = store.orders.create(BusinessCode.NEW, FORM)
    store.orders.submit(order.id)
    with pytest.raises(StoreError, match="only a draft can change"):
        store.orders.update_draft(order.id, fee_fen=1)


def test_discard_draft_removes_order_and_images_but_never_a_submitted_order(store: Store) -> None:
    draft = store.orders.create(BusinessCode.NEW, FORM)
    store.attachments.add(draft.id, DocumentKind.HANDLER_ID, IMAGE, "image/png")
    assert store.orders.discard_draft(draft.id)
    with pytest.raises(OrderNotFound):
        store.orders.get(draft.id)
    assert list(store.attachments.folder.iterdir()) == []
    submitted = store.orders.create(BusinessCode.NEW, FORM)
    store.orders.submit(submitted.id)
    assert not store.orders.discard_draft(submitted.id)
    assert store.orders.get(submitted.id).status is OrderStatus.AWAITING_REVIEW


def test_purge_removes_personal_fields_and_images(store: Store) -> None:
    order = store.orders.create(BusinessCode.NEW, FORM, PROJECT)
    store.attachments.add(order.id, DocumentKind.HANDLER_ID, IMAGE, "image/png")
    store.orders.submit(order.id)
    store.outbox.finish(store.outbox.pending()[-1].id, acknowledged=True)
    store.orders.purge_personal_data(order.id)
    purged = store.orders.get(order.id)
    assert purged.purged_at is not None
    assert purged.form[Section.UNIT] == {
        "unit_name": "东方中讯数字证书认证有限公司",
        "uscc": "91350100M000100Y43",
    }
    assert purged.form[Section.HANDLER] == {}
    assert purged.project == PROJECT
    assert list(store.attachments.folder.iterdir()) == []


def test_audit_chain_detects_a_change(store: Store) -> None:
    for action in ("sign_in", "printer_test", "exit"):
        store.audit_trail.append("staff", action)
    assert store.audit_trail.first_changed() is None
    store.database.conn.execute("update audit set action = 'nothing' where seq = 2")
    assert store.audit_trail.first_changed() == 2


def test_audit_chain_detects_a_deleted_record(store: Store) -> None:
    for action in ("a", "b", "c"):
        store.audit_trail.append("staff", action)
    store.database.conn.execute("delete from audit where seq = 2")
    assert store.audit_trail.first_changed() == 3


def test_schema_is_versioned_and_wal(store: Store) -> None:
    assert store.database.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.database.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(store: Store, where) -> None:
    store.database.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store.close()
    with pytest.raises(RuntimeError, match="update the kiosk software"):
        Store.open(where.data_dir, where.key_file)


def test_reopening_keeps_everything(store: Store, where) -> None:
    order = store.orders.create(BusinessCode.UNLOCK, FORM)
    store.orders.submit(order.id)
    store.close()
    reopened = Store.open(where.data_dir, where.key_file)
    assert reopened.orders.get(order.id).form == {str(k): v for k, v in FORM.items()}
    assert reopened.outbox.summary().pending_orders == 1
    reopened.close()


def test_audit_records_cut_off_the_end_are_found(store: Store) -> None:
    """The chain alone cannot tell a trail that ends early: the anchor beside the database can."""
    for action in ("a", "b", "c"):
        store.audit_trail.append("staff", action)
    assert store.audit_trail.problem() is None
    store.database.conn.execute("delete from audit where seq = 3")
    assert store.audit_trail.first_changed() is None  # what is left still chains
    assert store.audit_trail.problem() == "审计记录与锚点不符：应有3条，现有2条"


def test_an_audit_record_rewritten_with_a_plain_hash_chain_is_found(store: Store) -> None:
    """Whoever edits the database without the key file cannot chain the trail anew."""
    import hashlib
    import json

    store.audit_trail.append("staff", "sign_in")
    row = store.database.conn.execute("select seq, at, actor, action, detail from audit").fetchone()
    record = dict(zip(("seq", "at", "actor", "action", "detail"), row, strict=True))
    record["action"] = "nothing"
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    forged = hashlib.sha256(("0" * 64 + canonical).encode()).hexdigest()
    store.database.conn.execute("update audit set action = 'nothing', hash = ? where seq = 1", [forged])
    assert store.audit_trail.first_changed() == 1
    assert store.audit_trail.problem() == "审计记录第1条被改动或删除"


def test_a_missing_audit_anchor_is_found(store: Store) -> None:
    store.audit_trail.append("staff", "sign_in")
    store.audit_trail.anchor.unlink()
    assert store.audit_trail.problem() == "审计记录的锚点文件缺失或被改动"


def test_a_trail_from_before_the_key_is_adopted_once_if_intact(store: Store, where) -> None:
    """A store written by an earlier version (plain SHA-256 chain, no anchor) is checked with
    the old rule and chained anew with the key; it then verifies and takes new records."""
    import hashlib
    import json

    prev = "0" * 64
    for seq, action in enumerate(("sign_in", "exit"), start=1):
        record = {
            "seq": seq,
            "at": "2026-11-01T08:00:00+00:00",
            "actor": "staff",
            "action": action,
            "detail": "{}",
        }
        canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256((prev + canonical).encode()).hexdigest()
        store.database.conn.execute(
            "insert into audit (seq, at, actor, action, detail, prev_hash, hash)"
            " values (?, ?, ?, ?, ?, ?, ?)",
            [seq, record["at"], "staff", action, "{}", prev, digest],
        )
        prev = digest
    store.database.conn.commit()
    store.close()
    reopened = Store.open(where.data_dir, where.key_file)
    try:
        assert reopened.audit_trail.problem() is None
        reopened.audit_trail.append("staff", "sign_in")
        assert reopened.audit_trail.problem() is None and reopened.audit_trail.count() == 3
    finally:
        reopened.close()
