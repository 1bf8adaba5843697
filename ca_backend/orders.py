"""Orders: created once per kiosk UUID (forever), attachments, submission, review, events,
notifications, shipping and redirection, revocation on approval.

Statuses move only by kiosk.core.domain.status.transition: the kiosk's machine is the backend's."""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from ca_backend.database import Database, now_iso
from ca_backend.errors import ApiError, conflict, not_found, unprocessable
from ca_backend.subscribers import Subscriber, Subscribers
from kiosk.core.contract import (
    AttachmentInfo,
    AttachmentReceipt,
    EarlierForm,
    OrderCreate,
    OrderEvent,
    OrderView,
    Rejection,
    Shipment,
)
from kiosk.core.domain.businesses import BUSINESSES, ActsOn, Fulfilment, Section
from kiosk.core.domain.catalog import Catalog, ProjectSelection
from kiosk.core.domain.documents import DOCUMENTS, MAX_DOCUMENT_BYTES, DocumentKind
from kiosk.core.domain.fees import quote
from kiosk.core.domain.forms import DELIVERY_PICKUP, Masking, check_form
from kiosk.core.domain.masking import mask
from kiosk.core.domain.redirect import can_redirect
from kiosk.core.domain.status import IllegalTransition, OrderStatus, transition
from kiosk.core.i18n import Text
from kiosk.core.sealing import Sealer

# Magic numbers of the image types the manual accepts; the name a file came with counts for nothing.
MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)
UPLOADABLE = frozenset({OrderStatus.DRAFT, OrderStatus.REJECTED})


def sniff_image(data: bytes) -> str | None:
    return next((media for magic, media in MAGIC if data.startswith(magic)), None)


@dataclass(frozen=True)
class Caller:
    """Who asks: always a device; a subscriber when signed in at it."""

    device_id: str
    subscriber: Subscriber | None = None


