"""`kiosk serve-screen`: the kiosk app for the hall's touch screen. Chromium in kiosk mode, under
the cage compositor, shows http://127.0.0.1:8765/; this serves that page with textual-serve, and
each connection of the page runs `kiosk run` on this kiosk's home (docs/INSTALL.md, the touch
screen: Chromium turns a tap into the click Textual understands; a terminal under cage does not).

What it adds to textual-serve's Server:
- one session at a time. A second connection while one is live is refused (HTTP 409), and one
  that comes while the last session's app is still quitting waits until that app has ended. Two
  kiosk apps would share the camera, the key reader and the store; and the page that is live is
  the subscriber's, which nobody on this machine may take over by opening the address. A reload
  of the hall's page ends its session first, so it is never the one refused (if it were, the page
  asks again 2 s later);
- the page kept on this machine: listens on 127.0.0.1, serves its own template
  (screen_templates/app_index.html: no request leaves the machine, no browser gesture, context
  menu or new window), and refuses a WebSocket opened from another site's page;
- the end of an app ends its session: when the app dies without saying so (killed, or it could
  not start), the socket is closed too, and the page starts a new session by itself;
- staff leaving the kiosk (退出程序) ends serve-screen as well, with status 0, so that systemd
  leaves the kiosk off (deploy/systemd/kiosk-screen.service). That is an app that ended by
  itself with status 0; a crash ends with 1, and a session the page left is told to quit. An app
  that does not quit is stopped with SIGTERM, then SIGKILL;
- systemd is told when the port is open (Type=notify), so Chromium starts only then.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shlex
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

TEMPLATES = Path(__file__).parent / "screen_templates"
DEFAULT_PORT = 8765
TITLE = "数字证书自助服务终端"
HEARTBEAT_S = 15.0  # a page that stopped answering pings for this long has gone
QUIT_WAIT_S = 15.0  # an app told to quit has this long, then gets SIGTERM
KILL_WAIT_S = 5.0  # ... and then this long before SIGKILL

log = logging.getLogger("kiosk.screen")


def kiosk_command(home: str) -> str:
    """The command each session runs: the kiosk itself, on this kiosk's home. `exec`: the app is
    the session's process (not a shell above it), so its status and its signals are its own."""
    return "exec " + shlex.join([sys.executable, "-m", "kiosk", "--home", home, "run"])


class ScreenSession(AppService):
    """One app process behind one page connection, and how it ended."""

    def __init__(self, command: str, *, quit_wait_s: float = QUIT_WAIT_S, **options: Any) -> None:
        super().__init__(command, **options)
        self.quit_wait_s = quit_wait_s
        self.quit_sent = False  # the server told the app to quit (the page went away, a stop)
        self.ended_by_itself = False  # it ended (or said it was ending) before it was told to
        self.returncode: int | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def on_meta(self, data: bytes) -> None:
        if json.loads(data).get("type") == "exit" and not self.quit_sent:
            self.ended_by_itself = True
        await super().on_meta(data)

    async def on_data(self, payload: bytes) -> None:
        # A page that has gone cannot take the app's last frames; they are still read, so the
        # app is never stuck writing to a full pipe while it quits.
        with contextlib.suppress(ConnectionError):
            await super().on_data(payload)

    async def run(self) -> None:
        await super().run()
        # The app's output has ended: so has the app. textual-serve leaves the page connected
        # when an app dies without saying so; the page is told here, and starts a new session.
        if not self.quit_sent:
            self.ended_by_itself = True
        with contextlib.suppress(ConnectionError):
            await self.remote_close()

    async def stop(self) -> None:
        """Tell the app to quit and wait until its process has ended (at most about 20 s)."""
        self.quit_sent = True
        task, process = self._task, self._process
        if task is None or process is None:
            return
        self._task = None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        await self.send_meta({"type": "quit"})
        for wait_s, stop in ((self.quit_wait_s, process.terminate), (KILL_WAIT_S, process.kill)):
            try:
                await asyncio.wait_for(process.wait(), wait_s)
                break
            except TimeoutError:
                log.warning(
                    "kiosk app %s still running %.0f s after it was told to quit", process.pid, wait_s
                )
                with contextlib.suppress(ProcessLookupError):
                    stop()
        self.returncode = await process.wait()
        await task


