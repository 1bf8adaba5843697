"""`kiosk serve-screen`'s session rules (kiosk/commands/screen.py), with a stand-in for the kiosk
app that speaks textual-serve's protocol and ends as it is told to: one session at a time, the
end of an app ends its page's session, staff leaving (status 0, by itself) ends the server, a
crash does not, and an app that does not quit is stopped. The real app, in Chromium, is in
tests/browser/test_touch_screen.py."""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from support.browser import free_port

from kiosk.commands.screen import ScreenServer

# The stand-in: says it is a Textual app, sends its pid, then ends as its argument says.
STAND_IN = r"""
import json, os, signal, sys
out, mode = sys.stdout.buffer, sys.argv[1]
def packet(kind, payload):
    out.write(kind + len(payload).to_bytes(4, "big") + payload)
    out.flush()
out.write(b"__GANGLION__\n")
packet(b"D", f"pid={os.getpid()}".encode())
if mode == "leave":  # staff chose 退出程序: the app ends by itself, status 0
    packet(b"M", b'{"type": "exit"}')
    sys.exit(0)
if mode == "crash":  # an exception nobody handled: Textual ends the app, status 1
    packet(b"M", b'{"type": "exit"}')
    sys.exit(1)
if mode == "die":  # killed: not a word
    os._exit(3)
inp = sys.stdin.buffer
while header := inp.read(5):
    payload = inp.read(int.from_bytes(header[1:], "big"))
    if header[:1] == b"M" and json.loads(payload)["type"] == "quit" and mode == "stay":
        packet(b"M", b'{"type": "exit"}')
        sys.exit(0)
"""


@asynccontextmanager
async def serving(tmp_path: Path, mode: str) -> AsyncIterator[tuple[ScreenServer, asyncio.Task[None], str]]:
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    command = "exec " + shlex.join([sys.executable, str(script), mode])
    server = ScreenServer(command, port=free_port(), quit_wait_s=0.5)
    task = asyncio.create_task(server.serve_until_stopped(handle_signals=False))
    await asyncio.wait_for(server.ready.wait(), 10)
    try:
        yield server, task, f"http://127.0.0.1:{server.port}/ws?width=80&height=24"
    finally:
        server.stop()
        await asyncio.wait_for(task, 30)


async def _pid(socket: aiohttp.ClientWebSocketResponse) -> int:
    message = await asyncio.wait_for(socket.receive(), 10)
    assert message.type is aiohttp.WSMsgType.BINARY, message
    return int(message.data.decode().removeprefix("pid="))


async def _closed_by_server(socket: aiohttp.ClientWebSocketResponse) -> None:
    while True:
        message = await asyncio.wait_for(socket.receive(), 10)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
            return


def _running(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


async def test_one_session_at_a_time(tmp_path: Path) -> None:
    async with serving(tmp_path, "stay") as (_, _, url), aiohttp.ClientSession() as client:
        first = await client.ws_connect(url)
        app = await _pid(first)
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(url)
        assert refused.value.status == 409
        await first.close()  # the page goes: its app is told to quit; the next page gets the screen
        second = await client.ws_connect(url)
        assert await _pid(second) != app and not _running(app)
        await second.close()


async def test_a_page_from_another_site_is_refused(tmp_path: Path) -> None:
    async with serving(tmp_path, "stay") as (server, _, url), aiohttp.ClientSession() as client:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(url, headers={"Origin": "https://example.com"})
        assert refused.value.status == 403
        own = await client.ws_connect(url, headers={"Origin": server.public_url})
        await _pid(own)
        await own.close()


async def test_staff_leaving_ends_the_server(tmp_path: Path) -> None:
    async with serving(tmp_path, "leave") as (server, task, url), aiohttp.ClientSession() as client:
        page = await client.ws_connect(url)
        app = await _pid(page)
        await _closed_by_server(page)
        await asyncio.wait_for(asyncio.shield(task), 10)  # it stopped by itself
        assert server.staff_exit and not _running(app)


@pytest.mark.parametrize("mode", ["crash", "die"])
async def test_an_app_that_fails_ends_only_its_session(tmp_path: Path, mode: str) -> None:
    async with serving(tmp_path, mode) as (server, task, url), aiohttp.ClientSession() as client:
        page = await client.ws_connect(url)
        app = await _pid(page)
        await _closed_by_server(page)  # the page is told, and starts a new session
        again = await client.ws_connect(url)
        assert await _pid(again) != app
        await _closed_by_server(again)
        assert not task.done() and not server.staff_exit


async def test_an_app_that_does_not_quit_is_stopped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "kiosk.screen")
    async with serving(tmp_path, "deaf") as (_, _, url), aiohttp.ClientSession() as client:
        page = await client.ws_connect(url)
        app = await _pid(page)
        await page.close()
        following = await client.ws_connect(url)  # waits for the last app to end
        assert await _pid(following) != app and not _running(app)
        await following.close()
    said = [record.getMessage() for record in caplog.records]
    assert any(f"kiosk app {app} still running" in line for line in said), said
    assert any(f"kiosk app {app} ended with status -15" in line for line in said), said


async def test_stopping_the_server_ends_the_live_app(tmp_path: Path) -> None:
    async with serving(tmp_path, "stay") as (server, task, url), aiohttp.ClientSession() as client:
        page = await client.ws_connect(url)
        app = await _pid(page)
        server.stop()  # SIGTERM from systemd
        await asyncio.wait_for(asyncio.shield(task), 10)
        assert not _running(app) and not server.staff_exit
