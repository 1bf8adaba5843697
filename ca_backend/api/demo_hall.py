"""The demo's stand-in for the CA's working day, run for as long as the app is served when the
settings ask for it (auto_approve_after_s, auto_ship_after_s: the demo policy)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from ca_backend.backend import Backend
from ca_backend.errors import ApiError

AUTO_APPROVE_POLL_S = 1.0


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    backend: Backend = app.state.backend
    settings = backend.settings
    demo_policy = settings.auto_approve_after_s is not None or settings.auto_ship_after_s is not None
    task = asyncio.create_task(_demo_hall(backend)) if demo_policy else None
    yield
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _demo_hall(backend: Backend) -> None:
    """Approve what has waited for review longer than auto_approve_after_s, and send out (or hand
    over at the hall) what has been paid for longer than auto_ship_after_s. Each is off while its
    setting is None."""
    settings = backend.settings
    while True:
        if settings.auto_approve_after_s is not None:
            after = timedelta(seconds=settings.auto_approve_after_s)
            for row in await run_in_threadpool(backend.review.awaiting_review, after):
                with contextlib.suppress(ApiError):
                    await run_in_threadpool(backend.review.approve, row["order_id"], "auto")
        if settings.auto_ship_after_s is not None:
            after = timedelta(seconds=settings.auto_ship_after_s)
            for row in await run_in_threadpool(backend.fulfilment.awaiting_shipment, after):
                with contextlib.suppress(ApiError):
                    await run_in_threadpool(backend.fulfilment.deliver_for_demo, row["order_id"])
        await asyncio.sleep(AUTO_APPROVE_POLL_S)
