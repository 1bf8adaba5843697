"""An order's intake: created once per kiosk UUID (forever), its form and attachments while it may
still change, and its submission for review, checked with the kiosk's own validators."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from uuid import UUID

from ca_backend.database import now_iso
from ca_backend.errors import ApiError, conflict, not_found, unprocessable
from ca_backend.orders.ledger import Caller, OrderLedger
from ca_backend.subscribers import Subscriber
from kiosk.core.contract import AttachmentReceipt, EarlierForm, OrderCreate, OrderView
from kiosk.core.domain.businesses import BUSINESSES, ActsOn, Section
from kiosk.core.domain.catalog import Catalog, ProjectSelection
from kiosk.core.domain.documents import DOCUMENTS, MAX_DOCUMENT_BYTES, DocumentKind
from kiosk.core.domain.fees import quote
from kiosk.core.domain.forms import check_form
from kiosk.core.domain.redirect import can_redirect
from kiosk.core.domain.status import OrderStatus
from kiosk.core.i18n import Text

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


class Intake:
    def __init__(self, orders: OrderLedger, catalog: Catalog, attachments_dir: Path) -> None:
        self.orders = orders
        self.catalog = catalog
        self.attachments_dir = attachments_dir
        attachments_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    # --- creating -------------------------------------------------------------------------------
    def create(self, caller: Caller, request: OrderCreate) -> tuple[OrderView, bool]:
        order_id = str(request.order_id)
        business = BUSINESSES[request.business]
        project = ProjectSelection.from_json(request.project.model_dump()) if request.project else None
        fee_fen = self._fee(request.business, project)
        now = now_iso()
        with self.orders.db.write() as conn:
            owner, verified = self._owner(conn, caller, request)
            existing = conn.execute("select * from orders where order_id = ?", (order_id,)).fetchone()
            if existing is not None:
                # The same UUID again (a retry, a restart, a duplicate): that order, forever.
                if not self.orders.visible(existing, caller) or existing["business"] != business.code:
                    raise conflict("order_id_taken", Text("订单号已被另一笔订单使用"))
                return self.orders.view(conn, existing), False
            if request.redirect_of is not None:
                target = conn.execute(
                    "select * from orders where order_id = ?", (str(request.redirect_of),)
                ).fetchone()
                if target is None or not self.orders.visible(target, caller):
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
                    self.orders.seal_form(order_id, request.form),
                    json.dumps(project.to_json()) if project else None,
                    request.token_serial,
                    str(request.redirect_of) if request.redirect_of else None,
                    fee_fen,
                    request.created_at.isoformat(),
                    now,
                    now,
                    self.orders.sealer.seal(owner.phone.encode(), f"order-phone:{order_id}")
                    if owner
                    else None,
                ),
            )
            self.orders.record_event(
                conn, order_id, OrderStatus.DRAFT, f"device:{caller.device_id}", f"订单已接收{verified}"
            )
            row = conn.execute("select * from orders where order_id = ?", (order_id,)).fetchone()
            return self.orders.view(conn, row), True

    def _owner(
        self, conn: sqlite3.Connection, caller: Caller, request: OrderCreate
    ) -> tuple[Subscriber | None, str]:
        """The subscriber the order belongs to, and how the kiosk verified them (for the event)."""
        if caller.subscriber is not None:
            return caller.subscriber, "（短信验证登录）"
        claim = request.subscriber
        if claim is None:
            return None, ""
        subscriber_id, _ = self.orders.subscribers.account_for(conn, claim.phone)
        how = (
            "（短信验证登录）"
            if claim.verified_by == "sms"
            else f"（工作人员{claim.staff_id or ''}现场核验身份）"
        )
        return Subscriber(subscriber_id, claim.phone), how

    def _fee(self, code: str, project: ProjectSelection | None) -> int:
        types = project.certificate_types if project else ()
        try:
            return quote(BUSINESSES[code], self.catalog, types).total_fen
        except KeyError as error:
            raise unprocessable(
                "unknown_certificate_type", Text("未知的证书类型：{code}", code=str(error))
            ) from None

    def earlier_form(self, caller: Caller, unit_code: str) -> EarlierForm:
        """The signed-in subscriber's newest order that names the unit, with its form: only
        their own (a session is required), never another subscriber's of the same unit."""
        if caller.subscriber is None:
            raise ApiError(401, "session_required", Text("请先登录"))
        with self.orders.db.connect() as conn:
            rows = conn.execute(
                "select order_id, form_sealed from orders where subscriber_id = ?"
                " order by created_at desc, rowid desc",
                (caller.subscriber.id,),
            ).fetchall()
        for row in rows:
            form = self.orders.open_form(row["order_id"], row["form_sealed"])
            named = {
                form.get(section.value, {}).get("uscc") for section in (Section.CERTIFICATE, Section.UNIT)
            }
            if unit_code in named:
                return EarlierForm(order_id=row["order_id"], form=form)
        return EarlierForm()

    # --- changing -------------------------------------------------------------------------------
    def update_form(
        self, caller: Caller, order_id: UUID | str, form: Mapping[str, Mapping[str, str]]
    ) -> OrderView:
        order_id = str(order_id)
        with self.orders.db.write() as conn:
            row = self.orders.row_for(conn, caller, order_id)
            if OrderStatus(row["status"]) not in UPLOADABLE:
                raise conflict("not_editable", Text("订单当前状态不能修改资料"))
            conn.execute(
                "update orders set form_sealed = ?, updated_at = ? where order_id = ?",
                (self.orders.seal_form(order_id, form), now_iso(), order_id),
            )
            return self.orders.view(conn, self.orders.row(conn, order_id))

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
        with self.orders.db.connect() as conn:
            row = self.orders.row_for(conn, caller, order_id)
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
            temporary.write_bytes(self.orders.sealer.seal(data, f"attachment:{sha256}"))
            temporary.replace(path)
        with self.orders.db.write() as conn:
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
        return self.orders.sealer.open((self.attachments_dir / sha256).read_bytes(), f"attachment:{sha256}")

    # --- submitting -----------------------------------------------------------------------------
    def submit(self, caller: Caller, order_id: UUID | str, revision: int) -> OrderView:
        order_id = str(order_id)
        with self.orders.db.write() as conn:
            row = self.orders.row_for(conn, caller, order_id)
            status = OrderStatus(row["status"])
            if revision <= row["submissions"]:
                return self.orders.view(conn, row)  # a retry of a submission already taken
            if revision > row["submissions"] + 1:
                raise conflict("revision_gap", Text("提交次序不符，请联系工作人员"))
            business = BUSINESSES[row["business"]]
            form = self.orders.open_form(order_id, row["form_sealed"])
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
            self.orders.move(
                conn,
                row,
                OrderStatus.AWAITING_REVIEW,
                f"device:{caller.device_id}",
                "资料已提交，等待审核" if status is OrderStatus.DRAFT else "资料已重新提交，等待审核",
                submitted_at=now_iso(),
                rejection=None,
                submissions=revision,
            )
            return self.orders.view(conn, self.orders.row(conn, order_id))

    def required_documents(self, code: str) -> tuple[DocumentKind, ...]:
        return self.catalog.documents_for(code, BUSINESSES[code].documents)
