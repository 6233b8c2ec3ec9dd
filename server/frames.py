"""Websocket frames built once and written as they are to many connections."""

from __future__ import annotations

import json
import secrets
import struct
from typing import Any

# Stands in for an Encoded value while the rest of a message is encoded. JSON escapes
# the NUL, and the random part cannot be guessed, so no text can imitate it.
_MARK = f"\x00{secrets.token_hex(8)}:"
_ESCAPED_MARK = json.dumps(_MARK)[1:-1].encode()


class Encoded:
    """A value already encoded as JSON, written into messages as it is.

    For a large part that many messages share, such as the programme in every
    ``auth.hello`` answer: it is encoded once per change instead of once per client.
    """

    __slots__ = ("json",)

    def __init__(self, value: Any) -> None:
        self.json = encode(value)


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


def encode(message: Any) -> bytes:
    """Compact UTF-8 JSON; :class:`Encoded` values are spliced in as they are."""
    fragments: list[bytes] = []

    def default(value: Any) -> str:
        if isinstance(value, Encoded):
            fragments.append(value.json)
            return f"{_MARK}{len(fragments) - 1}"
        raise TypeError(f"{type(value).__name__} is not JSON serializable")

    text = json.dumps(message, separators=(",", ":"), ensure_ascii=False,
                      default=default).encode()
    if text.count(_ESCAPED_MARK) != len(fragments):
        # Only a text that knows this process's mark gets here: splice nothing.
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False,
                          default=lambda value: json.loads(value.json)).encode()
    for index, fragment in enumerate(fragments):
        text = text.replace(b'"%s%d"' % (_ESCAPED_MARK, index), fragment, 1)
    return text


def message_frame(message: dict[str, Any]) -> bytes:
    return text_frame(encode(message))
