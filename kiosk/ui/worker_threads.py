"""The thread pool that blocking work (device, network, store) runs on, with each call in a
context of its own that is thrown away when the call returns.

Why: a Textual thread worker sets a context variable to itself in the pool thread that runs
it. In a plain pool thread that variable outlives the call, so the finished worker (and with
it its screen, its arguments and its result: a subscriber's phone number, what they typed)
stays reachable until that thread happens to run something else, long after the idle wipe
has forgotten the subscriber. Each call here runs in a copy of the submitting context, as
`asyncio.to_thread` does, and the copy goes with the call.

Plain Python; the app installs it as its event loop's default executor."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class ForgetfulThreadPool(ThreadPoolExecutor):
    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        context = contextvars.copy_context()

        def in_own_context() -> R:
            return context.run(fn, *args, **kwargs)

        return super().submit(in_own_context)


def install(loop: Any) -> ForgetfulThreadPool:
    """Make `loop.run_in_executor(None, ...)` (Textual's thread workers) use a forgetful pool."""
    pool = ForgetfulThreadPool(thread_name_prefix="kiosk-worker")
    loop.set_default_executor(pool)
    return pool
