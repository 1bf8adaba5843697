"""Certificate download: an approved (and paid) order's certificate, issued from the token's
request and bound to the token serial that asked; the CRL."""

from __future__ import annotations

import json
from datetime import datetime

from cryptography import x509

from ca_backend.database import Database
from ca_backend.errors import conflict, unprocessable
from ca_backend.orders import Caller, Orders
from ca_backend.pki import CertificateAuthority, CsrError, SubjectInfo
from kiosk.contract import CertificateIssued, CertificateRequest
from kiosk.domain.businesses import Section
from kiosk.domain.catalog import Catalog, ProjectSelection
from kiosk.domain.status import OrderStatus
from kiosk.domain.subjects import serial_hex
from kiosk.i18n import Text

DEFAULT_VALIDITY_DAYS = 365  # when the order names no certificate type


class Certificates:
    def __init__(self, db: Database, orders: Orders, ca: CertificateAuthority, catalog: Catalog) -> None:
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
        subject, validity_days = self._subject(order_id)
        try:
            issued_now = self.ca.issue(request.csr_pem, subject, validity_days)
        except CsrError as error:
            raise unprocessable("bad_csr", Text("证书请求无效：{detail}", detail=str(error))) from None
        cert = issued_now.certificate
        with self.db.write() as conn:
            conn.execute(
                "insert into certificates (serial_hex, order_id, token_serial, subject, unit_code,"
                " not_before,"
                " not_after, pem) values (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    issued_now.serial_hex,
                    order_id,
                    request.token_serial,
                    issued_now.subject,
                    subject.serial_number,
                    cert.not_valid_before_utc.isoformat(),
                    cert.not_valid_after_utc.isoformat(),
                    issued_now.pem,
                ),
            )
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

    def _subject(self, order_id: str) -> tuple[SubjectInfo, int]:
        form = self.orders.form_of(order_id)
        with self.db.connect() as conn:
            project_json = conn.execute(
                "select project from orders where order_id = ?", (order_id,)
            ).fetchone()["project"]
        certificate = form.get(Section.CERTIFICATE.value, {})
        unit = form.get(Section.UNIT.value, {})
        name = certificate.get("company_name") or unit.get("unit_name") or ""
        uscc = certificate.get("uscc") or unit.get("uscc") or ""
        province = locality = "重庆"
        unit_title, validity = "数字证书", DEFAULT_VALIDITY_DAYS
        if project_json:
            project = ProjectSelection.from_json(json.loads(project_json))
            nodes = self.catalog.walk(project.path)
            if nodes:
                province = locality = nodes[0].title
            if project.certificate_types:
                kind = self.catalog.certificate_types.get(project.certificate_types[0])
                if kind is not None:
                    unit_title, validity = kind.title, kind.validity_days
        if not name or not uscc:
            raise unprocessable("no_subject", Text("订单缺少单位名称或统一社会信用代码，无法签发证书"))
        return SubjectInfo(name, name, unit_title, locality, province, uscc), validity

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
