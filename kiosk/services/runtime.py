"""The kiosk's working parts, opened once its settings and store are readable (after the first
paint, in a worker): the project catalog, the backend client for the calls a subscriber waits
on, and the key slot, each made on first need; the outbox sync once it runs. The app holds one
and hands it to a visit's step runners and screens, so none of them has to ask whether the
kiosk is ready. Plain Python: a script or a test opens one the same way."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kiosk.core.i18n import Text

if TYPE_CHECKING:
    from kiosk.backend_client.client import BackendClient
    from kiosk.backend_client.sync import SyncEngine
    from kiosk.config.locations import Locations
    from kiosk.config.settings import KioskSettings
    from kiosk.core.domain.catalog import Catalog
    from kiosk.services.key_slot import KeySlot
    from kiosk.store import Store


class DemoHub(Protocol):
    """The demo's own CA backend (`kiosk demo` starts it beside the kiosk): where it listens,
    and the SMS it 'sent', shown on screen because the demo has no phone."""

    @property
    def base_url(self) -> str: ...
    def last_sms(self, phone: str) -> str: ...
    def stop(self) -> None: ...


# Starts the demo's backend for this kiosk's files and id (kiosk/commands/demo.py).
DemoStarter = Callable[["Locations", str], DemoHub]


@dataclass(frozen=True)
class CannotServe(Exception):
    """The kiosk cannot serve: unreadable settings, store or key, or a demo backend that did not
    start. For staff to fix; `settings` when they could be read (staff can still sign in)."""

    reason: str
    settings: KioskSettings | None

    def __str__(self) -> str:
        return self.reason


class KioskRuntime:
    def __init__(
        self, where: Locations, settings: KioskSettings, store: Store, *, demo: DemoHub | None = None
    ) -> None:
        self.where, self.settings, self.store, self.demo = where, settings, store, demo
        self.sync: SyncEngine | None = None  # set by whoever runs it (the app's sync worker)
        self._catalog: Catalog | None = None
        self._client: BackendClient | None = None
        self._key_slot: KeySlot | None = None
        self._made = threading.Lock()  # workers ask for these side by side

    def catalog(self) -> Catalog:
        """The project catalog the settings name, read on first need."""
        from kiosk.core.domain.catalog import load_catalog

        with self._made:
            if self._catalog is None:
                self._catalog = load_catalog(self.settings.catalog_path)
            return self._catalog

    def backend_client(self) -> BackendClient:
        """The client for calls a subscriber waits on (sign-in, orders, payment), made on first
        use; call it from a worker. Raises Refused when the kiosk is not enrolled."""
        from kiosk.backend_client.errors import Refused
        from kiosk.backend_client.runtime import open_backend_client
        from kiosk.core.signing import CredentialsError

        with self._made:
            if self._client is None:
                try:
                    self._client = open_backend_client(self.settings, self.where)
                except CredentialsError as error:
                    raise Refused(
                        Text("本终端尚未在服务器注册，请联系大厅工作人员"), code=str(error)
                    ) from None
            return self._client

    def key_slot(self) -> KeySlot:
        """The key slot, its module opened on first use (call it from a worker)."""
        from kiosk.services.key_slot import KeySlot

        with self._made:
            if self._key_slot is None:
                self._key_slot = KeySlot(
                    self.settings, self.where, fetch_chain=lambda: self.backend_client().ca_chain()
                )
            return self._key_slot

    def demo_sms(self, phone: str) -> str:
        """In the demo only: the last SMS its backend 'sent' to `phone`. Empty outside the demo."""
        return self.demo.last_sms(phone) if self.demo is not None else ""

    def close(self) -> None:
        """The subscriber's client and the demo's backend; the store stays with its opener."""
        if self._client is not None:
            self._client.close()
        if self.demo is not None:
            self.demo.stop()


def open_runtime(
    where: Locations,
    *,
    settings: KioskSettings | None = None,
    store: Store | None = None,
    start_demo: DemoStarter | None = None,
) -> KioskRuntime:
    """The kiosk's parts from its files (or the settings and store given). Raises CannotServe."""
    from kiosk.config.settings import SettingsError, load_settings
    from kiosk.core.sealing import KeyFileError
    from kiosk.store import Store, StoreError

    try:
        settings = settings or load_settings(where)
    except SettingsError as error:
        raise CannotServe(str(error), None) from None
    try:
        store = store or Store.open(where.data_dir, where.key_file)
    except (KeyFileError, StoreError, OSError) as error:
        raise CannotServe(str(error), settings) from None
    demo = None
    if start_demo is not None:
        try:
            demo = start_demo(where, settings.kiosk_id)
        except (OSError, RuntimeError) as error:
            raise CannotServe(f"the demo backend did not start: {error}", settings) from None
        settings = settings.model_copy(update={"backend_url": demo.base_url})
    return KioskRuntime(where, settings, store, demo=demo)
