"""Where the kiosk keeps its files. KIOSK_HOME puts everything under one folder (tests, demo,
a kiosk image); without it the platform's standard places are used."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "ca-kiosk"


@dataclass(frozen=True)
class Locations:
    config_file: Path
    data_dir: Path
    key_file: Path  # the store's key: outside the database, mode 0600
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "kiosk.db"

    @property
    def demo_backend_url(self) -> Path:
        """Where `kiosk demo` writes the address its backend took (a port chosen at start)."""
        return self.data_dir / "demo-backend-url"

    @property
    def device_credentials(self) -> Path:
        """The kiosk's enrolment with the backend (`ca-backend device enroll --out`), mode 0600."""
        return self.key_file.parent / "device.json"


def locations(home: str | os.PathLike[str] | None = None) -> Locations:
    home = home or os.environ.get("KIOSK_HOME")
    if home:
        base = Path(home).expanduser().resolve()
        return Locations(
            config_file=base / "kiosk.toml",
            data_dir=base / "data",
            key_file=base / "keys" / "store.key",
            log_dir=base / "logs",
        )
    import platformdirs

    return Locations(
        config_file=platformdirs.user_config_path(APP_NAME) / "kiosk.toml",
        data_dir=platformdirs.user_data_path(APP_NAME),
        key_file=platformdirs.user_config_path(APP_NAME) / "keys" / "store.key",
        log_dir=platformdirs.user_log_path(APP_NAME),
    )
