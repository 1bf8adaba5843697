"""The backend's settings: environment (CA_BACKEND_*) over defaults. Everything it keeps lives
under one home folder: the database, the CA's keys, the data key, attachments."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

DEFAULT_PORT = 8470


@dataclass(frozen=True)
class BackendSettings:
    home: Path
    host: str = "127.0.0.1"  # loopback unless a field hub is deliberately exposed
    port: int = DEFAULT_PORT
    sms_code_ttl_s: int = 300
    sms_resend_after_s: int = 60
    sms_per_phone_per_hour: int = 5
    sms_per_device_per_hour: int = 30
    code_attempts: int = 5  # wrong codes before a code is void
    wrong_codes_per_device_per_hour: int = 20
    session_ttl_s: int = 1800
    payment_ttl_s: int = 900
    grant_ttl_s: int = 300  # the ceiling: at most 5 minutes
    auto_approve_after_s: float | None = None  # demo policy; None: a reviewer decides
    auto_ship_after_s: float | None = None  # demo policy: paid orders go out (or are collected)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.home / "backend.sqlite3"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def attachments_dir(self) -> Path:
        return self.home / "attachments"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


def load_backend_settings(home: Path | None = None, **overrides: object) -> BackendSettings:
    """Defaults, then CA_BACKEND_<NAME> from the environment, then explicit overrides."""
    home = home or Path(os.environ.get("CA_BACKEND_HOME", ".ca-backend"))
    values: dict[str, object] = {}
    for spec in fields(BackendSettings):
        raw = os.environ.get(f"CA_BACKEND_{spec.name.upper()}")
        if raw is None or spec.name in {"home", "extra"}:
            continue
        if spec.name == "host":
            values[spec.name] = raw
        elif spec.name in {"auto_approve_after_s", "auto_ship_after_s"}:
            values[spec.name] = float(raw) if raw else None
        else:
            values[spec.name] = int(raw)
    values.update({key: value for key, value in overrides.items() if value is not None})
    return BackendSettings(home=home.resolve(), **values)  # type: ignore[arg-type]