class Orders:
    def __init__(
        self, db: Database, sealer: Sealer, catalog: Catalog, subscribers: Subscribers, attachments_dir: Path
    ) -> None:
        self.db = db
        self.sealer = sealer
        self.catalog = catalog
        self.subscribers = subscribers
        self.attachments_dir = attachments_dir
        attachments_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    # --- creating and reading -------------------------------------------------------------------
    def create(self, caller: Caller, request: OrderCreate) -> tuple[OrderView, bool]:
        order_id = str(request.order_id)
        business = BUSINESSES[request.business]
        project = ProjectSelection.from_json(request.project.model_dump()) if request.project else None
        fee_fen = self._fee(request.business, project)
        now = now_iso()
        with self.db.write() as conn:
            owner, verified = self._owner(conn, caller, request)
            existing = conn.execute("select * from orders where order_id = ?", (order_id,)).fetchone()
            if existing is not None:
                # The same UUID again (a retry, a restart, a duplicate): that order, forever.
                if not self._visible(existing, caller) or existing["business"] != business.code:
                    raise conflict("order_id_taken", Text("订单号已被另一笔订单使用"))
                return self._view(conn, existing), False
            if request.redirect_of is not None:
                target = conn.execute(
                    "select * from orders where order_id = ?", (str(request.redirect_of),)
                ).fetchone()
                if target is None or not self._visible(target, caller):
                    raise not_found(Text("没有找到要改派的订单"))
                shipment = json.loads(target["shipment"]) if target["shipment"] else {}
                if not can_redirect(
                    target["business"],
                    OrderStatus(target["status"]),
                    shipment.get("method"),
                    shipment.get("tracking_number"),
                ):
                    raise conflict("not_redirectable", Text("该订单当前不能改派"))
            elif business.acts_on is ActsOn.ORDER:
                raise unprocessable("no_redirect_target", Text("改派须指明要改派的订单"))
            if business.acts_on is ActsOn.NAMED_KEY and not request.token_serial:
                # Naming the unit alone would revoke every key it holds, the ones still in use too.
                raise unprocessable("no_revoke_target", Text("证书注销须指明要注销的证书盘"))
            conn.execute(
                "insert into orders (order_id, business, status, subscriber_id, device_id,"
                " form_sealed, project,"
                " token_serial, redirect_of, fee_fen, created_at, received_at, updated_at, phone_sealed)"
                " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    order_id,
                    business.code,
                    OrderStatus.DRAFT.value,
                    owner.id if owner else None,
                    caller.device_id,
                    self._seal_form(order_id, request.form),
                    json.dumps(project.to_json()) if project else None,
                    request.token_serial,
                    str(request.redirect_of) if request.redirect_of else None,
                    fee_fen,
                    request.created_at.isoformat(),
                    now,
                    now,
                    self.sealer.seal(owner.phone.encode(), f"order-phone:{order_id}") if owner else None,
                ),
            )
            self.record_event(
                conn, order_id, OrderStatus.DRAFT, f"device:{caller.device_id}", f"订单已接收{verified}"
            )
            row = conn.execute("select * from orders where order_id = ?", (order_id,)).fetchone()
            return self._view(conn, row), True

    def _owner(
        self, conn: sqlite3.Connection, caller: Caller, request: OrderCreate
    ) -> tuple[Subscriber | None, str]:
        """The subscriber the order belongs to, and how the kiosk verified them (for the event)."""
        if caller.subscriber is not None:
            return caller.subscriber, "（短信验证登录）"
        claim = request.subscriber
        if claim is None:
            return None, ""
        subscriber_id, _ = self.subscribers.account_for(conn, claim.phone)
        how = (
            "（短信验证登录）"
            if claim.verified_by == "sms"
            else f"（工作人员{claim.staff_id or ''}现场核验身份）"
        )
        return Subscriber(subscriber_id, claim.phone), how

    def get(self, caller: Caller, order_id: UUID | str) -> OrderView:
        with self.db.connect() as conn:
            return self._view(conn, self._row_for(conn, caller, str(order_id)))

    def view_of(self, order_id: str) -> OrderView:
        """Any order, for reviewers and staff (never on a subscriber's behalf)."""
        with self.db.connect() as conn:
            return self._view(conn, self._row(conn, order_id))

    def listing(self, caller: Caller) -> list[OrderView]:
        with self.db.connect() as conn:
            if caller.subscriber is not None:
                rows = conn.execute(
                    "select * from orders where subscriber_id = ? order by created_at desc",
                    (caller.subscriber.id,),
                )
            else:
                rows = conn.execute(
                    "select * from orders where device_id = ? order by created_at desc", (caller.device_id,)
                )
            return [self._view(conn, row) for row in rows.fetchall()]

    def events(self, caller: Caller, order_id: UUID | str) -> list[OrderEvent]:
        with self.db.connect() as conn:
            self._row_for(conn, caller, str(order_id))
            rows = conn.execute(
                "select * from events where order_id = ? order by id", (str(order_id),)
            ).fetchall()
        return [
            OrderEvent(at=row["at"], status=OrderStatus(row["status"]), actor=row["actor"], note=row["note"])
            for row in rows
        ]

    def earlier_form(self, caller: Caller, unit_code: str) -> EarlierForm:
        """The signed-in subscriber's newest order that names the unit, with its form: only
        their own (a session is required), never another subscriber's of the same unit."""
        if caller.subscriber is None:
            raise ApiError(401, "session_required", Text("请先登录"))
        with self.db.connect() as conn:
            rows = conn.execute(
                "select order_id, form_sealed from orders where subscriber_id = ?"
                " order by created_at desc, rowid desc",
                (caller.subscriber.id,),
            ).fetchall()
        for row in rows:
            form = self._open_form(row["order_id"], row["form_sealed"])
            named = {
                form.get(section.value, {}).get("uscc") for section in (Section.CERTIFICATE, Section.UNIT)
            }
            if unit_code in named:
                return EarlierForm(order_id=row["order_id"], form=form)
        return EarlierForm()

    def form_of(self, order_id: str) -> dict[str, dict[str, str]]:
        with self.db.connect() as conn:
            row = conn.execute("select form_sealed from orders where order_id = ?", (order_id,)).fetchone()
        if row is None:
            raise not_found()
        return self._open_form(order_id, row["form_sealed"])

    # --- changing -------------------------------------------------------------------------------
    def update_form(
        self, caller: Caller, order_id: UUID | str, form: Mapping[str, Mapping[str, str]]
    ) -> OrderView:
        order_id = str(order_id)
        with self.db.write() as conn:
            row = self._row_for(conn, caller, order_id)
            if OrderStatus(row["status"]) not in UPLOADABLE:
                raise conflict("not_editable", Text("订单当前状态不能修改资料"))
            conn.execute(
                "update orders set form_sealed = ?, updated_at = ? where order_id = ?",
                (self._seal_form(order_id, form), now_iso(), order_id),
            )
            return self._view(conn, self._row(conn, order_id))

    def put_attachment(
        self,
        caller: Caller,
        order_id: UUID | str,
        document: DocumentKind,
        data: bytes,
        claimed_sha256: str | None,
    ) -> AttachmentReceipt:
        order_id = str(order_id)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise unprocessable("too_large", Text("图片超过3MB，请重新拍摄或压缩后上传"))
        if not data:
            raise unprocessable("empty", Text("文件是空的"))
        sha256 = hashlib.sha256(data).hexdigest()
        if claimed_sha256 is not None and claimed_sha256.lower() != sha256:
            raise unprocessable("sha256_mismatch", Text("文件在传输中损坏（校验值不符），请重新上传"))
        media_type = sniff_image(data)
        if media_type is None:
            raise unprocessable("not_an_image", Text("只接受jpg、jpeg、bmp、gif、png格式的图片"))
        with self.db.connect() as conn:
            row = self._row_for(conn, caller, order_id)
            same = conn.execute(
                "select sha256 from attachments where order_id = ? and document = ?",
                (order_id, document.value),
            ).fetchone()
        if same is not None and same["sha256"] == sha256:
            return AttachmentReceipt(
                document=document, sha256=sha256, size=len(data), media_type=media_type, stored=False
            )
        if OrderStatus(row["status"]) not in UPLOADABLE:
            raise conflict("not_editable", Text("订单当前状态不能更换资料"))
        path = self.attachments_dir / sha256
        if not path.exists():
            temporary = path.with_suffix(".part")
            temporary.write_bytes(self.sealer.seal(data, f"attachment:{sha256}"))
            temporary.replace(path)
        with self.db.write() as conn:
            conn.execute(
                "insert into attachments (order_id, document, sha256, size, media_type, stored_at)"
                " values (?, ?, ?, ?, ?, ?)"
                " on conflict (order_id, document) do update set sha256 = excluded.sha256, size ="
                " excluded.size,"
                " media_type = excluded.media_type, stored_at = excluded.stored_at",
                (order_id, document.value, sha256, len(data), media_type, now_iso()),
            )
        return AttachmentReceipt(
            document=document, sha256=sha256, size=len(data), media_type=media_type, stored=True
        )

    def read_attachment(self, sha256: str) -> bytes:
        return self.sealer.open((self.attachments_dir / sha256).read_bytes(), f"attachment:{sha256}")

    def submit(self, caller: Caller, order_id: UUID | str, revision: int) -> OrderView:
        order_id = str(order_id)
        with self.db.write() as conn:
            row = self._row_for(conn, caller, order_id)
            status = OrderStatus(row["status"])
            if revision <= row["submissions"]:
                return self._view(conn, row)  # a retry of a submission already taken
            if revision > row["submissions"] + 1:
                raise conflict("revision_gap", Text("提交次序不符，请联系工作人员"))
            business = BUSINESSES[row["business"]]
            form = self._open_form(order_id, row["form_sealed"])
            problems: dict[str, Text] = {
                f"{section.value}.{key}": message
                for (section, key), message in check_form(business.sections, form).items()
            }
            present = {
                r["document"]
                for r in conn.execute("select document from attachments where order_id = ?", (order_id,))
            }
            for kind in self.required_documents(business.code):
                if kind.value not in present:
                    problems[kind.value] = Text("请上传{document}", document=DOCUMENTS[kind].title)
            if problems:
                raise unprocessable("incomplete", Text("资料不完整，请按提示补充"), problems)
            self.move(
                conn,
                row,
                OrderStatus.AWAITING_REVIEW,
                f"device:{caller.device_id}",
                "资料已提交，等待审核" if status is OrderStatus.DRAFT else "资料已重新提交，等待审核",
                submitted_at=now_iso(),
                rejection=None,
                submissions=revision,
            )
            return self._view(conn, self._row(conn, order_id))

    def required_documents(self, code: str) -> tuple[DocumentKind, ...]:
        return self.catalog.documents_for(code, BUSINESSES[code].documents)

    # --- review ---------------------------------------------------------------------------------
    def awaiting_review(self, older_than: timedelta | None = None) -> list[sqlite3.Row]:
        cutoff = (datetime.now(UTC) - older_than).isoformat() if older_than else "9999"
        with self.db.connect() as conn:
            return conn.execute(
                "select * from orders where status = ? and submitted_at <= ? order by submitted_at",
                (OrderStatus.AWAITING_REVIEW.value, cutoff),
            ).fetchall()

    def awaiting_shipment(self, older_than: timedelta) -> list[sqlite3.Row]:
        cutoff = (datetime.now(UTC) - older_than).isoformat()
        with self.db.connect() as conn:
            return conn.execute(
                "select * from orders where status = ? and updated_at <= ? order by updated_at",
                (OrderStatus.AWAITING_SHIPMENT.value, cutoff),
            ).fetchall()

    def approve(self, order_id: str, reviewer: str) -> OrderView:
        with self.db.write() as conn:
            row = self._row(conn, order_id)
            business = BUSINESSES[row["business"]]
            target = business.status_after_approval(costs_money=row["fee_fen"] > 0)
            self.move(conn, row, target, f"reviewer:{reviewer}", "审核通过")
            return self._view(conn, self._row(conn, order_id))

    def reject(self, order_id: str, reviewer: str, rejection: Rejection) -> OrderView:
        with self.db.write() as conn:
            row = self._row(conn, order_id)
            self.move(
                conn,
                row,
                OrderStatus.REJECTED,
                f"reviewer:{reviewer}",
                f"审核驳回：{rejection.reason}",
                rejection=rejection.model_dump_json(),
            )
            return self._view(conn, self._row(conn, order_id))

    def _fulfil(self, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
        """What happens the moment an order reaches its fulfilment (approved and, if it costs, paid)."""
        fulfil = {
            Fulfilment.SHIP: self._plan_shipment,
            Fulfilment.REVOKE: self._revoke_for,
            Fulfilment.REDIRECT: self._redirect,
        }.get(BUSINESSES[row["business"]].fulfilment)
        if fulfil is not None:  # a download or an unlock is done at a kiosk, later
            fulfil(conn, row)

    def _plan_shipment(self, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
        """Paid and waiting: record how the key will reach the subscriber, so 订单查询 can say
        "到服务大厅自提" or where it will be mailed before anything has gone out."""
        delivery = self._open_form(row["order_id"], row["form_sealed"]).get(Section.DELIVERY.value, {})
        if delivery.get("method") == DELIVERY_PICKUP:
            shipment = Shipment(method="pickup")
        else:
            address = mask(delivery.get("address", ""), Masking.ADDRESS) or None
            shipment = Shipment(method="mail", address_masked=address)
        conn.execute(
            "update orders set shipment = ? where order_id = ?",
            (shipment.model_dump_json(), row["order_id"]),
        )

    # --- shipping -------------------------------------------------------------------------------
    def ship(self, order_id: str, carrier: str, tracking_number: str, actor: str = "staff") -> OrderView:
        with self.db.write() as conn:
            row = self._row(conn, order_id)
            form = self._open_form(order_id, row["form_sealed"])
            delivery = form.get(Section.DELIVERY.value, {})
            shipment = Shipment(
                method="mail",
                carrier=carrier,
                tracking_number=tracking_number,
                shipped_at=datetime.now(UTC),
                address_masked=mask(delivery.get("address", ""), Masking.ADDRESS) or None,
            )
            note = f"已发货：{carrier} {tracking_number}"
            status = OrderStatus(row["status"])
            if (
                status is OrderStatus.COMPLETED
                and row["shipment"]
                and not json.loads(row["shipment"]).get("tracking_number")
            ):
                # A redirected order that had completed (a returned parcel) goes out again.
                conn.execute(
                    "update orders set shipment = ?, updated_at = ? where order_id = ?",
                    (shipment.model_dump_json(), now_iso(), order_id),
                )
                self.record_event(conn, order_id, status, actor, note)
            else:
                self.move(conn, row, OrderStatus.COMPLETED, actor, note, shipment=shipment.model_dump_json())
            return self._view(conn, self._row(conn, order_id))

    def hand_over(self, order_id: str, actor: str = "staff") -> OrderView:
        """Self-pickup at the hall: the subscriber collected the key."""
        with self.db.write() as conn:
            row = self._row(conn, order_id)
            form = self._open_form(order_id, row["form_sealed"])
            if form.get(Section.DELIVERY.value, {}).get("method") != DELIVERY_PICKUP:
                raise conflict("not_pickup", Text("该订单不是自提订单"))
            shipment = Shipment(method="pickup", shipped_at=datetime.now(UTC))
            self.move(
                conn,
                row,
                OrderStatus.COMPLETED,
                actor,
                "已在服务大厅自提",
                shipment=shipment.model_dump_json(),
            )
            return self._view(conn, self._row(conn, order_id))

    def deliver_for_demo(self, order_id: str) -> OrderView:
        """The demo's hall: a mailed order goes out with an invented tracking number, a
        self-pickup is collected."""
        form = self.form_of(order_id)
        if form.get(Section.DELIVERY.value, {}).get("method") == DELIVERY_PICKUP:
            return self.hand_over(order_id, actor="demo")
        number = "SF" + "".join(secrets.choice("0123456789") for _ in range(12))
        return self.ship(order_id, "顺丰速运", number, actor="demo")

    def _redirect(self, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
        target_id = row["redirect_of"]
        target = self._row(conn, target_id)
        form = self._open_form(row["order_id"], row["form_sealed"])
        delivery = form.get(Section.DELIVERY.value, {})
        reason = form.get(Section.REDIRECT_REASON.value, {}).get("reason", "")
        target_form = self._open_form(target_id, target["form_sealed"])
        target_form[Section.DELIVERY.value] = {**delivery, "method": "mail"}
        shipment = Shipment(
            method="mail", address_masked=mask(delivery.get("address", ""), Masking.ADDRESS) or None
        )
        conn.execute(
            "update orders set form_sealed = ?, shipment = ?, updated_at = ? where order_id = ?",
            (self._seal_form(target_id, target_form), shipment.model_dump_json(), now_iso(), target_id),
        )
        self.record_event(
            conn,
            target_id,
            OrderStatus(target["status"]),
            f"order:{row['order_id']}",
            f"改派（{reason}）：改寄新地址",
        )

    # --- revocation -----------------------------------------------------------------------------
    def _revoke_for(self, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
        """Revoke the certificates of the key the order names (never a whole unit's)."""
        now = now_iso()
        revoked = conn.execute(
            "update certificates set revoked_at = ?, revocation_reason = 'key_compromise'"
            " where token_serial = ? and revoked_at is null",
            (now, row["token_serial"]),
        ).rowcount
        conn.execute("update orders set revoked_at = ? where order_id = ?", (now, row["order_id"]))
        self.record_event(conn, row["order_id"], OrderStatus(row["status"]), "ca", f"已注销证书{revoked}张")

    # --- helpers --------------------------------------------------------------------------------
    def _fee(self, code: str, project: ProjectSelection | None) -> int:
        types = project.certificate_types if project else ()
        try:
            return quote(BUSINESSES[code], self.catalog, types).total_fen
        except KeyError as error:
            raise unprocessable(
                "unknown_certificate_type", Text("未知的证书类型：{code}", code=str(error))
            ) from None

    @staticmethod
    def _visible(row: sqlite3.Row, caller: Caller) -> bool:
        if caller.subscriber is not None:
            return bool(row["subscriber_id"] == caller.subscriber.id)
        # The kiosk itself (its sync, with nobody's session) follows the orders it took; what a
        # subscriber at it may see is decided with their session, above.
        return bool(row["device_id"] == caller.device_id)

    def _row_for(self, conn: sqlite3.Connection, caller: Caller, order_id: str) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute(
            "select * from orders where order_id = ?", (order_id,)
        ).fetchone()
        if row is None or not self._visible(row, caller):
            raise not_found()  # another's order is indistinguishable from none
        return row

    @staticmethod
    def _row(conn: sqlite3.Connection, order_id: str) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute(
            "select * from orders where order_id = ?", (order_id,)
        ).fetchone()
        if row is None:
            raise not_found()
        return row

    def move(
        self,
        conn: sqlite3.Connection,
        row: sqlite3.Row,
        target: OrderStatus,
        actor: str,
        note: str,
        **columns: Any,
    ) -> None:
        """The one way an order's status changes: checked by the kiosk's machine, recorded as an
        event and a notification, and the business's fulfilment done when it is reached."""
        try:
            transition(OrderStatus(row["status"]), target)
        except IllegalTransition as error:
            raise ApiError(409, "illegal_transition", error.message) from None
        assignments = ", ".join(f"{name} = ?" for name in ("status", "updated_at", *columns))
        conn.execute(
            f"update orders set {assignments} where order_id = ?",  # noqa: S608 (column names are ours)
            (target.value, now_iso(), *columns.values(), row["order_id"]),
        )
        self.record_event(conn, row["order_id"], target, actor, note)
        self._notify(conn, row, target, note)
        if target is BUSINESSES[row["business"]].fulfilled_as:
            self._fulfil(conn, self._row(conn, row["order_id"]))

    @staticmethod
    def record_event(
        conn: sqlite3.Connection, order_id: str, status: OrderStatus, actor: str, note: str
    ) -> None:
        conn.execute(
            "insert into events (order_id, at, status, actor, note) values (?, ?, ?, ?, ?)",
            (order_id, now_iso(), status.value, actor, note),
        )

    def _notify(self, conn: sqlite3.Connection, row: sqlite3.Row, status: OrderStatus, note: str) -> None:
        """The message that would reach the subscriber, by SMS (and e-mail when the form has one)."""
        order_id = row["order_id"]
        text = f"【数字证书】您的订单{order_id[:8]}状态：{status.label}。{note}"
        phone = (
            self.sealer.open(row["phone_sealed"], f"order-phone:{order_id}").decode()
            if row["phone_sealed"]
            else None
        )
        handler = self._open_form(order_id, row["form_sealed"]).get(Section.HANDLER.value, {})
        phone = phone or handler.get("mobile")
        now = now_iso()
        if phone:
            conn.execute(
                "insert into notifications (order_id, channel, recipient, text, at) values (?,"
                " 'sms', ?, ?, ?)",
                (order_id, mask(phone, Masking.PHONE), text, now),
            )
            self.subscribers.record_sms(conn, phone, text)
        if handler.get("email"):
            conn.execute(
                "insert into notifications (order_id, channel, recipient, text, at) values (?,"
                " 'email', ?, ?, ?)",
                (order_id, mask(handler["email"], Masking.EMAIL), text, now),
            )

    def notifications(self, limit: int = 50) -> list[sqlite3.Row]:
        with self.db.connect() as conn:
            return conn.execute("select * from notifications order by id desc limit ?", (limit,)).fetchall()[
                ::-1
            ]

    def _seal_form(self, order_id: str, form: Mapping[str, Mapping[str, str]]) -> bytes:
        return self.sealer.seal(json.dumps(form, ensure_ascii=False).encode(), f"order-form:{order_id}")

    def _open_form(self, order_id: str, sealed: bytes) -> dict[str, dict[str, str]]:
        form: dict[str, dict[str, str]] = json.loads(self.sealer.open(sealed, f"order-form:{order_id}"))
        return form

    def _view(self, conn: sqlite3.Connection, row: sqlite3.Row) -> OrderView:
        status = OrderStatus(row["status"])
        attachments = [
            AttachmentInfo(
                document=DocumentKind(r["document"]),
                sha256=r["sha256"],
                size=r["size"],
                media_type=r["media_type"],
            )
            for r in conn.execute(
                "select * from attachments where order_id = ? order by document", (row["order_id"],)
            )
        ]
        return OrderView(
            order_id=row["order_id"],
            business=row["business"],
            status=status,
            status_label=str(status.label),
            status_label_en=status.label.say("en"),
            fee_fen=row["fee_fen"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            submitted_at=row["submitted_at"],
            token_serial=row["token_serial"],
            redirect_of=row["redirect_of"],
            attachments=attachments,
            rejection=Rejection.model_validate_json(row["rejection"]) if row["rejection"] else None,
            shipment=Shipment.model_validate_json(row["shipment"]) if row["shipment"] else None,
            certificate_serial=row["certificate_serial"],
            revoked_at=row["revoked_at"],
            payment_id=row["payment_id"],
        )
