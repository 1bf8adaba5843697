"""The home screen, pixel for pixel at 120x40 (pytest-textual-snapshot; update with
`pytest --snapshot-update` after a deliberate change, and look at the SVG before committing)."""

from __future__ import annotations

from kiosk.ui.app import KioskApp


def test_home_screen(snap_compare, where, settings, store, clock) -> None:
    app = KioskApp(where=where, settings=settings, store=store, clock=clock)

    async def until_ready(pilot) -> None:
        while app.idle is None:
            await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=until_ready)
