"""The kiosk's health: each part (settings, store, disk, camera, printer, key slot, backend, sync
queue) checked for real, the way it is used, and said in a sentence for hall staff. Plain
Python: `kiosk doctor` prints it as a table, the staff dashboard shows it (from a thread
worker), and a test calls it directly.

A check that hangs (a camera driver that never answers) must not hang the caller: each one
runs in a daemon thread with a deadline, and a late one is reported as not answering."""

from __future__ import annotations

import shutil
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.core.i18n import Language, Listing, Text, say

if TYPE_CHECKING:
    from kiosk.config.locations import Locations
    from kiosk.config.settings import KioskSettings
    from kiosk.store import Store

DISK_FAIL_BYTES = 200 * 1024**2  # below this, a capture could fail half-way
DISK_WARN_BYTES = 1024**3
QUEUE_WARN_AGE_S = 3600.0  # an order waiting an hour while the backend answers: look at it
CHECK_DEADLINE_S = 15.0


class State(StrEnum):
    OK = "ok"
    WARNING = "warning"  # works, but staff should look (disk getting full, orders waiting)
    FAILED = "failed"  # a subscriber would be stopped by it
    NOT_CHECKED = "not_checked"  # a device only the kiosk itself may open (the remote view)

    @property
    def words(self) -> Text:
        return STATE_TITLES[self]


STATE_TITLES = {
    State.OK: Text("正常"),
    State.WARNING: Text("注意"),
    State.FAILED: Text("故障"),
    State.NOT_CHECKED: Text("未检查"),
}


@dataclass(frozen=True)
class PartHealth:
    part: Text  # 摄像头, 打印机 ...
    state: State
    summary: Text | str  # for staff, in their language
    detail: str = ""  # technical, for the log and a technician (never personal data)

    def row(self, language: Language) -> tuple[str, str, str]:
        return say(self.part, language), say(self.state.words, language), say(self.summary, language)


@dataclass(frozen=True)
class HealthReport:
    parts: tuple[PartHealth, ...]
    checked_at: datetime

    @property
    def worst(self) -> State:
        states = {part.state for part in self.parts}
        for state in (State.FAILED, State.WARNING):
            if state in states:
                return state
        return State.OK

    def failed(self) -> list[PartHealth]:
        return [part for part in self.parts if part.state is State.FAILED]

    def table(self, language: Language, *, headed: bool = True) -> str:
        """The parts as columns padded by display width (a Chinese character takes two cells):
        `kiosk doctor` prints it with its headings, the staff dashboard shows the rows alone."""
        headers = tuple(say(word, language) for word in (Text("部件"), Text("状态"), Text("说明")))
        rows = [part.row(language) for part in self.parts]
        widths = [max(_cells(row[column]) for row in (headers, *rows)) for column in range(len(headers))]
        lines = []
        if headed:
            lines.append(_padded(headers, widths))
            lines.append("  ".join("-" * width for width in widths))
        lines.extend(_padded(row, widths) for row in rows)
        return "\n".join(lines)


