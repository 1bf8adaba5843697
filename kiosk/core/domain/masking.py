"""How personal data is shown on screen: enough for the subscriber to recognise it,
not enough for the next person in the queue to read it."""

from __future__ import annotations

from kiosk.core.domain.forms import Masking


def mask(value: str, how: Masking) -> str:
    value = value.strip()
    if not value or how is Masking.NONE:
        return value
    if how is Masking.ID:
        return _keep(value, 4, 4)  # 5001**********123X
    if how is Masking.PHONE:
        return _keep(value, 3, 4)  # 138****5678
    if how is Masking.ACCOUNT:
        return _keep(value, 0, 4)
    if how is Masking.NAME:
        return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"
    if how is Masking.EMAIL:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}" if domain else _keep(value, 1, 0)
    # An address keeps its first part (province and city), the rest is hidden.
    return value[:6] + "****" if len(value) > 6 else "****"


def _keep(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + (value[-tail:] if tail else "")
