"""Just enough IPP (RFC 8010/8011) to print through CUPS and follow the job: requests are
encoded and responses decoded here, and sent over HTTP to cupsd's local socket with httpx.

Why not lp/lpstat: their output is for people (localised, and a completed job looks the same
as a cancelled one), and pycups needs libcups headers to build. IPP gives the job's and the
printer's states as numbers and keywords."""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Operations (RFC 8011 §5.4.15)
PRINT_JOB = 0x0002
CANCEL_JOB = 0x0008
GET_JOB_ATTRIBUTES = 0x0009
GET_PRINTER_ATTRIBUTES = 0x000B

# Delimiter tags
OPERATION_GROUP = 0x01
JOB_GROUP = 0x02
END_OF_ATTRIBUTES = 0x03
PRINTER_GROUP = 0x04

# Value tags
INTEGER = 0x21
BOOLEAN = 0x22
ENUM = 0x23
TEXT = 0x41
NAME = 0x42
KEYWORD = 0x44
URI = 0x45
CHARSET = 0x47
NATURAL_LANGUAGE = 0x48
MIME_MEDIA_TYPE = 0x49
_STRINGS = {TEXT, NAME, KEYWORD, URI, CHARSET, NATURAL_LANGUAGE, MIME_MEDIA_TYPE, 0x46, 0x4A}

# Status codes the kiosk tells apart (RFC 8011 §B)
SUCCESSFUL_OK = 0x0000
CLIENT_ERROR_NOT_FOUND = 0x0406
SERVER_ERROR_NOT_ACCEPTING_JOBS = 0x0506

_request_ids = itertools.count(1)

Value = int | bool | str | bytes


@dataclass(frozen=True)
class Attribute:
    name: str
    tag: int
    values: Sequence[Value]


@dataclass
class Response:
    status: int
    groups: list[tuple[int, dict[str, list[Value]]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status < 0x0100  # the successful-* range

    def group(self, tag: int) -> dict[str, list[Value]]:
        """The first group with this delimiter tag (empty if none)."""
        return next((attributes for found, attributes in self.groups if found == tag), {})

    def first(self, tag: int, name: str, default: Value | None = None) -> Value | None:
        values = self.group(tag).get(name)
        return values[0] if values else default


class IppError(ValueError):
    """A response that is not IPP (truncated, or from something that is not cupsd)."""


def operation_attributes(printer_uri: str, user: str, *extra: Attribute) -> list[Attribute]:
    """The attributes every request starts with, in the order RFC 8011 requires."""
    return [
        Attribute("attributes-charset", CHARSET, ["utf-8"]),
        Attribute("attributes-natural-language", NATURAL_LANGUAGE, ["en"]),  # messages for the log
        Attribute("printer-uri", URI, [printer_uri]),
        Attribute("requesting-user-name", NAME, [user]),
        *extra,
    ]


def encode_request(
    operation: int,
    groups: Mapping[int, Iterable[Attribute]],
    document: bytes = b"",
    request_id: int | None = None,
) -> bytes:
    out = bytearray(struct.pack(">BBHI", 2, 0, operation, request_id or next(_request_ids)))
    for tag, attributes in groups.items():
        out.append(tag)
        for attribute in attributes:
            for number, value in enumerate(attribute.values):
                name = attribute.name.encode() if number == 0 else b""  # further values: no name
                raw = _encode_value(attribute.tag, value)
                out += struct.pack(">BH", attribute.tag, len(name)) + name
                out += struct.pack(">H", len(raw)) + raw
    out.append(END_OF_ATTRIBUTES)
    return bytes(out) + document


def decode_response(data: bytes) -> Response:
    if len(data) < 9:
        raise IppError(f"an IPP response needs at least 9 bytes, got {len(data)}")
    _major, _minor, status, _request_id = struct.unpack_from(">BBHI", data)
    response = Response(status)
    position = 8
    current: dict[str, list[Value]] | None = None
    last_name = ""
    try:
        while position < len(data):
            tag = data[position]
            position += 1
            if tag == END_OF_ATTRIBUTES:
                break
            if tag < 0x10:  # a delimiter: a new group
                current = {}
                response.groups.append((tag, current))
                continue
            (name_length,) = struct.unpack_from(">H", data, position)
            position += 2
            name = data[position : position + name_length].decode()
            position += name_length
            (value_length,) = struct.unpack_from(">H", data, position)
            position += 2
            raw = data[position : position + value_length]
            if len(raw) != value_length:
                raise IppError("an IPP attribute runs past the end of the response")
            position += value_length
            if current is None:
                raise IppError("an IPP attribute outside any group")
            if name:
                last_name = name
                current[name] = []
            current.setdefault(last_name, []).append(_decode_value(tag, raw))
    except (struct.error, UnicodeDecodeError) as error:
        raise IppError(f"malformed IPP response: {error}") from None
    return response


def _encode_value(tag: int, value: Value) -> bytes:
    if tag in (INTEGER, ENUM):
        return struct.pack(">i", int(value))
    if tag == BOOLEAN:
        return b"\x01" if value else b"\x00"
    if isinstance(value, bytes):
        return value
    return str(value).encode()


def _decode_value(tag: int, raw: bytes) -> Value:
    if tag in (INTEGER, ENUM) and len(raw) == 4:
        return int(struct.unpack(">i", raw)[0])
    if tag == BOOLEAN and len(raw) == 1:
        return raw != b"\x00"
    if tag in _STRINGS:
        return raw.decode("utf-8", errors="replace")
    return raw  # dates, resolutions, ranges, collections: not needed here
