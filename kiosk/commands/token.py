"""`kiosk token`: what is in the slot, and SoftHSM test keys for the demo, tests and bench.

    kiosk token list
    kiosk token make-test --serial 5501AB6C95190035 [--certificate --backend-home DIR] [--blank]
    kiosk token insert 5501AB6C95190035     (SoftHSM: put a pulled-out key back in the slot)
    kiosk token pull 5501AB6C95190035       (SoftHSM: take it out, as a hand would)

make-test reads the user PIN and then the SO PIN from stdin (one per line) or asks for them;
they never appear on the command line, where other users of the machine could read them."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ca_backend.backend import Backend
    from kiosk.devices.token.module import Pkcs11Module
    from kiosk.devices.token.renewal import IssueCertificate
    from kiosk.devices.token.softhsm import SoftHsm


def add_token_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = commands.add_parser("token", help="the token slot: list keys, make SoftHSM test keys")
    actions = token.add_subparsers(dest="token_command", required=True)
    actions.add_parser("list", help="the keys in the slots, with their certificates and PIN state")
    for verb, what in (("insert", "put a SoftHSM key into the slot"), ("pull", "pull a SoftHSM key out")):
        move = actions.add_parser(verb, help=what)
        move.add_argument("serial")
    make = actions.add_parser("make-test", help="a SoftHSM key with a chosen chip serial (tests, demo)")
    make.add_argument("--serial", required=True, help="16 hex digits: 55…/56… self-service, 11… assisted")
    make.add_argument("--label", default="UKEY")
    make.add_argument("--blank", action="store_true", help="no certificate: a key the hall sells")
    make.add_argument("--certificate", action="store_true", help="issue a certificate onto it")
    make.add_argument("--key-kind", choices=["ec", "rsa"], default="ec")
    make.add_argument(
        "--backend-home",
        type=Path,
        help="the reference backend whose CA issues the certificate and whose registry keeps the SO PIN",
    )


def run_token_command(args: argparse.Namespace) -> int:
    from kiosk.config.locations import locations
    from kiosk.config.settings import SettingsError, load_settings
    from kiosk.devices.token import TokenError
    from kiosk.devices.token.runtime import open_token_module, softhsm_for

    where = locations(args.home)
    try:
        settings = load_settings(where)
        if args.token_command == "list":
            return _list(open_token_module(settings, where))
        hsm = softhsm_for(settings, where)
        if hsm is None:
            print("kiosk token make-test: the configured module is not the kiosk's SoftHSM", file=sys.stderr)
            return 2
        if args.token_command in ("insert", "pull"):
            return _move(args.token_command, args.serial, hsm)
        return _make_test(args, hsm)
    except (SettingsError, TokenError) as error:
        print(f"kiosk token: {error}", file=sys.stderr)
        return 1


def _list(module: Pkcs11Module) -> int:
    from kiosk.devices.token import read_token

    module.rescan()
    present = module.present()
    if not present:
        print("no key in any slot")
    for token in present:
        info = read_token(module, token.slot_id)
        current = info.current
        pin = info.pin.warning() or "PIN ok"
        print(f"slot {info.slot_id}  chip {info.serial}  label {info.label}  {info.manufacturer}  {pin}")
        if current is not None:
            print(f"    {current.subject}")
            print(f"    issuer {current.issuer}  serial {current.serial_hex}")
            print(
                f"    valid {current.not_before:%Y-%m-%d} to {current.not_after:%Y-%m-%d}"
                f" ({current.days_left()} days left)"
            )
        if info.interrupted is not None:
            print("    a renewal was interrupted: the next PIN check finishes or rolls it back")
    return 0


def _move(verb: str, serial: str, hsm: SoftHsm) -> int:
    from kiosk.devices.token.softhsm import SoftHsmError

    try:
        (hsm.insert if verb == "insert" else hsm.pull_out)(serial)
    except SoftHsmError as error:
        print(f"kiosk token {verb}: {error}", file=sys.stderr)
        return 1
    print(f"key {serial.upper()} {'in the slot' if verb == 'insert' else 'pulled out'}")
    return 0


def _make_test(args: argparse.Namespace, hsm: SoftHsm) -> int:
    from kiosk.devices.token.keys import KeyKind
    from kiosk.devices.token.softhsm import SoftHsmError, issue_first_certificate

    user_pin, so_pin = _secret("user PIN: "), _secret("SO PIN: ")
    if args.certificate and args.backend_home is None:
        print("kiosk token make-test: --certificate needs --backend-home", file=sys.stderr)
        return 2
    try:
        hsm.make_token(args.serial, args.label, user_pin=user_pin, so_pin=so_pin)
    except SoftHsmError as error:
        print(f"kiosk token make-test: {error}", file=sys.stderr)
        return 1
    if args.backend_home is not None and not args.blank:
        backend = _backend(args.backend_home)
        backend.tokens.register(args.serial.upper(), so_pin)
        if args.certificate:
            issue = _sample_issuer(backend)
            result = issue_first_certificate(
                hsm.module(), args.serial, user_pin, issue, KeyKind(args.key_kind)
            )
            print(f"certificate {result.certificate.serial_hex}: {result.certificate.subject}")
    print(f"made key {args.serial.upper()} in {hsm.tokens_dir}")
    return 0


def _backend(home: Path) -> Backend:
    from ca_backend.backend import Backend
    from ca_backend.config import load_backend_settings

    return Backend(load_backend_settings(home))


def _sample_issuer(backend: Backend) -> IssueCertificate:
    """Issue for the sample unit, as the CA's counter did when the key was first sold."""
    from ca_backend.pki import SubjectInfo
    from kiosk.core.domain.samples import SAMPLE_UNIT

    name, uscc = SAMPLE_UNIT["unit_name"], SAMPLE_UNIT["uscc"]
    subject = SubjectInfo(name, name, "投标证书", "重庆", "重庆", uscc)
    return lambda request_pem: backend.ca.issue(request_pem, subject, 365).pem


def _secret(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()
