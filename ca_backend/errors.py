"""A refusal the API turns into its HTTP status and a `Problem` body, in Chinese and English."""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.core.contract import Problem
from kiosk.core.i18n import Text


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: Text,
        fields: Mapping[str, Text] | None = None,
        retry_after_s: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        self.retry_after_s = retry_after_s

    def problem(self) -> Problem:
        return Problem(
            code=self.code,
            message=str(self.message),
            message_en=self.message.say("en"),
            fields={key: str(value) for key, value in self.fields.items()},
            fields_en={key: value.say("en") for key, value in self.fields.items()},
        )


def not_found(what: Text | None = None) -> ApiError:
    return ApiError(404, "not_found", what or Text("没有找到该订单"))


def conflict(code: str, message: Text) -> ApiError:
    return ApiError(409, code, message)


def unprocessable(code: str, message: Text, fields: Mapping[str, Text] | None = None) -> ApiError:
    return ApiError(422, code, message, fields)
