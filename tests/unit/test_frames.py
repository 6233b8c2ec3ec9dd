"""Frames written as they are to many clients, and parts encoded once for many frames."""

from __future__ import annotations

import json

from rencontre.server.frames import _MARK, Encoded, encode, text_frame


def test_an_encoded_part_reads_back_as_the_value_it_stands_for():
    programme = {"sessions": [{"id": "s01", "title": {"fr": "Ouverture «ville»"}}]}
    message = {"type": "reply", "result": {"programme": Encoded(programme), "n": 1},
               "also": [Encoded([1, 2]), Encoded("x")]}
    assert json.loads(encode(message)) == {
        "type": "reply", "result": {"programme": programme, "n": 1}, "also": [[1, 2], "x"]}


def test_text_that_imitates_the_stand_in_stays_text():
    forged = f"{_MARK}0"
    message = {"text": forged, "programme": Encoded({"ok": True})}
    assert json.loads(encode(message)) == {"text": forged, "programme": {"ok": True}}


def test_frame_headers_follow_the_payload_length():
    assert text_frame(b"hi")[:2] == b"\x81\x02"
    assert text_frame(b"x" * 200)[:4] == b"\x81\x7e\x00\xc8"
    assert text_frame(b"x" * 70_000)[:2] == b"\x81\x7f"
