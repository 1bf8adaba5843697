"""The paper documents a subscriber brings or prints, photographed at the kiosk."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.core.i18n import Text


class DocumentKind(StrEnum):
    APPLICATION_FORM = "application_form"
    SEAL_SAMPLE_FORM = "seal_sample_form"
    BUSINESS_LICENCE = "business_licence"
    LEGAL_REP_ID = "legal_rep_id"
    HANDLER_ID = "handler_id"
    SITUATION_STATEMENT = "situation_statement"


@dataclass(frozen=True)
class DocumentSpec:
    kind: DocumentKind
    title: Text
    hint: Text
    printed_by_kiosk: bool  # the kiosk prints it; the subscriber signs and stamps it


# Every copy must carry the unit's seal (the manual: 所有证件复印件一律应加盖公章).
DOCUMENTS: dict[DocumentKind, DocumentSpec] = {
    spec.kind: spec
    for spec in (
        DocumentSpec(
            DocumentKind.APPLICATION_FORM,
            Text("数字证书申请表"),
            Text("经办人签字并加盖单位公章后拍摄"),
            printed_by_kiosk=True,
        ),
        DocumentSpec(
            DocumentKind.SEAL_SAMPLE_FORM,
            Text("公章印样表"),
            Text("在印样框内加盖单位公章后拍摄"),
            printed_by_kiosk=True,
        ),
        DocumentSpec(
            DocumentKind.BUSINESS_LICENCE,
            Text("营业执照复印件"),
            Text("工商营业执照、事业单位法人证书或统一社会信用代码证复印件，加盖公章"),
            printed_by_kiosk=False,
        ),
        DocumentSpec(
            DocumentKind.LEGAL_REP_ID,
            Text("法人代表身份证复印件"),
            Text("正反面复印在同一页，加盖公章"),
            printed_by_kiosk=False,
        ),
        DocumentSpec(
            DocumentKind.HANDLER_ID,
            Text("经办人身份证复印件"),
            Text("正反面复印在同一页，加盖公章"),
            printed_by_kiosk=False,
        ),
        DocumentSpec(
            DocumentKind.SITUATION_STATEMENT,
            Text("情况说明"),
            Text("写明改派原因，加盖公章后拍摄"),
            printed_by_kiosk=True,
        ),
    )
}

# Accepted image files (the manual: jpg/jpeg/bmp/gif/png, at most 3 MB = 3072 KB each).
ACCEPTED_IMAGE_TYPES = ("jpg", "jpeg", "bmp", "gif", "png")
MAX_DOCUMENT_BYTES = 3 * 1024 * 1024
