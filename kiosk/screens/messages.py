"""The app's typed messages, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # heavy imports stay out of the first paint
    from textual.strip import Strip

    from kiosk.backend_client.errors import BackendError
    from kiosk.config.settings import KioskSettings
    from kiosk.core.contract import OrderView, PaymentView, SmsCodeSent, SubscriberSession
    from kiosk.core.domain.documents import DocumentKind
    from kiosk.core.i18n import Text
    from kiosk.devices.printer.job import PrintProgress
    from kiosk.services.choices import Choice
    from kiosk.services.health import HealthReport
    from kiosk.services.key_check import KeyCheck
    from kiosk.services.runtime import KioskRuntime


@dataclass
class RuntimeReady(Message):
    """The kiosk's parts are open: settings, store and the rest (after the first paint)."""

    runtime: KioskRuntime


@dataclass
class RuntimeFailed(Message):
    """The kiosk cannot serve: bad settings, unreadable store or key. For staff to fix."""

    reason: str
    settings: KioskSettings | None


class QueueChanged(Message):
    """The outbox depth may have changed: the status line reads it again. A burst is one."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, QueueChanged)


# --- staff mode (kiosk/screens/staff.py) ------------------------------------------------------------
@dataclass
class HealthChecked(Message):
    """Every part checked (kiosk/services/health.py), from the dashboard's worker."""

    report: HealthReport


# --- 录入信息 (kiosk/screens/info_entry.py) ------------------------------------------------------
@dataclass
class EarlierFormArrived(Message):
    """What the subscriber typed for this unit last time, read from the backend."""

    form: dict[str, dict[str, str]]


# --- the document camera (kiosk/screens/capture.py) -----------------------------------------------
@dataclass
class CameraFrame(Message):
    """A new preview; only the newest one waiting is drawn."""

    lines: list[Strip]
    instruction: Text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CameraFrame)


@dataclass
class PageCaptured(Message):
    """A document's picture is kept (in the order's draft, when there is one)."""

    document: DocumentKind
    thumbnail: list[Strip]
    size: int  # bytes of the JPEG
    restored: bool = False  # captured on an earlier visit, read back from the store


@dataclass
class CaptureRefused(Message):
    """A capture or import failed its checks; the instruction says what to do."""

    instruction: Text


@dataclass
class PageNotKept(Message):
    """A page was captured or imported, but the store had no room left to keep it."""

    document: DocumentKind


@dataclass
class CameraFailed(Message):
    """The camera could not be opened or stopped giving frames."""

    message: Text
    detail: str


# --- the printer (kiosk/screens/printing.py) ------------------------------------------------------
@dataclass
class PrintProgressed(Message):
    """A form's print job moved on (sent, printing, waiting for the printer, done, failed)."""

    number: int  # which form of the screen's list
    progress: PrintProgress


# --- sign-in (kiosk/screens/sign_in.py) -----------------------------------------------------------
@dataclass
class SmsCodeAnswered(Message):
    """The backend sent the SMS code, or could not (error)."""

    phone: str
    sent: SmsCodeSent | None
    error: BackendError | None


@dataclass
class SignInAnswered(Message):
    """The backend accepted the code (session), or did not (error)."""

    phone: str
    session: SubscriberSession | None
    error: BackendError | None


# --- the journey (kiosk/screens/submit.py, orders.py, payment.py) ----------------------------------
@dataclass
class OrderSubmitted(Message):
    """The order went into the outbox (error None), or the store could not take it."""

    order_id: str
    error: str | None


@dataclass
class OrdersListed(Message):
    """The subscriber's orders as the backend has them (None when it could not be asked)."""

    views: list[OrderView] | None
    error: BackendError | None


@dataclass
class PaymentAnswered(Message):
    """A payment was created, or its state read again (payment), or the backend failed (error)."""

    payment: PaymentView | None
    error: BackendError | None


@dataclass
class KeySeen(Message):
    """What is in the key slot now: one key read and judged (check), none or several (count),
    or a fault reading it (error, for the subscriber)."""

    check: KeyCheck | None
    count: int
    error: Text | None = None


@dataclass
class KeyWorkDone(Message):
    """A download or an unlock at the slot finished (result) or failed (error, for the
    subscriber; the key may have been pulled out)."""

    result: object | None
    error: Text | None
    pulled_out: bool = False


# --- choosing what a business acts on (kiosk/screens/choose.py) --------------------------------------
@dataclass
class ChoicesLoaded(Message):
    """The things to choose from (None when they could not be read, and why)."""

    choices: list[Choice] | None
    error: BackendError | None
