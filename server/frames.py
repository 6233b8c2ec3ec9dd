"""Websocket frames built once and written as they are to many connections."""

from __future__ import annotations

import json
import struct
from typing import Any


def text_frame(payload: bytes) -> bytes:
    """An unmasked, uncompressed, final text frame carrying ``payload`` (RFC 6455 §5.2)."""
    length = len(payload)
    if length < 126:
        header = bytes((0x81, length))
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, length)
    else:
        header = struct.pack("!BBQ", 0x81, 127, length)
    return header + payload


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()


def message_frame(message: dict[str, Any]) -> bytes:
    return text_frame(encode(message))
