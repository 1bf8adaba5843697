"""`ca-backend`: serve the API, enrol kiosks, review orders, ship, register tokens, read the
recorded SMS and notifications. Every command works on the backend's home folder
(--home, or CA_BACKEND_HOME)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from ca_backend.backend import Backend
from ca_backend.config import load_backend_settings
from ca_backend.errors import ApiError
from kiosk.core.contract import Rejection
from kiosk.core.domain.documents import DocumentKind


def _secret_from_stdin(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()


def _pairs(items: list[str]) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"expected KEY=MESSAGE, got {item!r}")
        pairs[key] = value
    return pairs


def _print_order(backend: Backend, order_id: str) -> None:
    view = backend.orders.view_of(order_id)
    print(json.dumps(view.model_dump(mode="json"), ensure_ascii=False, indent=2))
    print(json.dumps(backend.orders.form_of(order_id), ensure_ascii=False, indent=2))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ca-backend", description=__doc__)
    parser.add_argument(
        "--home", type=Path, default=None, help="the backend's folder (default: CA_BACKEND_HOME)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API (127.0.0.1 unless configured)")
    serve.add_argument("--port", type=int)
    serve.add_argument("--auto-approve-after", type=float, metavar="SECONDS", help="demo policy")

    device = commands.add_parser("device", help="enrol or revoke a kiosk")
    device_commands = device.add_subparsers(dest="action", required=True)
    enroll = device_commands.add_parser("enroll")
    enroll.add_argument("device_id")
    enroll.add_argument("--out", type=Path, required=True, help="credentials file for the kiosk (mode 0600)")
    revoke = device_commands.add_parser("revoke")
    revoke.add_argument("device_id")
    commands.add_parser("devices", help="kiosks with their last heartbeat")

    sms = commands.add_parser("sms", help="the reference SMS sender's messages")
    sms_commands = sms.add_subparsers(dest="action", required=True)
    tail = sms_commands.add_parser("tail")
    tail.add_argument("-n", type=int, default=20)

    notifications = commands.add_parser(
        "notifications", help="what went to subscribers on each status change"
    )
    notifications.add_argument("-n", type=int, default=50)

    review = commands.add_parser("review", help="review submitted orders")
    review_commands = review.add_subparsers(dest="action", required=True)
    review_commands.add_parser("list")
    show = review_commands.add_parser("show")
    show.add_argument("order_id")
    approve = review_commands.add_parser("approve")
    approve.add_argument("order_id")
    reject = review_commands.add_parser("reject")
    reject.add_argument("order_id")
    reject.add_argument("--reason", required=True)
    reject.add_argument("--field", action="append", default=[], metavar="SECTION.FIELD=MESSAGE")
    reject.add_argument("--document", action="append", default=[], metavar="KIND=MESSAGE")
    reviewer = commands.add_parser("reviewer", help="reviewer accounts (API bearer tokens)")
    reviewer.add_argument("action", choices=["add"])
    reviewer.add_argument("name")

    ship = commands.add_parser("ship", help="record the shipment of an order's key")
    ship.add_argument("order_id")
    ship.add_argument("--carrier", required=True)
    ship.add_argument("--tracking", required=True)
    pickup = commands.add_parser("pickup", help="the subscriber collected the key at the hall")
    pickup.add_argument("order_id")

    token = commands.add_parser("token", help="the token registry")
    token.add_argument("action", choices=["register"])
    token.add_argument("serial")
    staff = commands.add_parser("staff", help="hall staff accounts")
    staff.add_argument("action", choices=["add"])
    staff.add_argument("staff_id")
    staff.add_argument("--name", required=True)

    openapi = commands.add_parser("openapi", help="print the OpenAPI document")
    openapi.add_argument("--out", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    overrides: dict[str, object] = {}
    if args.command == "serve":
        overrides = {"port": args.port, "auto_approve_after_s": args.auto_approve_after}
    backend = Backend(load_backend_settings(args.home, **overrides))
    try:
        return _run(backend, args)
    except ApiError as error:
        print(f"{error.message.say('en')} ({error.message})", file=sys.stderr)
        return 1


def _run(backend: Backend, args: argparse.Namespace) -> int:
    command = args.command
    if command == "serve":
        from ca_backend.server import serve

        print(f"ca-backend on {backend.settings.base_url}", flush=True)
        serve(backend)
    elif command == "device" and args.action == "enroll":
        backend.devices.enroll(args.device_id).save(args.out)
        print(f"enrolled {args.device_id}; credentials in {args.out}")
    elif command == "device":
        if not backend.devices.revoke(args.device_id):
            print(f"no device {args.device_id}", file=sys.stderr)
            return 1
        print(f"revoked {args.device_id}")
    elif command == "devices":
        for device in backend.devices.listing():
            beat = device["heartbeat"] or {}
            print(
                f"{device['device_id']:<16} {device['status']:<8} last seen {device['last_seen'] or 'never'}"
                f"  queue {beat.get('queue_depth', '-')}"
            )
    elif command == "sms":
        for message in backend.subscribers.sent_messages(args.n):
            print(f"{message['sent_at']}  {message['phone']}  {message['text']}")
    elif command == "notifications":
        for note in backend.orders.notifications(args.n):
            print(f"{note['at']}  {note['channel']:<5} {note['recipient']:<16} {note['text']}")
    elif command == "review" and args.action == "list":
        for row in backend.review.awaiting_review():
            print(f"{row['order_id']}  {row['business']:<9} submitted {row['submitted_at']}")
    elif command == "review" and args.action == "show":
        _print_order(backend, args.order_id)
    elif command == "review" and args.action == "approve":
        print(backend.review.approve(args.order_id, "cli").status.value)
    elif command == "review":
        documents = {DocumentKind(kind): message for kind, message in _pairs(args.document).items()}
        rejection = Rejection(reason=args.reason, fields=_pairs(args.field), documents=documents)
        print(backend.review.reject(args.order_id, "cli", rejection).status.value)
    elif command == "reviewer":
        print(backend.add_reviewer(args.name))
    elif command == "ship":
        print(backend.fulfilment.ship(args.order_id, args.carrier, args.tracking).status.value)
    elif command == "pickup":
        print(backend.fulfilment.hand_over(args.order_id).status.value)
    elif command == "token":
        backend.tokens.register(args.serial, _secret_from_stdin("SO PIN: "))
        print(f"registered {args.serial}")
    elif command == "staff":
        backend.tokens.add_staff(args.staff_id, args.name, _secret_from_stdin("staff PIN: "))
        print(f"staff {args.staff_id} saved")
    elif command == "openapi":
        from ca_backend.api import create_app

        text = json.dumps(create_app(backend).openapi(), ensure_ascii=False, indent=2) + "\n"
        if args.out:
            args.out.write_text(text)
        else:
            sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
