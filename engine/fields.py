"""Declarative checks for the ``data`` of a command.

Each command declares its fields; the engine checks a command's data before
any handler sees it, so handlers can trust types and lengths.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rencontre.engine.messages import N_, Refusal
from rencontre.engine.text import is_text

_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")
# C0 and C1 controls (line breaks included) and DEL: a one-line text such as a title goes into
# calendar names, page titles and file headers, where they break or hide things.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


# What a field is called in a sentence, for the fields people fill in: an error says "the
# field “titre”" in French rather than the protocol's "title" (see label_of). Fields without a
# label (ids, hashes, flags set by the pages themselves) keep their protocol name.
FIELD_LABELS: dict[str, str] = {
    "abstract": N_("abstract"), "badge": N_("badge"), "choices": N_("choices"),
    "city": N_("city"), "country": N_("country"), "delegation": N_("delegation"),
    "end": N_("end"), "flag": N_("flag or logo"), "kind": N_("kind"), "label": N_("label"),
    "language": N_("language"), "languages": N_("languages"), "minutes": N_("minutes"),
    "name": N_("name"), "options": N_("options"), "organisation": N_("organisation"),
    "people": N_("people"), "question": N_("question"), "reason": N_("reason"),
    "registration": N_("registration"), "room": N_("room"), "session": N_("session"),
    "speakers": N_("speakers"), "start": N_("start"), "text": N_("text"),
    "texts": N_("texts"), "title": N_("title"), "track": N_("track"), "url": N_("address"),
    "words": N_("words"),
}


def label_of(field: str, gettext: Callable[[str], str]) -> str:
    """``field`` as a reader calls it: its label translated by ``gettext``, with the language
    of a per-language text (``title.fr`` is "title (fr)"); the protocol name when it has no
    label."""
    base, _, rest = field.partition(".")
    label = FIELD_LABELS.get(base)
    if label is None:
        return field
    return f"{gettext(label)} ({rest})" if rest else gettext(label)


def invalid(name: str, message: str, **params: Any) -> Refusal:
    """A ``request.invalid`` refusal for field ``name``; ``message`` is marked with ``N_``."""
    return Refusal("request.invalid", message, field=name, **params)


def not_text(name: str) -> Refusal:
    """The refusal of a string that holds a lone surrogate, which no log can save."""
    return invalid(name, N_("Field “{field}” holds characters that are not valid text."))


@dataclass(frozen=True)
class Field:
    optional: bool = False

    def check(self, name: str, value: Any) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Field):
    """A string, stripped of surrounding space, between ``min`` and ``max`` characters;
    ``line``: one line, without control characters."""

    min: int = 1
    max: int = 200
    line: bool = False

    def check(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise invalid(name, N_("Field “{field}” must be text."))
        if not is_text(value):
            raise not_text(name)
        value = value.strip()
        if not self.min <= len(value) <= self.max:
            raise invalid(name, N_("Field “{field}” must be {min} to {max} characters long."),
                          min=self.min, max=self.max)
        if self.line and CONTROL.search(value):
            raise invalid(name, N_("Field “{field}” must be one line, without control "
                                   "characters."))
        return value

    def describe(self) -> str:
        return f"string, {self.min}–{self.max} characters"


@dataclass(frozen=True)
class Id(Field):
    """An identifier: letters, digits and ``_.:-``, at most 80 characters."""

    def check(self, name: str, value: Any) -> str:
        if not isinstance(value, str) or not _ID.match(value):
            raise invalid(name, N_("Field “{field}” must be an identifier."))
        return value

    def describe(self) -> str:
        return "identifier"


@dataclass(frozen=True)
class Int(Field):
    min: int = 0
    max: int = 2**31

    def check(self, name: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(name, N_("Field “{field}” must be a whole number."))
        if not self.min <= value <= self.max:
            raise invalid(name, N_("Field “{field}” must be between {min} and {max}."),
                          min=self.min, max=self.max)
        return value

    def describe(self) -> str:
        return f"integer, {self.min}–{self.max}"


@dataclass(frozen=True)
class Bool(Field):
    def check(self, name: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise invalid(name, N_("Field “{field}” must be true or false."))
        return value

    def describe(self) -> str:
        return "boolean"


@dataclass(frozen=True)
class Choice(Field):
    values: tuple[str, ...] = ()

    def check(self, name: str, value: Any) -> str:
        if value not in self.values:
            raise invalid(name, N_("Field “{field}” must be one of: {values}."),
                          values=", ".join(self.values))
        return value

    def describe(self) -> str:
        return "one of " + ", ".join(f"`{v}`" for v in self.values)


@dataclass(frozen=True)
class Localized(Field):
    """Text per language: ``{"fr": ..., "es": ..., "en": ...}``, at least one; ``line``: each
    one line, as for :class:`Text`."""

    max: int = 200
    languages: tuple[str, ...] = ("fr", "es", "en")
    line: bool = False

    def check(self, name: str, value: Any) -> dict[str, str]:
        if not isinstance(value, dict) or not value:
            raise invalid(name, N_("Field “{field}” must hold a text per language."))
        out = {}
        for lang, text in value.items():
            if lang not in self.languages:
                raise invalid(name, N_("Field “{field}” has an unknown language “{lang}”."),
                              lang=str(lang))
            out[lang] = Text(max=self.max, line=self.line).check(f"{name}.{lang}", text)
        return out

    def describe(self) -> str:
        return f"texts per language (fr, es, en), each up to {self.max} characters"


@dataclass(frozen=True)
class Texts(Localized):
    """One text (in a language the command names) or :class:`Localized` texts per language."""

    def check(self, name: str, value: Any) -> str | dict[str, str]:
        if isinstance(value, str):
            return Text(max=self.max).check(name, value)
        return super().check(name, value)

    def describe(self) -> str:
        return f"string, or texts per language (fr, es, en), each up to {self.max} characters"


@dataclass(frozen=True)
class TextsList(Field):
    """A list of ``min_items`` to ``max_items`` items, each checked like :class:`Texts`."""

    min_items: int = 0
    max_items: int = 10
    max: int = 200

    def check(self, name: str, value: Any) -> list[str | dict[str, str]]:
        if not isinstance(value, list) or not self.min_items <= len(value) <= self.max_items:
            raise invalid(name, N_("Field “{field}” must be a list of {min} to {max} texts."),
                          min=self.min_items, max=self.max_items)
        return [Texts(max=self.max).check(f"{name}.{i}", item) for i, item in enumerate(value)]

    def describe(self) -> str:
        return (f"list of {self.min_items}–{self.max_items} strings or texts per language, "
                f"each up to {self.max}")


@dataclass(frozen=True)
class TextList(Field):
    """A list of ``min_items`` to ``max_items`` texts, each checked like :class:`Text`."""

    min_items: int = 1
    max_items: int = 10
    max: int = 200

    def check(self, name: str, value: Any) -> list[str]:
        if not isinstance(value, list) or not self.min_items <= len(value) <= self.max_items:
            raise invalid(name, N_("Field “{field}” must be a list of {min} to {max} texts."),
                          min=self.min_items, max=self.max_items)
        return [Text(max=self.max).check(f"{name}.{i}", text) for i, text in enumerate(value)]

    def describe(self) -> str:
        return f"list of {self.min_items}–{self.max_items} strings, each up to {self.max}"


@dataclass(frozen=True)
class IntList(Field):
    """A list of at most ``max_items`` integers between ``min`` and ``max``."""

    max_items: int = 10
    min: int = 0
    max: int = 2**31

    def check(self, name: str, value: Any) -> list[int]:
        if not isinstance(value, list) or len(value) > self.max_items:
            raise invalid(name, N_("Field “{field}” must be a list of at most {max} numbers."),
                          max=self.max_items)
        return [Int(min=self.min, max=self.max).check(f"{name}.{i}", item)
                for i, item in enumerate(value)]

    def describe(self) -> str:
        return f"list of at most {self.max_items} integers"


@dataclass(frozen=True)
class Blob(Field):
    """A JSON value checked by the handler itself, bounded by its encoded size."""

    max_items: int = 10_000

    def check(self, name: str, value: Any) -> Any:
        if not isinstance(value, dict | list):
            raise invalid(name, N_("Field “{field}” must be an object or a list."))
        if len(value) > self.max_items:
            raise invalid(name, N_("Field “{field}” may hold at most {max} items."),
                          max=self.max_items)
        return value

    def describe(self) -> str:
        return "object or list, checked by the command"


def client_fields(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """The fields a client may send to a command that mints secrets (its ``prepare``);
    anything else, a minted field included, is refused as by :func:`check_fields`."""
    unknown = set(data) - set(names)
    if unknown:
        raise invalid(sorted(map(str, unknown))[0], N_("“{field}” is not a field of this command."))
    return {name: data[name] for name in names if name in data}


def check_fields(fields: dict[str, Field], data: Any) -> dict[str, Any]:
    """Return ``data`` with every field checked and normalised; refuse extra fields."""
    if not isinstance(data, dict):
        raise Refusal("request.invalid", N_("The command's data must be an object."))
    unknown = set(data) - set(fields)
    if unknown:
        raise invalid(sorted(unknown)[0], N_("“{field}” is not a field of this command."))
    out: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in data or data[name] is None:
            if not spec.optional:
                raise Refusal("request.missing", N_("Field “{field}” is required."), field=name)
            continue
        out[name] = spec.check(name, data[name])
    return out
