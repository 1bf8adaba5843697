"""Building the sync from the kiosk's settings and files: shared by the app and `kiosk sync`."""

from __future__ import annotations

from collections.abc import Callable

from kiosk import __version__
from kiosk.backend_client.client import BackendClient
from kiosk.backend_client.sync import SyncEngine, SyncSettings
from kiosk.config.locations import Locations
from kiosk.config.settings import KioskSettings
from kiosk.core.signing import DeviceCredentials
from kiosk.store import Store


def build_sync_engine(
    settings: KioskSettings,
    where: Locations,
    store: Store,
    *,
    on_progress: Callable[[], None] | None = None,
) -> SyncEngine:
    """The engine for this kiosk; raises CredentialsError when the kiosk is not enrolled."""
    client = open_backend_client(settings, where, max_connections=settings.sync_concurrency + 2)
    return SyncEngine(
        store,
        client,
        SyncSettings(concurrency=settings.sync_concurrency, retention_s=settings.personal_data_retention_s),
        on_progress=on_progress,
        app_version=__version__,
    )


def open_backend_client(
    settings: KioskSettings, where: Locations, *, max_connections: int = 8
) -> BackendClient:
    """A client signed with this kiosk's device credentials; raises CredentialsError when the
    kiosk is not enrolled."""
    return BackendClient(
        settings.backend_url,
        DeviceCredentials.load(where.device_credentials),
        max_connections=max_connections,
    )
