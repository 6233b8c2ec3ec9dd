"""Streams and interpretation channels of sessions and rooms: links, model, commands."""
