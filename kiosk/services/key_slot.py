"""The kiosk's key slot as the journeys use it: the PKCS#11 module opened on first need, the
token policy, and this CA's issuing certificates (fetched once from the backend and kept beside
the store, so the issuer check works offline too). Plain Python: a screen calls
it from thread workers, a script or a test directly."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.services.key_check import KeyCheck, check_key, issuing_certificates

if TYPE_CHECKING:
    from cryptography import x509

    from kiosk.config.locations import Locations
    from kiosk.config.settings import KioskSettings
    from kiosk.core.domain.businesses import Business
    from kiosk.core.domain.token_policy import TokenPolicy
    from kiosk.devices.token.module import Pkcs11Module

log = logging.getLogger(__name__)

CHAIN_FILE = "ca-chain.pem"


class KeySlot:
    def __init__(
        self, settings: KioskSettings, where: Locations, fetch_chain: Callable[[], str] | None = None
    ) -> None:
        self.settings, self.where = settings, where
        self._fetch_chain = fetch_chain
        self._module: Pkcs11Module | None = None
        self._policy: TokenPolicy | None = None
        self._made = threading.Lock()

    def module(self) -> Pkcs11Module:
        """Raises ModuleUnavailable (a TokenError for the subscriber) when the driver will not load."""
        from kiosk.devices.token.runtime import open_token_module

        with self._made:
            if self._module is None:
                self._module = open_token_module(self.settings, self.where)
            return self._module

    def policy(self) -> TokenPolicy:
        from kiosk.core.domain.token_policy import load_token_policy

        with self._made:
            if self._policy is None:
                self._policy = load_token_policy(self.settings.token_policy_path)
            return self._policy

    @property
    def chain_file(self) -> Path:
        return self.where.data_dir / CHAIN_FILE

    def issuers(self) -> list[x509.Certificate] | None:
        """This CA's issuers; None when never fetched and the backend cannot be asked now."""
        if not self.chain_file.exists() and self._fetch_chain is not None:
            try:
                chain = self._fetch_chain()
            except Exception as error:  # offline, or refused: the issuer is not judged this time
                log.info("CA chain not fetched: %s", error)
                return None
            self.chain_file.write_text(chain)
        if not self.chain_file.exists():
            return None
        return issuing_certificates(self.chain_file.read_text())

    def check(self, slot_id: int, business: Business) -> KeyCheck:
        """Read the key in `slot_id` (no PIN) and judge it for `business`. Raises TokenError."""
        from kiosk.devices.token import read_token

        info = read_token(self.module(), slot_id)
        return check_key(info, business, self.policy(), self.issuers())
