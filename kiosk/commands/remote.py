"""`kiosk remote`: the staff dashboard served to a browser with textual-serve. Each browser
gets its own process of `kiosk staff-console` on this kiosk's home, which asks for a staff ID
and PIN before it shows anything (kiosk/ui/console.py).

It listens on 127.0.0.1 unless told otherwise: putting it on the hall's network (`--host` the
kiosk's address on it) is a decision for whoever installs the kiosk, with the hall's firewall
in front (docs/INSTALL.md)."""

from __future__ import annotations

import shlex
import sys


def console_command(home: str | None) -> str:
    """The command textual-serve starts for each browser."""
    parts = [sys.executable, "-m", "kiosk"]
    if home:
        parts += ["--home", home]
    parts.append("staff-console")
    return shlex.join(parts)


def serve_remote_view(home: str | None, host: str, port: int, public_url: str | None = None) -> int:
    import os

    from textual_serve.server import Server

    from kiosk.config.locations import locations

    where = locations(home)
    # The console must open this kiosk's home, whatever the browser's process inherits.
    home_dir = str(where.config_file.parent)
    os.environ["KIOSK_HOME"] = home_dir
    server = Server(console_command(home_dir), host=host, port=port, title="远程查看", public_url=public_url)
    server.serve()
    return 0
