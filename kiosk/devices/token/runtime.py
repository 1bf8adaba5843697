"""The token slot as the settings describe it: the module, where SoftHSM keeps its keys when
SoftHSM is the module, and the key kind renewals make."""

from __future__ import annotations

from kiosk.config.locations import Locations
from kiosk.config.settings import KioskSettings
from kiosk.devices.token.keys import KeyKind
from kiosk.devices.token.module import Pkcs11Module
from kiosk.devices.token.softhsm import SoftHsm


def softhsm_for(settings: KioskSettings, where: Locations) -> SoftHsm | None:
    """The kiosk's own SoftHSM folder, when the module is SoftHSM and no other is configured."""
    if settings.token_softhsm_conf is not None or "softhsm" not in settings.token_module.name:
        return None
    return SoftHsm(where.data_dir / "softhsm").ensure()


def open_token_module(settings: KioskSettings, where: Locations) -> Pkcs11Module:
    local = softhsm_for(settings, where)
    return Pkcs11Module(
        settings.token_module,
        rescan_by_reinitialize=settings.token_rescan_by_reinitialize,
        slots=settings.token_slots,
        softhsm_conf=local.conf if local else settings.token_softhsm_conf,
    )


def key_kind(settings: KioskSettings) -> KeyKind:
    return KeyKind(settings.token_key_kind)
