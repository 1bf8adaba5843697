"""The `kiosk` command."""

from __future__ import annotations

import argparse
import getpass
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk", description="CA service-hall self-service kiosk")
    parser.add_argument("--home", help="keep all files under this folder (as KIOSK_HOME)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the kiosk (the default)")
    commands.add_parser("demo", help="run the kiosk on its embedded defaults in a demo folder")
    commands.add_parser("hash-pin", help="print the hash of a staff PIN for kiosk.toml")
    args = parser.parse_args(argv)

    if args.command == "hash-pin":
        from kiosk.staff_auth import hash_pin

        pin = getpass.getpass("staff PIN: ")
        if not pin.isdigit() or not 6 <= len(pin) <= 12:
            print("a staff PIN is 6 to 12 digits", file=sys.stderr)
            return 2
        if getpass.getpass("again: ") != pin:
            print("the two PINs differ", file=sys.stderr)
            return 2
        print(f'staff_pin_hash = "{hash_pin(pin)}"')
        return 0

    home = args.home
    if args.command == "demo" and home is None:
        from kiosk.locations import SHIPPED_DATA

        home = str(SHIPPED_DATA.parent / ".kiosk-home")
    from kiosk.app import run

    run(home)
    return 0


if __name__ == "__main__":
    sys.exit(main())
