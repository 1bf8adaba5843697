"""The `kiosk` command."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from contextlib import closing
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config.locations import Locations
    from kiosk.services.runtime import DemoHub


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk", description="CA service-hall self-service kiosk")
    parser.add_argument("--home", help="keep all files under this folder (as KIOSK_HOME)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the kiosk (the default)")
    commands.add_parser("demo", help="run the kiosk on its embedded defaults in a demo folder")
    commands.add_parser("hash-pin", help="print the hash of a staff PIN for kiosk.toml")
    sync = commands.add_parser("sync", help="send the queued orders to the backend (alone, without the UI)")
    sync.add_argument(
        "--once", action="store_true", help="one pass, then exit (75 if the backend is unreachable)"
    )
    doctor = commands.add_parser(
        "doctor", help="check every device and the backend; exit 1 when something is wrong"
    )
    doctor.add_argument("--lang", choices=["zh", "en"], help="the table's language (default: the kiosk's)")
    commands.add_parser("staff-console", help="the staff dashboard alone (what `kiosk remote` serves)")
    remote = commands.add_parser(
        "remote", help="serve the staff dashboard to a browser on the hall's network (textual-serve)"
    )
    remote.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: this machine only)"
    )
    remote.add_argument("--port", type=int, default=8471)
    remote.add_argument("--public-url", help="the address browsers use, if not http://HOST:PORT")
    _add_screen_command(commands)
    audit = commands.add_parser("audit", help="the audit trail of staff actions and device events")
    audit.add_argument("action", choices=["verify", "show"])
    audit.add_argument("--last", type=int, default=20, help="show: how many records (default 20)")
    _add_pinyin_command(commands)
    from kiosk.commands.token import add_token_commands

    add_token_commands(commands)
    args = parser.parse_args(argv)

    if args.command == "token":
        from kiosk.commands.token import run_token_command

        return run_token_command(args)
    if args.command == "sync":
        return run_sync(args.home, once=args.once)
    if args.command == "doctor":
        from kiosk.commands.doctor import run_doctor

        return run_doctor(args.home, args.lang)
    if args.command == "staff-console":
        from kiosk.ui.console import run_console

        run_console(args.home)
        return 0
    if args.command == "remote":
        from kiosk.commands.remote import serve_remote_view

        return serve_remote_view(args.home, args.host, args.port, args.public_url)
    if args.command == "serve-screen":
        from kiosk.commands.screen import serve_screen

        return serve_screen(args.home, args.host, args.port)
    if args.command == "audit":
        from kiosk.commands.doctor import run_audit

        return run_audit(args.home, args.action, last=args.last)
    if args.command == "pinyin":
        return run_pinyin(args.letters, name=args.name)

    if args.command == "hash-pin":
        return run_hash_pin()

    home = args.home
    if args.command == "demo" and home is None and not os.environ.get("KIOSK_HOME"):
        from kiosk.core.shipped_data import SHIPPED_DATA

        home = str(SHIPPED_DATA.parent / ".kiosk-home")
    from kiosk.ui.app import run

    return run(home, demo=_start_demo_backend if args.command == "demo" else None)


def _add_screen_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    screen = commands.add_parser(
        "serve-screen", help="serve the kiosk to the touch screen's browser on this machine (textual-serve)"
    )
    screen.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: this machine only)"
    )
    screen.add_argument("--port", type=int, default=8765)


def _start_demo_backend(where: Locations, kiosk_id: str) -> DemoHub:
    """The demo's backend, imported only when the app starts it, after its first paint (the
    backend brings FastAPI along)."""
    from kiosk.commands.demo import start_demo_backend

    return start_demo_backend(where, kiosk_id)


EX_TEMPFAIL = 75  # sysexits: try again later (the backend could not be reached)


def run_hash_pin() -> int:
    """`kiosk hash-pin`: asks for a staff PIN twice and prints its hash for kiosk.toml."""
    from kiosk.core.staff_pins import hash_pin

    pin = getpass.getpass("staff PIN: ")
    if not pin.isdigit() or not 6 <= len(pin) <= 12:
        print("a staff PIN is 6 to 12 digits", file=sys.stderr)
        return 2
    if getpass.getpass("again: ") != pin:
        print("the two PINs differ", file=sys.stderr)
        return 2
    print(f'staff_pin_hash = "{hash_pin(pin)}"')
    return 0


def run_sync(home: str | None, *, once: bool) -> int:
    """`kiosk sync`: the outbox worker without the UI (a systemd service, a cron job, a test)."""
    import logging
    import signal

    from kiosk.backend_client.runtime import build_sync_engine
    from kiosk.config.locations import locations
    from kiosk.config.settings import SettingsError, load_settings
    from kiosk.core.signing import CredentialsError
    from kiosk.store import Store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    where = locations(home)
    try:
        settings = load_settings(where)
        store = Store.open(where.data_dir, where.key_file)
        engine = build_sync_engine(settings, where, store)
    except (SettingsError, CredentialsError) as error:
        print(f"kiosk sync: {error}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: engine.stop())
    signal.signal(signal.SIGINT, lambda *_: engine.stop())
    print(f"kiosk sync: started for {engine.client.device_id} -> {settings.backend_url}", flush=True)
    try:
        if not once:
            engine.run_forever()
            return 0
        report = engine.run_once()
        if report.busy:
            print("kiosk sync: the kiosk app is sending this queue now; nothing to do here", flush=True)
            return 0
        summary = store.outbox.summary()
        print(
            f"sent={report.sent} retrying={report.retrying} blocked={report.blocked}"
            f" pending_orders={summary.pending_orders} online={'yes' if report.reached_backend else 'no'}",
            flush=True,
        )
        return 0 if report.reached_backend else EX_TEMPFAIL
    finally:
        engine.close()
        engine.client.close()
        store.close()


def _add_pinyin_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pinyin = commands.add_parser("pinyin", help="what the Chinese keyboard offers first for typed pinyin")
    pinyin.add_argument("letters", help="a-z and ' as typed on the keyboard: chongqing, cq, xi'an")
    pinyin.add_argument("--name", action="store_true", help="as in a person's name: surnames first")


def run_pinyin(letters: str, *, name: bool) -> int:
    """`kiosk pinyin`: the keyboard's first page of candidates, one a line (exit 1 when the
    index has not been built)."""
    from kiosk.services.pinyin import PinyinIndex, PinyinIndexMissing

    try:
        index = PinyinIndex.open()
    except PinyinIndexMissing as missing:
        print(f"kiosk pinyin: {missing}", file=sys.stderr)
        return 1
    with closing(index):
        for candidate in index.candidates(letters, name=name):
            print(candidate.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
