"""The French and Spanish catalogs cover every string the server and the pages show.

The extraction runs in-process with the method map of ``babel.cfg``, exactly as
``pybabel extract -F babel.cfg -k N_ -k _ -k Nn_:1,2`` does, so a new ``N_("...")`` or
``{{ _("...") }}`` without a translation fails here. See docs/i18n.md.
"""

from __future__ import annotations

import re
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from rencontre.server.i18n import LANGUAGES, negotiate, ngettext, pick_language, translate

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "_": None, "Nn_": (1, 2)}  # -k N_ -k _ -k Nn_:1,2


@cache
def extracted() -> dict[str, list[str]]:
    """Every msgid found by the babel.cfg method map, with where it was found."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@cache
def po(lang: str) -> Catalog:
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a str.format string (raises on unbalanced braces)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    """The text of a translation, or each form of a plural one (empty when untranslated)."""
    return (string,) if isinstance(string, str) else tuple(string) or ("",)


def translations(lang: str) -> list[tuple[str, str]]:
    """(msgid, translation) pairs; a plural message gives each form (paired with itself)."""
    pairs = []
    for message in po(lang):
        if not message.id:
            continue
        if isinstance(message.id, str):
            pairs.append((message.id, message.string))
        else:  # each form; test_translations_keep_the_placeholders checks them its own way
            pairs += [(form, form) for form in forms(message.string)]
    return pairs


def test_extraction_finds_python_template_and_script_strings() -> None:
    from rencontre.server.jsmessages import JS_MESSAGES

    found = extracted()
    assert "Hello, {name}" in found, "a template _() call with keyword arguments"
    assert "Moderator sign-in" in found, "a template _() call"
    assert "Field “{field}” is required." in found, "an N_() in a Refusal"
    assert set(JS_MESSAGES) <= set(found), "server/jsmessages.py"
    assert not any("tests/" in place for places in found.values() for place in places)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_extracted_message_is_translated(lang: str) -> None:
    catalog = po(lang)
    problems = []
    for msgid, places in sorted(extracted().items()):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r} ({', '.join(places)})")
        elif not all(form.strip() for form in forms(message.string)):
            problems.append(f"untranslated: {msgid!r} ({', '.join(places)})")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r} ({', '.join(places)})")
    assert not problems, (
        f"locales/{lang}/LC_MESSAGES/messages.po needs work (see docs/i18n.md):\n  "
        + "\n  ".join(problems))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang: str) -> None:
    wrong = [(msgid, text) for msgid, text in translations(lang)
             if text and placeholders(text) != placeholders(msgid)]
    # A counted message's forms may leave {count} out ("La session suivante…"), nothing else.
    for message in po(lang):
        if isinstance(message.id, tuple):
            given = placeholders(message.id[0]) | placeholders(message.id[1])
            wrong += [(message.id[0], form) for form in forms(message.string)
                      if form and not given - {"count"} <= placeholders(form) <= given]
    assert not wrong, f"{lang}: placeholders differ: {wrong}"


def test_french_typography_is_consistent() -> None:
    """Guillemets, not English quotes; a narrow no-break space before : ; ? ! and inside « »."""
    bad = []
    for msgid, text in translations("fr"):
        if not text:
            continue
        if re.search(r"[“”\"]", text) or "'" in text:
            bad.append((msgid, text, "English quotes or straight apostrophe"))
        # Punctuation, not code such as "?lang=fr" or "https://".
        if re.search(r"(?<!\u202f)[:;?!](?=\s|$)", text) or re.search(
                r"«(?!\u202f)|(?<!\u202f)»", text):
            bad.append((msgid, text, "missing narrow no-break space (U+202F)"))
    assert not bad, bad


def script_messages(source: str) -> set[str]:
    """String literals inside the t(...) calls of a script, and in i18n.js's STATES table."""
    found = set()
    for call in re.finditer(r"\bt\(", source):
        depth, end = 1, call.end()
        while depth and end < len(source):
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            end += 1
        found.update(re.findall(r'"((?:[^"\\]|\\.)+)"', source[call.end():end - 1]))
    table = re.search(r"const STATES = \{(.*?)\};", source, re.DOTALL)
    if table:
        found.update(re.findall(r':\s*"([^"]+)"', table.group(1)))
    return found


def script_plurals(source: str) -> set[tuple[str, str]]:
    """The (singular, plural) of the tn(...) calls of a script."""
    return set(re.findall(r'\btn\(\s*"((?:[^"\\]|\\.)+)",\s*"((?:[^"\\]|\\.)+)"', source))


