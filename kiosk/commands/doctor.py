"""`kiosk doctor` and `kiosk audit`: the technician's view of a kiosk from a shell.

`kiosk doctor` checks every part (kiosk/services/health.py) and prints a table; it exits 0 when all work
(warnings included), 1 when a part failed, 2 when the settings or the store cannot be opened.
`kiosk audit verify` exits 0 when the audit trail is intact, 1 when it was changed."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from kiosk.core.i18n import Language, Text, say

if TYPE_CHECKING:
    from kiosk.config.locations import Locations
    from kiosk.store import Store

EXIT_OK, EXIT_FAILED, EXIT_CANNOT_CHECK = 0, 1, 2


def run_doctor(home: str | None, language: Language | None = None) -> int:
    from kiosk.config.locations import locations
    from kiosk.config.settings import SettingsError, load_settings, with_demo_backend
    from kiosk.services.health import State, check_all

    where = locations(home)
    try:
        settings = with_demo_backend(load_settings(where), where)
    except SettingsError as error:
        print(f"kiosk doctor: settings: {error}", file=sys.stderr)
        return EXIT_CANNOT_CHECK
    language = language or settings.language
    store = _open_store(where, "kiosk doctor")
    if store is None:
        return EXIT_CANNOT_CHECK
    try:
        report = check_all(settings, where, store)
    finally:
        store.close()
    print(report.table(language))
    for part in report.parts:
        if part.state is not State.OK and part.detail:
            print(f"  {say(part.part, language)}: {part.detail}")
    verdict = Text("全部正常") if report.worst is not State.FAILED else Text("有部件故障")
    print(say(verdict, language))
    return EXIT_FAILED if report.worst is State.FAILED else EXIT_OK


def run_audit(home: str | None, action: str, *, last: int = 20) -> int:
    from kiosk.config.locations import locations

    store = _open_store(locations(home), "kiosk audit")
    if store is None:
        return EXIT_CANNOT_CHECK
    try:
        if action == "show":
            for record in store.audit_trail.records(last):
                detail = " ".join(f"{key}={value}" for key, value in sorted(record.detail.items()))
                print(
                    f"{record.seq:>6}  {record.at}  {record.actor:<8} {record.action:<20} {detail}".rstrip()
                )
            return EXIT_OK
        problem = store.audit_trail.problem()
        count = store.audit_trail.count()
    finally:
        store.close()
    if problem is not None:
        print(f"audit trail CHANGED: {problem.say('en')} ({problem})")
        return EXIT_FAILED
    print(f"audit trail intact: {count} records")
    return EXIT_OK


def _open_store(where: Locations, command: str) -> Store | None:
    """The kiosk's store, or None after saying on stderr why it cannot be opened."""
    from kiosk.core.sealing import KeyFileError
    from kiosk.store import Store

    try:
        return Store.open(where.data_dir, where.key_file)
    except (KeyFileError, RuntimeError) as error:
        print(f"{command}: store: {error}", file=sys.stderr)
        return None