class ScreenServer(Server):
    """textual-serve's Server with the session rules above."""

    def __init__(
        self,
        command: str,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        quit_wait_s: float = QUIT_WAIT_S,
        notify_socket: str | None = None,
    ) -> None:
        """`notify_socket`: systemd's $NOTIFY_SOCKET, told READY=1 once the port is open."""
        super().__init__(command, host=host, port=port, title=TITLE, templates_path=TEMPLATES)
        self.quit_wait_s = quit_wait_s
        self.notify_socket = notify_socket
        self.ready = asyncio.Event()  # listening
        self.staff_exit = False  # the app ended by itself with status 0: staff left the kiosk
        self._stopping = asyncio.Event()
        self._live: web.WebSocketResponse | None = None  # the page's connection, while it lasts
        self._one_app = asyncio.Lock()  # held while a session's app process runs

    # --- serving --------------------------------------------------------------------------------
    def serve(self, debug: bool = False) -> None:
        asyncio.run(self.serve_until_stopped())

    async def serve_until_stopped(self, *, handle_signals: bool = True) -> None:
        """Serve until SIGTERM or SIGINT (`handle_signals`), `stop()`, or staff leaving the
        kiosk; the app of a live session is told to quit, and has ended when this returns."""
        if handle_signals:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, self._stopping.set)
        runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
            log.info("serving the kiosk screen on %s", self.public_url)
            self.ready.set()
            notify_systemd(self.notify_socket, "READY=1")
            await self._stopping.wait()
            notify_systemd(self.notify_socket, "STOPPING=1")
            if self._live is not None:
                await self._live.close()  # its app is told to quit
            async with self._one_app:  # and has ended
                pass
        finally:
            await runner.cleanup()

    def stop(self) -> None:
        self._stopping.set()

    async def on_startup(self, app: web.Application) -> None:
        """Nothing printed: textual-serve's banner is for a person at a terminal, not the journal."""

    # --- one session at a time --------------------------------------------------------------------
    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        origin = request.headers.get("Origin")
        if origin is not None and origin != self.public_url:
            log.warning("refused a screen connection from a page of %s", origin)
            raise web.HTTPForbidden(text="this kiosk's screen only")
        if self._stopping.is_set():
            raise web.HTTPServiceUnavailable(text="the kiosk is stopping")
        if self._live is not None and not self._live.closed:  # closing: its app is ending
            log.warning("refused a second screen connection from %s: one session at a time", request.remote)
            raise web.HTTPConflict(text="the kiosk's screen is in use")
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT_S)
        self._live = websocket
        try:
            await websocket.prepare(request)
            async with self._one_app:  # the last session's app has ended
                if not self._stopping.is_set() and not websocket.closed:
                    width = _number(request.query.get("width"), 80)
                    height = _number(request.query.get("height"), 24)
                    await self._session(websocket, width, height)
        finally:
            if self._live is websocket:
                self._live = None
            if websocket.prepared:
                await websocket.close()
        return websocket

    async def _session(self, websocket: web.WebSocketResponse, width: int, height: int) -> None:
        session = ScreenSession(
            self.command,
            quit_wait_s=self.quit_wait_s,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        await session.start(width, height)
        log.info("session started: kiosk app %s at %dx%d", session.pid, width, height)
        try:
            await self._process_messages(websocket, session)
        except Exception:
            log.exception("the screen connection failed")
        finally:
            if self._live is websocket:
                self._live = None  # the next page may connect now; it waits for this app to end
            await session.stop()
        self._ended(session)

    def _ended(self, session: ScreenSession) -> None:
        if session.ended_by_itself and session.returncode == 0:
            log.info("kiosk app %s: staff left the kiosk (退出程序); serve-screen stops", session.pid)
            self.staff_exit = True
            self._stopping.set()
        elif session.ended_by_itself:
            log.error(
                "kiosk app %s ended with status %s: that session is over, the page starts a new one",
                session.pid,
                session.returncode,
            )
        else:
            log.info(
                "kiosk app %s ended with status %s, told to quit: its page went away or serve-screen stops",
                session.pid,
                session.returncode,
            )


def _number(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def notify_systemd(address: str | None, state: str) -> None:
    """sd_notify(3) without libsystemd: one datagram to systemd's socket, when it gave one."""
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]  # the abstract namespace
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
            notify.connect(address)
            notify.sendall(state.encode())
    except OSError as error:  # systemd went away: nothing to tell, nothing to stop for
        log.warning("could not tell systemd %s: %s", state, error)


def serve_screen(home: str | None, host: str, port: int) -> int:
    from kiosk.config.locations import locations

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    where = locations(home)
    home_dir = str(where.config_file.parent)
    os.environ["KIOSK_HOME"] = home_dir  # what each app inherits, whatever ours was
    notify_socket = os.environ.pop("NOTIFY_SOCKET", None)  # for serve-screen, not for the apps
    server = ScreenServer(kiosk_command(home_dir), host=host, port=port, notify_socket=notify_socket)
    server.serve()
    return 0
