"""Parsing untrusted XML into an ElementTree that remembers line numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

from rencontre.engine.messages import N_

from .errors import ImportProblems, Problem


class _EntityDeclared(Exception):
    """An entity declaration, refused: entities are how "billion laughs" files blow up."""


def parse_xml(data: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The root element of ``data`` and the line each element starts on.

    Refuses a document that declares entities (no entity is ever expanded or fetched) and a
    malformed document, raising ImportProblems with the line and column of the fault.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        lines[builder.start(tag, attributes)] = parser.CurrentLineNumber

    def refuse(*_: object) -> None:
        raise _EntityDeclared

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except _EntityDeclared:
        place = f"line {parser.CurrentLineNumber}"
        raise ImportProblems([Problem(place, N_("entity declarations are not accepted"))]) from None
    except expat.ExpatError as error:
        place = f"line {error.lineno}, column {error.offset + 1}"
        raise ImportProblems([Problem(place, N_("not well-formed XML: {error}"),
                                      {"error": expat.errors.messages[error.code]})]) from None
    return builder.close(), lines
