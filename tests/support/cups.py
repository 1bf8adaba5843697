"""A private, real cupsd for the printing tests: its own configuration, spool and logs in a
folder, listening on a Unix socket in that folder only (no network port).

Two queues:
- `kiosk`: the Generic PDF driver, every job written over paper/kiosk.pdf by a one-line
  backend (`paper:`). It was the file: device (FileDevice Yes) until Debian's CUPS
  2.4.2-3+deb12u10 (November 2026): its scheduler now opens a file: device's path with
  O_WRONLY|O_EXCL and neither creates nor truncates it, so a new file fails ("could not open
  the output file") and an old one is overwritten in place, a shorter job leaving the tail of
  a longer one. The scheduler, filters and driver stay the real ones; only the last step,
  which on a kiosk is the USB or network printer's backend, is this script.
- `faulty`: a small CUPS backend written here, standing in for printer hardware, which no test
  machine has. Told through a file, it reports what a real printer's backend reports: out of
  paper or jammed (STATE: +media-empty-error / +media-jam-error), it stops the queue with status
  4 (CUPS_BACKEND_STOP) as a USB printer's backend does, and staff start it again; switched
  off (STATE: +offline-report), it holds the job and retries until the printer answers, as the
  ipp backend does. Otherwise it writes the job to paper/faulty-<job>.pdf. cupsd, its
  scheduler, filters and state keeping are all real.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

GENERIC_PDF_PPD = Path("/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd")
CUPS_BIN = Path("/usr/lib/cups")

PAPER_BACKEND = """#!/bin/sh
# Each job onto paper/kiosk.pdf, whole (tests/support/cups.py). No arguments: list the device.
if [ $# -eq 0 ]; then echo 'direct paper "Unknown" "Test paper"'; exit 0; fi
cat "${{6:--}}" > {root}/paper/kiosk.pdf.part && mv {root}/paper/kiosk.pdf.part {root}/paper/kiosk.pdf
exit 0
"""

FAULT_BACKEND = """#!/bin/sh
# A stand-in for printer hardware (tests/support/cups.py). No arguments: list the device.
if [ $# -eq 0 ]; then echo 'direct faulty "Unknown" "Fault-injecting test printer"'; exit 0; fi
fault=$(cat {root}/fault 2>/dev/null)
echo "STATE: -media-empty-error,media-jam-error,offline-report" >&2  # what the last job left
if [ "$fault" = offline-report ]; then
    # Like the ipp and usb backends: keep the job and retry until the printer answers again.
    echo "STATE: +offline-report" >&2
    while [ "$(cat {root}/fault 2>/dev/null)" = offline-report ]; do sleep 0.05; done
    echo "STATE: -offline-report" >&2
elif [ -n "$fault" ]; then
    echo "STATE: +$fault" >&2
    echo "ERROR: the test printer reports $fault" >&2
    exit 4
fi
cat "${{6:--}}" > {root}/paper/faulty-$1.pdf
exit 0
"""


class Cupsd:
    def __init__(self) -> None:
        # Not pytest's tmp_path: cupsd runs filters as user lp, who must reach this folder.
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-cupsd-"))
        self.root.chmod(0o755)
        self.socket = self.root / "cups.sock"
        self.paper = self.root / "paper"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": str(self.socket), "LC_ALL": "C"}

    def start(self) -> None:
        root = self.root
        for folder in ("spool/tmp", "cache", "state", "log", "bin/backend", "ppd"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        self.paper.mkdir(mode=0o755, exist_ok=True)
        for entry in CUPS_BIN.iterdir():  # the real filters and backends, plus the test backend
            if entry.name != "backend":
                (root / "bin" / entry.name).symlink_to(entry)
        for entry in (CUPS_BIN / "backend").iterdir():
            (root / "bin/backend" / entry.name).symlink_to(entry)
        for name, script in (("faulty", FAULT_BACKEND), ("paper", PAPER_BACKEND)):
            backend = root / "bin/backend" / name
            backend.write_text(script.format(root=root))
            backend.chmod(0o700)  # owned by root and private: cupsd runs it as root
        (root / "cups-files.conf").write_text(
            f"ServerRoot {root}\nRequestRoot {root}/spool\nTempDir {root}/spool/tmp\n"
            f"StateDir {root}/state\nCacheDir {root}/cache\nErrorLog {root}/log/error_log\n"
            f"AccessLog {root}/log/access_log\nPageLog {root}/log/page_log\n"
            f"ServerBin {root}/bin\nDataDir /usr/share/cups\nPrintcap {root}/printcap\n"
        )
        (root / "cupsd.conf").write_text(
            f"Listen {self.socket}\nLogLevel info\nWebInterface No\nBrowsing No\n"
            "DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
        )
        self._process = subprocess.Popen(
            ["cupsd", "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_listening()
        self.admin("lpadmin", "-p", "kiosk", "-E", "-v", "paper:/kiosk")
        self.admin("lpadmin", "-p", "faulty", "-E", "-v", "faulty:/test")

    def _wait_until_listening(self, timeout_s: float = 10.0) -> None:
        """cupsd binds its socket about 50 ms after starting; connect until it answers."""
        deadline = time.monotonic() + timeout_s
        pause = threading.Event()
        while time.monotonic() < deadline:
            assert self._process is not None and self._process.poll() is None, self.log()
            try:
                with socket.socket(socket.AF_UNIX) as probe:
                    probe.connect(str(self.socket))
                return
            except OSError:
                pause.wait(0.01)
        raise RuntimeError(f"cupsd did not listen on {self.socket}: {self.log()}")

    def wait_until_stopped(self, queue: str, timeout_s: float = 20.0) -> None:
        """Until CUPS has stopped `queue` after its backend's error (it reports the printer's
        reason a moment before it stops the queue: staff can only start it after that)."""
        deadline = time.monotonic() + timeout_s
        pause = threading.Event()
        while time.monotonic() < deadline:
            if f"printer {queue} disabled" in self.admin("lpstat", "-p", queue):
                return
            pause.wait(0.01)
        raise RuntimeError(f"CUPS did not stop {queue}: {self.log()}")

    def admin(self, *command: str) -> str:
        """Run a CUPS admin command (lpadmin, cupsdisable, ...) against this cupsd, as staff would."""
        if command[0] == "lpadmin" and "-v" in command:
            command = (*command, "-P", str(GENERIC_PDF_PPD), "-o", "PageSize=A4")
        done = subprocess.run(command, check=False, env=self.env, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, f"{command}: {done.stderr}"
        return done.stdout

    def set_fault(self, reason: str | None) -> None:
        """What the test printer reports on its next job (None: it prints)."""
        fault = self.root / "fault"
        if reason:
            fault.write_text(reason)
        else:
            fault.unlink(missing_ok=True)

    def log(self) -> str:
        path = self.root / "log/error_log"
        return path.read_text()[-3000:] if path.exists() else "(no cupsd log)"

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)
