"""Certificates: an approved order's certificate, issued to the key that asks; the unit's keys
with a valid certificate; and what the CA publishes to anyone: its CRL and its chain."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Path, Response

from ca_backend.api.common import UNIT_CODE, TheBackend, Who, resource
from kiosk.core.contract import CertificateIssued, CertificateList, CertificateRequest

router = resource("certificates")
published = resource("certificates", problems=False)


@router.post("/orders/{order_id}/certificate", response_model=CertificateIssued)
def download_certificate(
    order_id: UUID, body: CertificateRequest, who: Who, backend: TheBackend
) -> CertificateIssued:
    return backend.certificates.download(who, str(order_id), body)


@router.get("/units/{unit_code}/certificates", response_model=CertificateList)
def unit_certificates(
    unit_code: Annotated[str, Path(pattern=UNIT_CODE)], who: Who, backend: TheBackend
) -> CertificateList:
    return CertificateList(certificates=backend.certificates.valid_for_unit(who, unit_code))


@published.get("/crl", responses={200: {"content": {"application/pkix-crl": {}}, "description": "DER CRL"}})
def crl(backend: TheBackend) -> Response:
    return Response(backend.certificates.crl_der(), media_type="application/pkix-crl")


@published.get(
    "/ca-chain",
    responses={200: {"content": {"application/pem-certificate-chain": {}}, "description": "PEM"}},
)
def ca_chain(backend: TheBackend) -> Response:
    return Response("".join(backend.ca.chain_pem), media_type="application/pem-certificate-chain")
