"""Settings: defaults embedded here, overridden by the TOML file (kiosk.toml in the config
location), overridden by KIOSK_* environment variables. Loaded after the first paint, because
pydantic costs a fifth of a second to import."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from kiosk.config.locations import Locations, locations
from kiosk.core.shipped_data import SHIPPED_DATA

# The demo staff PIN is 246810 (README). A real kiosk sets its own hash: `kiosk hash-pin`.
DEMO_STAFF_PIN_HASH = "scrypt$16384$8$1$ZGVtby1raW9zay1zYWx0$or90a73UY1SFD1iD7iCiO3iWjTuailQbJfRhQszYi2E="


class KioskSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KIOSK_", extra="forbid", validate_default=True)

    kiosk_id: str = Field("hall-01", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    hall_name: str = "东方中讯自助服务大厅"
    language: Literal["zh", "en"] = "zh"
    idle_timeout_s: float = Field(120.0, gt=0)
    idle_countdown_s: float = Field(15.0, gt=0)
    staff_pin_hash: str = Field(DEMO_STAFF_PIN_HASH, pattern=r"^scrypt\$")
    backend_url: str = Field("http://127.0.0.1:8470", pattern=r"^https?://")
    sync_concurrency: int = Field(4, ge=1, le=16)  # orders sent side by side
    # Personal data and images stay this long after the backend has them (a rejection can
    # still be fixed at the kiosk), then leave it.
    personal_data_retention_s: float = Field(7 * 24 * 3600, ge=0)
    catalog_path: Path = SHIPPED_DATA / "catalog.json"
    token_policy_path: Path = SHIPPED_DATA / "tokens.json"
    # The token slot: the key vendor's PKCS#11 module. The embedded default is SoftHSM with its
    # keys in the kiosk's data folder (softhsm/), unless token_softhsm_conf names another.
    token_module: Path = Path("/usr/lib/softhsm/libsofthsm2.so")
    token_softhsm_conf: Path | None = None
    # SoftHSM sees a newly added key only after C_Initialize; a vendor module reports
    # insertions itself and keeps this off.
    token_rescan_by_reinitialize: bool = True
    token_slots: list[int] = Field(default_factory=list)  # empty: every slot
    token_poll_s: float = Field(1.0, gt=0, le=10)
    token_key_kind: Literal["ec", "rsa", "sm2"] = "ec"
    # The vendor's published SO PIN of the blank keys the hall sells. Instant issuance
    # replaces it (with a fresh PIN held by the backend) before the key leaves the counter.
    token_factory_so_pin: str = Field("12345678", min_length=4, max_length=32)
    # The document camera: a device number ("0"), a network address, an image sequence
    # ("/srv/pages/p-%03d.png") or a video file. Empty: the demo video the kiosk generates in
    # its data folder (camera/demo.mp4), played in a loop.
    camera_source: str = ""
    camera_loop: bool = True  # a video file starts again at its end (the demo)
    camera_steady_s: float = Field(1.0, ge=0.2, le=10)  # still this long before capturing by itself
    # Folders offered for importing pictures (a USB stick is mounted under one of these).
    camera_import_dirs: list[Path] = Field(
        default_factory=lambda: [Path("/media"), Path("/run/media"), Path("/mnt")]
    )

    # The printer: a CUPS queue's name, or empty for the PDF spool folder (<data>/print-spool),
    # which keeps only the last printer_spool_keep jobs. printer_cups_server: cupsd's socket
    # path or host:port; empty means CUPS_SERVER or the system's /run/cups/cups.sock.
    printer_queue: str = Field("", pattern=r"^[A-Za-z0-9_.-]*$", max_length=127)
    printer_cups_server: str = ""
    printer_spool_keep: int = Field(10, ge=1, le=1000)
    # Where the QR on every form and receipt leads: the CA's page for following an order.
    order_follow_url: str = Field(
        "https://www.exca.org/kiosk/order/{order_id}", pattern=r"^https?://.*\{order_id\}"
    )
    # How often the payment screen asks whether the subscriber has paid (the provider's own
    # notice reaches the backend, not the kiosk).
    payment_poll_s: float = Field(2.0, gt=0, le=30)

    @model_validator(mode="after")
    def _catalog_exists(self) -> KioskSettings:
        for name in ("catalog_path", "token_policy_path"):
            if not getattr(self, name).is_file():
                raise ValueError(f"{name} {getattr(self, name)} is not a file")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


class SettingsError(RuntimeError):
    """The settings file or environment holds a bad value; the message says which."""


def load_settings(where: Locations | None = None, **overrides: object) -> KioskSettings:
    config_file = (where or locations()).config_file

    class FromFile(KioskSettings):
        model_config = SettingsConfigDict(toml_file=config_file)

    try:
        return FromFile(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or 'settings'}: {issue['msg']}"
            for issue in error.errors()
        )
        raise SettingsError(f"bad kiosk settings ({config_file} or KIOSK_*): {problems}") from None
    except (OSError, ValueError) as error:  # unreadable or malformed TOML
        raise SettingsError(f"cannot read the kiosk settings {config_file}: {error}") from None


def with_demo_backend(settings: KioskSettings, where: Locations) -> KioskSettings:
    """A demo home's settings with the address its backend took when the demo started; a real
    kiosk has no such file and keeps its settings (`kiosk doctor`, `kiosk remote`)."""
    try:
        url = where.demo_backend_url.read_text().strip()
    except OSError:
        return settings
    return settings.model_copy(update={"backend_url": url}) if url else settings