def _padded(row: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(
        cell + " " * (width - _cells(cell)) for cell, width in zip(row, widths, strict=True)
    ).rstrip()


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


Check = Callable[[], PartHealth]


def check_all(
    settings: KioskSettings, where: Locations, store: Store | None, *, devices_busy: Text | None = None
) -> HealthReport:
    """Every part, side by side (each in its own thread, none longer than the deadline).
    `devices_busy` (why): the camera and the key slot are left alone, as opening them could take
    them from a subscriber (the remote view is another process; at the kiosk, a visit is
    underway below the staff screen)."""
    camera: Check = lambda: check_camera(settings, where)  # noqa: E731
    slot: Check = lambda: check_token_slot(settings, where)  # noqa: E731
    if devices_busy is not None:
        camera = _not_checked(Text("文件拍摄仪"), devices_busy)
        slot = _not_checked(Text("证书盘读卡口"), devices_busy)
    checks: list[tuple[Text, Check]] = [
        (Text("数据存储"), lambda: check_store(store)),
        (Text("磁盘空间"), lambda: check_disk(where)),
        (Text("文件拍摄仪"), camera),
        (Text("打印机"), lambda: check_printer(settings, where)),
        (Text("证书盘读卡口"), slot),
        (Text("CA服务器"), lambda: check_backend(settings, where, store)),
        (Text("同步队列"), lambda: check_queue(store)),
    ]
    return HealthReport(run_with_deadline(checks), datetime.now(UTC))


REMOTE_VIEW = Text("远程查看时不检查：设备由终端使用")
VISIT_UNDERWAY = Text("顾客正在办理业务，暂不检查")


def _not_checked(part: Text, why: Text) -> Check:
    return lambda: PartHealth(part, State.NOT_CHECKED, why)


def run_with_deadline(
    checks: Sequence[tuple[Text, Check]], deadline_s: float | None = None
) -> tuple[PartHealth, ...]:
    deadline_s = CHECK_DEADLINE_S if deadline_s is None else deadline_s
    results: list[PartHealth | None] = [None] * len(checks)

    def run(index: int, part: Text, check: Check) -> None:
        try:
            results[index] = check()
        except Exception as error:  # a check must report, whatever its part did
            results[index] = PartHealth(
                part, State.FAILED, Text("检查时出错"), f"{type(error).__name__}: {error}"
            )

    threads = [
        threading.Thread(target=run, args=(index, part, check), daemon=True, name=f"health-{index}")
        for index, (part, check) in enumerate(checks)
    ]
    for thread in threads:
        thread.start()
    ends = time.monotonic() + deadline_s
    for thread in threads:
        thread.join(max(0.0, ends - time.monotonic()))
    return tuple(
        result
        if result is not None
        else PartHealth(
            part, State.FAILED, Text("检查超时，设备没有响应"), f"no answer in {deadline_s:.0f} s"
        )
        for (part, _), result in zip(checks, results, strict=True)
    )


# --- the parts ------------------------------------------------------------------------------------
def check_store(store: Store | None) -> PartHealth:
    part = Text("数据存储")
    if store is None:
        return PartHealth(part, State.FAILED, Text("数据存储未打开"))
    problem = store.integrity_problem()
    if problem is not None:
        return PartHealth(part, State.FAILED, Text("数据库损坏，请联系技术人员"), problem)
    audit_problem = store.audit_trail.problem()
    if audit_problem is not None:
        return PartHealth(part, State.FAILED, audit_problem)
    return PartHealth(part, State.OK, Text("数据库完好，审计记录完整"))


def check_disk(where: Locations) -> PartHealth:
    part = Text("磁盘空间")
    free = shutil.disk_usage(_existing(where.data_dir)).free
    shown = f"{free / 1024**3:.1f} GB"
    if free < DISK_FAIL_BYTES:
        return PartHealth(part, State.FAILED, Text("剩余{free}，不足以保存资料", free=shown))
    if free < DISK_WARN_BYTES:
        return PartHealth(part, State.WARNING, Text("剩余{free}，请尽快清理", free=shown))
    return PartHealth(part, State.OK, Text("剩余{free}", free=shown))


def check_camera(settings: KioskSettings, where: Locations) -> PartHealth:
    """Opens the camera as a capture does and reads a frame from it."""
    from kiosk.devices.camera.runtime import camera_spec
    from kiosk.devices.camera.source import CameraError, FrameSource

    part = Text("文件拍摄仪")
    try:
        source = FrameSource(camera_spec(settings, where), loop=settings.camera_loop)
        try:
            frame = source.read()
        finally:
            source.close()
    except CameraError as error:
        return PartHealth(part, State.FAILED, error.message, error.detail)
    height, width = frame.image.shape[:2]
    return PartHealth(part, State.OK, Text("画面正常（{width}×{height}）", width=width, height=height))


def check_printer(settings: KioskSettings, where: Locations) -> PartHealth:
    """The queue's state as CUPS reports it (jammed, out of paper ...), or the PDF folder."""
    from kiosk.devices.printer.runtime import open_printer, spool_folder

    part = Text("打印机")
    printer = open_printer(settings, where)
    try:
        status = printer.status()
    finally:
        close = getattr(printer, "close", None)
        if close is not None:
            close()
    where_to = settings.printer_queue or str(spool_folder(where))
    detail = " ".join(filter(None, (where_to, ",".join(status.reasons), status.detail)))
    if status.condition.can_print:
        return PartHealth(part, State.OK, status.message, detail)
    return PartHealth(part, State.FAILED, status.message, detail)


def check_token_slot(settings: KioskSettings, where: Locations) -> PartHealth:
    """The key vendor's module loads and lists its slots."""
    from kiosk.devices.token import TokenError
    from kiosk.devices.token.runtime import open_token_module

    part = Text("证书盘读卡口")
    try:
        module = open_token_module(settings, where)
        present = module.present()
    except TokenError as error:
        return PartHealth(part, State.FAILED, error.message, error.detail)
    if present:
        serials = Listing(token.serial for token in present)
        return PartHealth(part, State.OK, Text("驱动正常，已插入证书盘：{serials}", serials=serials))
    return PartHealth(part, State.OK, Text("驱动正常，读卡口空闲"))


def check_backend(settings: KioskSettings, where: Locations, store: Store | None) -> PartHealth:
    """A heartbeat to the backend, signed with this kiosk's device credentials."""
    from kiosk.backend_client.errors import BackendError
    from kiosk.backend_client.runtime import open_backend_client
    from kiosk.core.contract import Heartbeat
    from kiosk.core.signing import CredentialsError

    part = Text("CA服务器")
    try:
        client = open_backend_client(settings, where, max_connections=1)
    except CredentialsError as error:
        return PartHealth(part, State.FAILED, Text("本终端尚未在服务器注册，请联系大厅工作人员"), str(error))
    depth = store.outbox.summary().pending_orders if store is not None else 0
    started = time.monotonic()
    try:
        with client:
            client.heartbeat(Heartbeat(queue_depth=depth))
    except BackendError as error:
        return PartHealth(part, State.FAILED, error.message, f"{settings.backend_url}: {error.summary()}")
    took_ms = (time.monotonic() - started) * 1000
    return PartHealth(part, State.OK, Text("连接正常（{ms}毫秒）", ms=round(took_ms)), settings.backend_url)


def check_queue(store: Store | None) -> PartHealth:
    part = Text("同步队列")
    if store is None:
        return PartHealth(part, State.FAILED, Text("数据存储未打开"))
    summary = store.outbox.summary()
    if summary.blocked_orders:
        return PartHealth(
            part,
            State.FAILED,
            Text("{count}个订单发送被拒，需要工作人员处理", count=summary.blocked_orders),
            summary.last_error or "",
        )
    if not summary.pending_orders:
        return PartHealth(part, State.OK, Text("无待同步订单"))
    age_s = pending_age_s(summary.oldest_pending_at)
    waiting = Text(
        "{count}个订单待同步，最早的已等待{minutes}分钟",
        count=summary.pending_orders,
        minutes=round(age_s / 60),
    )
    state = State.WARNING if age_s > QUEUE_WARN_AGE_S else State.OK
    return PartHealth(part, state, waiting, summary.last_error or "")


def pending_age_s(oldest_pending_at: str | None, now: datetime | None = None) -> float:
    if not oldest_pending_at:
        return 0.0
    then = datetime.fromisoformat(oldest_pending_at)
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    return max(0.0, ((now or datetime.now(UTC)) - then).total_seconds())


def _existing(path: Path) -> Path:
    """The nearest folder that exists (a new kiosk's data folder may not yet)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