def test_script_counts_are_listed_and_take_plural_forms() -> None:
    """Every tn() of the scripts is in JS_PLURALS, translated in every form; no script builds
    a plural by hand any more ("count === 1 ? … : …")."""
    from rencontre.server.jsmessages import JS_PLURALS
    from rencontre.server.views import js_plurals

    used: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "static" / "js").glob("*.js")):
        source = path.read_text(encoding="utf-8")
        used |= script_plurals(source)
        assert not re.search(r"=== 1 \? t\(", source), path
    assert ("{count} vote", "{count} votes") in used, "the scan is broken"
    assert used <= set(JS_PLURALS), f"add to JS_PLURALS: {sorted(used - set(JS_PLURALS))}"
    assert js_plurals("fr")["{count} vote"] == ["{count} vote", "{count} votes"]
    assert js_plurals("es")["{count} ballot"] == ["{count} persona votó", "{count} personas votaron"]


def test_script_strings_are_listed_for_extraction() -> None:
    """Every string the scripts pass to t() is in server/jsmessages.py, so it gets translated."""
    from rencontre.server.jsmessages import JS_MESSAGES

    used: set[str] = set()
    for path in sorted((ROOT / "static" / "js").glob("*.js")):
        used |= script_messages(path.read_text(encoding="utf-8"))
    assert {"Connected", "{time} in {place}", "Nothing now", "Withdraw"} <= used, "the scan is broken"
    missing = sorted(used - set(JS_MESSAGES))
    assert not missing, f"add to server/jsmessages.py: {missing}"


def test_translate_uses_the_catalog() -> None:
    assert translate("fr", "Connected") == "Connecté"
    assert translate("es", "Connected") == "Conectado"
    assert translate("fr", "Hello, {name}", {"name": "Ana"}) == "Bonjour, Ana"
    assert translate("es", "Field “{field}” is required.", {"field": "text"}) == (
        "El campo “texto” es obligatorio.")
    assert translate("en", "Hello, {name}", {"name": "Ana"}) == "Hello, Ana"
    assert translate("fr", "A string nobody translated") == "A string nobody translated"


def test_language_negotiation() -> None:
    assert negotiate("es-MX,es;q=0.9") == "es"
    assert negotiate("fr-CA,fr;q=0.8,en;q=0.5") == "fr"
    assert negotiate("de-DE,de;q=0.9") == "en"
    assert negotiate(None) == "en"
    assert pick_language("es", "fr", "fr-FR") == "es"
    assert pick_language(None, "fr", "es-MX") == "fr"
    assert pick_language("xx", None, "es-MX") == "es"


def test_counts_take_the_plural_form_of_the_language() -> None:
    one, many = "{count} problem in {file}; nothing was imported.", \
        "{count} problems in {file}; nothing was imported."
    assert ngettext(one, many, 1, "en", file="a.ics") == "1 problem in a.ics; nothing was imported."
    assert ngettext(one, many, 2, "en", file="a.ics").startswith("2 problems")
    assert ngettext(one, many, 0, "fr", file="a.ics").startswith("0 problème dans")  # n > 1
    assert ngettext(one, many, 2, "fr", file="a.ics").startswith("2 problèmes dans")
    assert ngettext(one, many, 1, "es", file="a.ics").startswith("1 problema en")
    assert ngettext(one, many, 0, "es", file="a.ics").startswith("0 problemas en")
    assert ngettext("never translated", "never translated ({count})", 3, "fr") == (
        "never translated (3)")


def test_plural_messages_are_extracted_with_both_forms() -> None:
    found = extracted()
    assert "{count} problem in {file}; nothing was imported." in found, "ngettext() in Python"
    assert "{file} was not imported: {count} problem." in found, "ngettext() in a template"


def test_a_field_error_names_the_field_as_the_reader_calls_it() -> None:
    message = "Field “{field}” must be {min} to {max} characters long."
    params = {"field": "title.fr", "min": 1, "max": 300}
    assert translate("fr", message, params) == (
        "Le champ «\u202ftitre (fr)\u202f» doit compter de 1 à 300 caractères.")
    assert translate("es", message, {**params, "field": "organisation"}) == (
        "El campo «organización» debe tener entre 1 y 300 caracteres.")
    assert translate("en", message, params) == (
        "Field “title (fr)” must be 1 to 300 characters long.")
    # A field without a label (an id the pages fill in) keeps its protocol name.
    assert translate("fr", "Field “{field}” is required.", {"field": "code_hash"}) == (
        "Le champ «\u202fcode_hash\u202f» est obligatoire.")
