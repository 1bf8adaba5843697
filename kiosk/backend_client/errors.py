"""The four ways a call to the backend can fail, each with a message for a person.

- `Offline`: no answer at all (no route, refused connection, timeout, dropped connection).
  Nothing is known about whether the backend acted; the kiosk retries later.
- `Refused`: the backend does not accept this kiosk or this subscriber's session (401/403).
- `Rejected`: the backend understood and said no, with its reason (404, 409, 422, 429 ...).
- `ServerFault`: the backend failed (5xx) or answered outside the contract.
"""

from __future__ import annotations

from kiosk.core.i18n import Language, Text


class BackendError(Exception):
    """A failed call. `say(language)` is what a person reads; `retryable` tells the sync
    whether sending the same request again may succeed."""

    retryable = True

    def __init__(
        self,
        message: Text,
        *,
        message_en: str | None = None,
        status: int | None = None,
        code: str | None = None,
        retry_after_s: float | None = None,
        fields: dict[str, str] | None = None,
        fields_en: dict[str, str] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.message_en = message_en if message_en is not None else message.say("en")
        self.status = status
        self.code = code
        self.retry_after_s = retry_after_s
        self.fields = fields or {}
        self.fields_en = fields_en or {}

    def say(self, language: Language) -> str:
        return self.message_en if language == "en" else str(self.message)

    def summary(self) -> str:
        """One line for the outbox and the staff dashboard: no personal data, no body."""
        parts = [type(self).__name__]
        if self.status is not None:
            parts.append(str(self.status))
        if self.code:
            parts.append(self.code)
        return f"{' '.join(parts)}: {self.message_en}"


class Offline(BackendError):
    pass


class Refused(BackendError):
    """Device credentials or a session the backend does not accept. Retrying the same request
    will not help until staff fix the enrolment or the subscriber signs in again."""

    retryable = False


class Rejected(BackendError):
    """The backend's reasoned 'no'. Only 'too many requests' is worth retrying, later."""

    @property
    def retryable(self) -> bool:  # type: ignore[override]
        return self.status == 429


class ServerFault(BackendError):
    pass
