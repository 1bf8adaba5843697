"""An order's attachments: the raw bytes of one document's image, checked against the size limit
before the body is read."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Header, Request
from fastapi.concurrency import run_in_threadpool

from ca_backend.api.common import TheBackend, Who, resource
from ca_backend.errors import ApiError
from kiosk.core.contract import HEADER_CONTENT_SHA256, AttachmentReceipt
from kiosk.core.domain.documents import MAX_DOCUMENT_BYTES, DocumentKind
from kiosk.core.i18n import Text

router = resource("orders")
RAW_BYTES = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.put(
    "/orders/{order_id}/attachments/{document}", response_model=AttachmentReceipt, openapi_extra=RAW_BYTES
)
async def put_attachment(
    order_id: UUID,
    document: DocumentKind,
    request: Request,
    who: Who,
    backend: TheBackend,
    content_sha256: Annotated[str | None, Header(alias=HEADER_CONTENT_SHA256)] = None,
) -> AttachmentReceipt:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_DOCUMENT_BYTES:
        raise ApiError(422, "too_large", Text("图片超过3MB，请重新拍摄或压缩后上传"))
    data = await request.body()
    return await run_in_threadpool(
        backend.intake.put_attachment, who, order_id, document, data, content_sha256
    )
