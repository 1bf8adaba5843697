"""Certificate download: an approved (and paid) order's certificate, issued from the token's
request and bound to the token serial that asked; the CRL."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from cryptography import x509
from cryptography.x509.oid import NameOID

from ca_backend.database import Database
from ca_backend.errors import ApiError, conflict, unprocessable
from ca_backend.orders.ledger import Caller, OrderLedger
from ca_backend.pki import CertificateAuthority, CsrError, Issued, SubjectInfo
from kiosk.core.contract import CertificateIssued, CertificateRequest, CertificateSummary, OrderView
from kiosk.core.domain.businesses import NewCertificate, Section, business
from kiosk.core.domain.catalog import Catalog, ProjectSelection
from kiosk.core.domain.status import OrderStatus
from kiosk.core.domain.subjects import serial_hex
from kiosk.core.i18n import Text

DEFAULT_VALIDITY_DAYS = 365  # when the order names no certificate type
COUNTER_ORDER = ""  # a certificate issued at the CA's counter, through no kiosk order


class Certificates:
    def __init__(self, db: Database, orders: OrderLedger, ca: CertificateAuthority, catalog: Catalog) -> None:
        self.db = db
        self.orders = orders
        self.ca = ca
        self.catalog = catalog

    def download(self, caller: Caller, order_id: str, request: CertificateRequest) -> CertificateIssued:
        order = self.orders.get(caller, order_id)
        with self.db.connect() as conn:
            issued = conn.execute("select * from certificates where order_id = ?", (order_id,)).fetchone()
        if issued is not None:
            if issued["token_serial"] != request.token_serial:
                raise conflict("other_token", Text("该证书已下载到另一把证书盘"))
            return self._issued(issued["pem"], issued["subject"])  # a retry after a pulled key
        if order.status is not OrderStatus.AWAITING_DOWNLOAD:
            raise conflict("not_downloadable", Text("订单当前状态不能下载证书"))
        if order.token_serial and order.token_serial != request.token_serial:
            raise conflict(
                "other_token", Text("请插入办理该业务的证书盘（芯片号{serial}）", serial=order.token_serial)
            )
        subject, validity_days, until = self._terms(order)
        try:
            issued_now = self.ca.issue(request.csr_pem, subject, validity_days, until=until)
        except CsrError as error:
            raise unprocessable("bad_csr", Text("证书请求无效：{detail}", detail=str(error))) from None
        with self.db.write() as conn:
            self._record(conn, issued_now, request.token_serial, order_id, subject.serial_number)
            row = conn.execute("select * from orders where order_id = ?", (order_id,)).fetchone()
            self.orders.move(
                conn,
                row,
                OrderStatus.COMPLETED,
                "ca",
                f"证书已下载（序列号{issued_now.serial_hex}）",
                certificate_serial=issued_now.serial_hex,
            )
        return self._issued(issued_now.pem, issued_now.subject)

    def issue_at_counter(
        self,
        request_pem: str,
        subject: SubjectInfo,
        validity_days: int,
        token_serial: str,
        *,
        until: datetime | None = None,
    ) -> str:
        """A key's first certificate, made at the CA's own counter (the demo's keys): recorded
        in the register like every other, so it can be listed and revoked."""
        issued = self.ca.issue(request_pem, subject, validity_days, until=until)
        with self.db.write() as conn:
            self._record(conn, issued, token_serial, COUNTER_ORDER, subject.serial_number)
        return issued.pem

    def valid_for_unit(self, caller: Caller, unit_code: str) -> list[CertificateSummary]:
        """The unit's keys that hold a valid certificate, the newest certificate of each (a
        renewed key's older one is not a key of its own). Certificates are public; a session is
        still required so that only a signed-in subscriber may look."""
        if caller.subscriber is None:
            raise ApiError(401, "session_required", Text("请先登录"))
        now = datetime.now(UTC).isoformat()
        with self.db.connect() as conn:
            rows = conn.execute(
                "select * from certificates where unit_code = ? and revoked_at is null and not_after > ?"
                " order by not_before desc",
                (unit_code, now),
            ).fetchall()
        newest: dict[str, CertificateSummary] = {}
        for row in rows:
            newest.setdefault(
                row["token_serial"],
                CertificateSummary(
                    serial_hex=row["serial_hex"],
                    token_serial=row["token_serial"],
                    subject=row["subject"],
                    not_before=datetime.fromisoformat(row["not_before"]),
                    not_after=datetime.fromisoformat(row["not_after"]),
                ),
            )
        return list(newest.values())

    @staticmethod
    def _record(
        conn: sqlite3.Connection, issued: Issued, token_serial: str, order_id: str, unit_code: str
    ) -> None:
        cert = issued.certificate
        conn.execute(
            "insert into certificates (serial_hex, order_id, token_serial, subject, unit_code,"
            " not_before, not_after, pem) values (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                issued.serial_hex,
                order_id,
                token_serial,
                issued.subject,
                unit_code,
                cert.not_valid_before_utc.isoformat(),
                cert.not_valid_after_utc.isoformat(),
                issued.pem,
            ),
        )

    def crl_der(self) -> bytes:
        with self.db.connect() as conn:
            rows = conn.execute(
                "select serial_hex, revoked_at from certificates where revoked_at is not null"
            ).fetchall()
        return self.ca.crl(
            [
                (
                    row["serial_hex"],
                    datetime.fromisoformat(row["revoked_at"]),
                    x509.ReasonFlags.key_compromise,
                )
                for row in rows
            ]
        )

    def _terms(self, order: OrderView) -> tuple[SubjectInfo, int, datetime | None]:
        """The new certificate's subject, validity in days, and a fixed end (or None).

        The unit's name and credit code come from the order's form. The certificate type (OU)
        and the place come from the order's project; a renewal or change has none, and the key
        keeps what its current certificate says. A renewal runs for its type's validity; a
        change ends when the certificate it replaces did: it is free, and must not stand in
        for a renewal."""
        order_id = str(order.order_id)
        form = self.orders.form_of(order_id)
        with self.db.connect() as conn:
            project_json = conn.execute(
                "select project from orders where order_id = ?", (order_id,)
            ).fetchone()["project"]
            replaced = (
                conn.execute(
                    "select pem from certificates where token_serial = ? and order_id != ?"
                    " order by not_before desc limit 1",
                    (order.token_serial, order_id),
                ).fetchone()
                if order.token_serial
                else None
            )
        certificate = form.get(Section.CERTIFICATE.value, {})
        unit = form.get(Section.UNIT.value, {})
        name = certificate.get("company_name") or unit.get("unit_name") or ""
        uscc = certificate.get("uscc") or unit.get("uscc") or ""
        if not name or not uscc:
            raise unprocessable("no_subject", Text("订单缺少单位名称或统一社会信用代码，无法签发证书"))
        province = locality = "重庆"
        unit_title, validity, until = "数字证书", DEFAULT_VALIDITY_DAYS, None
        downloads = business(order.business).downloads
        types = self.catalog.renewal_types if downloads is NewCertificate.RENEWED else ()
        if replaced is not None:
            old = x509.load_pem_x509_certificate(replaced["pem"].encode())
            unit_title = _attribute(old, NameOID.ORGANIZATIONAL_UNIT_NAME) or unit_title
            locality = _attribute(old, NameOID.LOCALITY_NAME) or locality
            province = _attribute(old, NameOID.STATE_OR_PROVINCE_NAME) or province
            if downloads is NewCertificate.CHANGED:
                until = old.not_valid_after_utc
                if until <= datetime.now(UTC):
                    raise conflict("replaced_expired", Text("原证书已过期，不能变更，请办理“证书更新”"))
        if project_json:
            project = ProjectSelection.from_json(json.loads(project_json))
            nodes = self.catalog.walk(project.path)
            if nodes:
                province = locality = nodes[0].title
            types = project.certificate_types or types
            if project.certificate_types and project.certificate_types[0] in self.catalog.certificate_types:
                unit_title = self.catalog.certificate_types[project.certificate_types[0]].title
        if types and types[0] in self.catalog.certificate_types:
            validity = self.catalog.certificate_types[types[0]].validity_days
        return SubjectInfo(name, name, unit_title, locality, province, uscc), validity, until

    def _issued(self, pem: str, subject: str) -> CertificateIssued:
        cert = x509.load_pem_x509_certificate(pem.encode())
        return CertificateIssued(
            serial_hex=serial_hex(cert.serial_number),
            subject=subject,
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            certificate_pem=pem,
            chain_pem=self.ca.chain_pem,
        )


def _attribute(certificate: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = certificate.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""
