"""schemathesis against the committed OpenAPI document: random and hostile requests that the
schema allows (and some it does not), sent signed by an enrolled kiosk over real HTTP. The
backend may refuse them, but never with a server error."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from support.backend import Hub, running_hub
from support.paths import ROOT

from kiosk.core.signing import DeviceAuth, RequestSigner

schema = schemathesis.openapi.from_path(ROOT / "docs" / "openapi.json")


@pytest.fixture(scope="module")
def fuzz_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with running_hub(tmp_path_factory.mktemp("fuzz-backend")) as hub:
        yield hub


@pytest.fixture(scope="module")
def signed(fuzz_hub: Hub) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=fuzz_hub.server.base_url, auth=DeviceAuth(RequestSigner(fuzz_hub.credentials)), timeout=30
    ) as client:
        yield client


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_request_makes_a_server_error(case, fuzz_hub: Hub, signed: httpx.Client) -> None:
    kwargs = case.as_transport_kwargs(base_url=fuzz_hub.server.base_url)
    body = kwargs.get("data")
    if "json" in kwargs:
        answer = signed.request(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params"),
            headers=kwargs.get("headers"),
            json=kwargs["json"],
        )
    else:
        answer = signed.request(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params"),
            headers=kwargs.get("headers"),
            content=body if isinstance(body, bytes | str) else None,
        )
    assert answer.status_code < 500, (
        f"{case.method} {case.formatted_path}: {answer.status_code} {answer.text[:300]}"
    )
    if answer.status_code >= 400 and answer.headers.get("content-type", "").startswith("application/json"):
        problem = answer.json()
        assert problem["message"] and problem["message_en"], problem
