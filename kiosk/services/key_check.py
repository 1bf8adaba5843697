"""The health check of the key in the slot, before a business goes on with it: what the
subscriber is told about it, which business suits it, and what stops this one. Plain Python on
what the token layer read (no PIN is tried), so a test or a script can ask it without a screen.

- expired, or expiring within 30 days: 证书更新 is suggested;
- the PIN locked: 在线解锁 comes first (renewal and change need the PIN to download);
- a certificate this CA did not issue: the kiosk can do nothing with it, and says so;
- no certificate at all: nothing to renew or change (证书新办 is the way)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from kiosk.core.domain.businesses import (
    BUSINESSES,
    SUGGESTED_FOR,
    Business,
    Fulfilment,
    KeyCondition,
    NewCertificate,
)
from kiosk.core.domain.token_policy import TokenPolicy, UnlockRoute
from kiosk.core.i18n import Text
from kiosk.devices.token.reading import EXPIRING_SOON_DAYS, TokenInfo


@dataclass(frozen=True)
class KeyCheck:
    info: TokenInfo
    findings: tuple[Text, ...]  # what the subscriber should know about this key, in order
    suggested: str | None  # the business that suits the key better, if not this one
    blocked: Text | None  # why this business cannot go on with this key (None: it can)
    expired: bool = False  # its certificate has expired (a renewal then also carries a change)

    @property
    def usable(self) -> bool:
        return self.blocked is None


def check_key(
    info: TokenInfo,
    business: Business,
    policy: TokenPolicy,
    issuers: Sequence[x509.Certificate] | None = None,
    now: datetime | None = None,
) -> KeyCheck:
    """`issuers`: this CA's issuing certificates (None: not known here, e.g. offline before the
    chain was ever fetched; the issuer is then not judged)."""
    now = now or datetime.now(UTC)
    findings: list[Text] = []
    suggested: str | None = None
    blocked: Text | None = None
    current = info.current
    # Renewal and change replace the key's certificate, and download the new one with its PIN.
    replaces_certificate = business.downloads is not None
    unlocks = business.fulfilment is Fulfilment.UNLOCK

    if current is None:
        findings.append(Text("证书盘上没有证书"))
        if replaces_certificate:
            blocked = Text("证书盘上没有可更新的证书，请办理“证书新办”")
            suggested = SUGGESTED_FOR[KeyCondition.NO_CERTIFICATE]
    elif issuers is not None and not issued_by(current.certificate(), issuers):
        findings.append(Text("该证书不是本CA签发的（签发者：{issuer}）", issuer=current.issuer))
        blocked = Text("本机只能办理本CA签发的证书，请联系签发该证书的机构")
    else:
        days = current.days_left(now)
        until = current.not_after.astimezone().strftime("%Y-%m-%d")
        if days < 0:
            findings.append(Text("证书已于{date}过期", date=until))
            suggested = SUGGESTED_FOR[KeyCondition.EXPIRING]
            if business.downloads is NewCertificate.CHANGED:  # it would keep the old expiry
                blocked = Text("证书已过期，不能变更，请办理“证书更新”：新证书按填写的单位信息签发")
        elif days <= EXPIRING_SOON_DAYS:
            findings.append(
                Text("证书将于{date}到期（还剩{days}天），建议办理“证书更新”", date=until, days=days)
            )
            suggested = SUGGESTED_FOR[KeyCondition.EXPIRING]

    if blocked is None and info.pin.locked:
        findings.append(Text("证书盘PIN码已被锁定"))
        if not unlocks:
            suggested = SUGGESTED_FOR[KeyCondition.PIN_LOCKED]
            if replaces_certificate:
                blocked = Text("下载新证书需要PIN码：请先办理“在线解锁”")
    elif blocked is None and (warning := info.pin.warning()) is not None:
        findings.append(warning)

    if blocked is None and unlocks:
        advice = policy.unlock_advice(info.serial)
        findings.append(advice.explanation)
        if advice.route is UnlockRoute.UNKNOWN:
            blocked = advice.explanation

    if suggested == business.code or (unlocks and suggested and BUSINESSES[suggested].downloads):
        suggested = None  # a download needs the PIN the subscriber came to unlock: unlock first
    if not findings:
        findings.append(Text("证书盘状态正常"))
    expired = current is not None and current.days_left(now) < 0
    return KeyCheck(info, tuple(findings), suggested, blocked, expired)


def suggestion_text(check: KeyCheck) -> Text | None:
    """The offer to switch to the suggested business (a button's label), or None."""
    if check.suggested is None:
        return None
    return Text("改为办理“{business}”", business=BUSINESSES[check.suggested].title)


def issuing_certificates(chain_pem: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(chain_pem.encode())


def issued_by(certificate: x509.Certificate, issuers: Sequence[x509.Certificate]) -> bool:
    """Signed by one of `issuers` (by signature, not name: another CA may use the same name)."""
    for issuer in issuers:
        try:
            certificate.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return True
    return False


def unit_on_certificate(check: KeyCheck) -> dict[str, str]:
    """The unit the key's certificate names: {"unit_name": O=…, "uscc": SN=…} (what is there)."""
    from cryptography.x509.oid import NameOID

    current = check.info.current
    if current is None:
        return {}
    subject = current.certificate().subject
    known = {}
    for key, oid in (("unit_name", NameOID.ORGANIZATION_NAME), ("uscc", NameOID.SERIAL_NUMBER)):
        values = subject.get_attributes_for_oid(oid)
        if values:
            known[key] = str(values[0].value)
    return known


def unit_changed(on_certificate: Mapping[str, str], typed_unit: Mapping[str, str]) -> bool:
    """Whether the unit typed for a renewal is not the one the certificate names (the manual
    then requires 证书变更 first). A side the certificate does not name is not judged."""
    return any(typed_unit.get(key, "").strip() != value for key, value in on_certificate.items() if value)


# The certificate's subject is issued from these fields of the form (ca_backend.certificates):
# the certificate section first, the unit section when it is not asked.
SUBJECT_FIELDS = (
    ("unit_name", ("company_name", "unit_name"), Text("单位名称")),
    ("uscc", ("uscc", "uscc"), Text("统一社会信用代码")),
)


def subject_changes(on_certificate: Mapping[str, str], form: Mapping[str, Mapping[str, str]]) -> list[Text]:
    """What a 证书变更 changes in the certificate's subject, one line per field ("单位名称：A →
    B"), for the subscriber to check before submitting. Empty: the new certificate names the
    unit as the old one did (the change is of other information, such as the legal rep)."""
    certificate = form.get("certificate", {})
    unit = form.get("unit", {})
    lines = []
    for key, (certificate_key, unit_key), label in SUBJECT_FIELDS:
        old = on_certificate.get(key, "")
        new = (certificate.get(certificate_key) or unit.get(unit_key) or "").strip()
        if old and new and new != old:
            lines.append(Text("{field}：{old} → {new}", field=label, old=old, new=new))
    return lines


class DescribedCertificate(Protocol):
    """A certificate as the subscriber is shown it: on the key, in the CA's register, just issued."""

    @property
    def subject(self) -> str: ...
    @property
    def not_before(self) -> datetime: ...
    @property
    def not_after(self) -> datetime: ...


def certificate_lines(serial: str, certificate: DescribedCertificate | None) -> list[Text]:
    """A key as the subscriber reads it, wherever it is shown: chip number, subject, validity."""
    lines = [Text("芯片号：{serial}", serial=serial)]
    if certificate is not None:
        lines.append(Text("证书主题：{subject}", subject=certificate.subject))
        lines.append(
            Text(
                "有效期：{start} 至 {end}",
                start=certificate.not_before.astimezone().strftime("%Y-%m-%d"),
                end=certificate.not_after.astimezone().strftime("%Y-%m-%d"),
            )
        )
    return lines
