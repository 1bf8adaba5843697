"""The disk fills while a subscriber is capturing pages: on a real, small file system (a tmpfs
mounted for the test), the store refuses the write whole with `StorageFull`, the capture screen
says so plainly in both languages, the pages already captured stay readable, SQLite's
integrity_check passes, and once staff make room the page on the desk is taken after all.

Mounting needs root, as the kiosk's CI and its set-up run; elsewhere these tests are skipped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.capture import capturing
from support.disk import fill, integrity, mounted_small_disk
from support.figures import Figure
from support.pilot import screen_text

from kiosk.config.locations import Locations, locations
from kiosk.core.domain.businesses import BusinessCode, Section
from kiosk.core.domain.documents import DocumentKind
from kiosk.screens.messages import PageCaptured, PageNotKept
from kiosk.store import StorageFull, Store


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with mounted_small_disk(tmp_path / "small-disk") as disk:
        yield disk


@pytest.fixture
def where(small_disk: Path) -> Locations:
    """The kiosk's home on the small disk (conftest's `store` opens there too)."""
    return locations(small_disk / "kiosk-home")


def test_a_full_disk_refuses_each_write_whole_and_corrupts_nothing(
    small_disk: Path, store: Store, figure: Figure
) -> None:
    order = store.orders.create(BusinessCode.NEW)
    store.orders.update_draft(order.id, form={Section.UNIT.value: {"unit_name": "成都示例科技有限公司"}})
    first = store.attachments.add(order.id, DocumentKind.APPLICATION_FORM, os.urandom(300_000), "image/jpeg")
    filler = fill(small_disk)

    refused = 0
    with pytest.raises(StorageFull):  # the image file cannot be written
        store.attachments.add(order.id, DocumentKind.SEAL_SAMPLE_FORM, os.urandom(300_000), "image/jpeg")
    refused += 1
    with pytest.raises(StorageFull):  # SQLite cannot grow its write-ahead log (SQLITE_FULL)
        for _ in range(200):
            store.orders.create(BusinessCode.NEW, form={Section.UNIT.value: {"unit_name": "x" * 4000}})
    refused += 1

    assert integrity(store.path) == "ok"
    assert store.attachments.read(first.sha256)  # the page captured before is whole
    assert set(store.attachments.of(order.id)) == {DocumentKind.APPLICATION_FORM}
    assert store.orders.get(order.id).form[Section.UNIT.value]["unit_name"] == "成都示例科技有限公司"
    assert not list(store.attachments.folder.glob("*.tmp")), "a half-written image was left behind"

    filler.unlink()  # staff make room: the same write now succeeds
    store.attachments.add(order.id, DocumentKind.SEAL_SAMPLE_FORM, os.urandom(300_000), "image/jpeg")
    assert set(store.attachments.of(order.id)) == {
        DocumentKind.APPLICATION_FORM,
        DocumentKind.SEAL_SAMPLE_FORM,
    }
    assert integrity(store.path) == "ok"
    figure("disk_full_writes_refused", refused)
    figure("disk_full_integrity_check", integrity(store.path))


async def test_the_disk_fills_while_capturing_said_plainly_nothing_lost_and_capture_resumes(
    small_disk: Path,
    where: Locations,
    store: Store,
    clock,
    demo_video: Path,
    tmp_path: Path,
    figure,
) -> None:
    async with capturing(where, store, clock, str(demo_video), tmp_path) as at:
        app, pilot, messages, order_id = at.app, at.pilot, at.messages, at.order_id
        await messages.wait(PageCaptured)
        first = store.attachments.of(order_id)[DocumentKind.APPLICATION_FORM]
        filler = fill(small_disk)

        not_kept = await messages.wait(PageNotKept)
        await pilot.pause()
        assert not_kept.document is DocumentKind.SEAL_SAMPLE_FORM
        assert "本机存储空间已满，本页未保存，请联系工作人员；已拍摄的页面都在" in screen_text(app)
        app.toggle_language()
        await pilot.pause()
        assert "This kiosk's storage is full and this page was not saved" in screen_text(app)
        app.toggle_language()

        assert integrity(store.path) == "ok"
        assert set(store.attachments.of(order_id)) == {DocumentKind.APPLICATION_FORM}
        assert store.attachments.read(first.sha256)
        assert at.screen.current is DocumentKind.SEAL_SAMPLE_FORM  # still asked for, not skipped

        filler.unlink()
        await messages.wait(PageCaptured, lambda page: page.document is DocumentKind.SEAL_SAMPLE_FORM)
        await pilot.pause()
        assert set(store.attachments.of(order_id)) == {
            DocumentKind.APPLICATION_FORM,
            DocumentKind.SEAL_SAMPLE_FORM,
        }
        text = screen_text(app)
        assert "本机存储空间已满" not in text and "第3份，共5份：营业执照复印件" in text
        assert integrity(store.path) == "ok"
        figure("disk_full_capture_pages_lost", 0)
