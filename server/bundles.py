"""A page's modules as one script, for pages that must not wait for a second round trip.

A page that links its modules pays one round trip for the page and a second for the
modules it names; on a slow phone network (400 ms) that second trip is what keeps a
live page from being usable within 1.5 s. ``bundle("js/live.js", …)`` writes the page's
entry module and every module it imports, directly, later (``import("./x.js")``) or not,
as the text of one ``<script type="module">`` to put inside the page.

Each module becomes a function that runs its body once and returns its exports, which keeps
what the modules rely on: a module runs once, after the modules it imports, its names stay
its own, and a module imported with ``import()`` runs only when asked for, after the page's
work already queued (as a file arriving later would). The same files still serve the other
pages as modules; only this subset of module syntax is understood, and anything else is
refused when the bundle is made (at start-up), not misread:

- ``import { a, b as c } from "./x.js";`` and ``import "./x.js";``, at the start of a line;
- ``export function``, ``export async function``, ``export class``, ``export const x =``
  (one name per declaration);
- ``import("./x.js")`` with a literal relative address, and ``import.meta.url``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import PurePosixPath

_NAME = r"[A-Za-z_$][\w$]*"
_STATIC_IMPORT = re.compile(
    r"""^import\s*(?:\{(?P<names>[^}]*)\}\s*from\s*)?["'](?P<path>\.[^"']+)["'];?[ \t]*\n?""",
    re.MULTILINE)
_ANY_IMPORT = re.compile(r"^[ \t]*import\b(?!\s*\(|\.meta)", re.MULTILINE)
_EXPORT = re.compile(
    rf"^export\s+(?=(?:async\s+function\*?|function\*?|class)\s+(?P<function>{_NAME})"
    rf"|const\s+(?P<const>{_NAME})\s*=)", re.MULTILINE)
_ANY_EXPORT = re.compile(r"^[ \t]*export\b", re.MULTILINE)
_DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["'](\.[^"']+)["']\s*\)""")
_IMPORT_META_URL = re.compile(r"\bimport\.meta\.url\b")
_OWN_NAMES = re.compile(r"\$(?:need|load|made|makers)\b")


class BundleError(ValueError):
    """A module uses syntax the bundle does not understand, or cannot be found."""


def bundle(entry: str, read: Callable[[str], str | None], url: Callable[[str], str]) -> str:
    """The text of one module script that runs ``entry`` (a path under ``static/``) and,
    as it asks for them, the modules it imports; ``read(name)`` gives a module's text
    (``None`` when there is none), ``url(name)`` its address (for ``import.meta.url``)."""
    makers: dict[str, str] = {}
    imports: dict[str, list[str]] = {}  # what each module needs before it runs
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in makers:
            continue
        text = read(name)
        if text is None:
            raise BundleError(f"{entry}: {name} not found")
        makers[name], imports[name], later = _maker(name, text, url(name))
        todo.extend([*imports[name], *later])
    _refuse_cycles(entry, imports)
    parts = [f"// {entry} and the modules it imports, as one script (server/bundles.py).",
             "const $made = new Map();", "const $makers = new Map(["]
    parts += [f"[{json.dumps(name)}, () => {{\n{maker}}}]," for name, maker in sorted(
        makers.items())]
    parts += ["]);",
              "function $need(name) {",
              "  if (!$made.has(name)) $made.set(name, $makers.get(name)());",
              "  return $made.get(name);",
              "}",
              "// As import() of a file: after the work the page has already queued.",
              "function $load(name) {",
              "  return new Promise((resolve) => setTimeout(resolve)).then(() => $need(name));",
              "}",
              f"$need({json.dumps(entry)});", ""]
    text = "\n".join(parts)
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise BundleError(f"{entry}: a module holds </script or <!--, which would end the page's "
                          "script early")
    return text


def _maker(name: str, text: str, address: str) -> tuple[str, list[str], list[str]]:
    """The body of ``name``'s function, the modules it imports, and those it loads later
    with ``import()``."""
    if _OWN_NAMES.search(text):
        raise BundleError(f"{name}: uses a name the bundle keeps for itself ($need, $load, …)")
    base = PurePosixPath(name).parent
    needed: list[str] = []
    later: list[str] = []
    header: list[str] = []
    imports = list(_STATIC_IMPORT.finditer(text))
    starts = {m.start() for m in imports}
    for match in _ANY_IMPORT.finditer(text):
        if match.start() not in starts:
            line = text[match.start():].strip().splitlines()[0]
            raise BundleError(f"{name}: import not understood: {line}")
    for match in imports:
        target = normalise(base / match.group("path"))
        needed.append(target)
        names = _import_names(name, match.group("names"))
        call = f"$need({json.dumps(target)})"
        header.append(f"const {{ {names} }} = {call};" if names else f"{call};")
    body = _STATIC_IMPORT.sub("", text)

    exports = list(_EXPORT.finditer(body))
    exported = [match.group("function") or match.group("const") for match in exports]
    understood = {match.start() for match in exports}
    for match in _ANY_EXPORT.finditer(body):
        if match.start() not in understood:
            line = body[match.start():].strip().splitlines()[0]
            raise BundleError(f"{name}: export not understood: {line}")
    body = _EXPORT.sub("", body)

    def dynamic(match: re.Match[str]) -> str:
        target = normalise(base / match.group(1))
        later.append(target)
        return f"$load({json.dumps(target)})"

    body = _DYNAMIC_IMPORT.sub(dynamic, body)
    body = _IMPORT_META_URL.sub(f"new URL({json.dumps(address)}, location.href).href", body)
    if "import.meta" in body or re.search(r"\bimport\s*\(\s*[^\s)]", body):
        raise BundleError(f"{name}: import.meta or import() not understood")
    ending = f"return Object.freeze({{ {', '.join(exported)} }});\n"
    return "\n".join([*header, body.rstrip("\n"), ending]), needed, later


def _import_names(name: str, names: str | None) -> str:
    """``a, b as c`` as a destructuring pattern, ``a, b: c``."""
    if names is None:
        return ""
    pattern = []
    for item in (part.strip() for part in names.split(",")):
        if not item:
            continue
        match = re.fullmatch(rf"({_NAME})(?:\s+as\s+({_NAME}))?", item)
        if match is None:
            raise BundleError(f"{name}: import name not understood: {item}")
        pattern.append(f"{match[1]}: {match[2]}" if match[2] else match[1])
    return ", ".join(pattern)


def normalise(path: PurePosixPath) -> str:
    """``js/./a/../b.js`` as ``js/b.js``: a module's path under ``static/``."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _refuse_cycles(entry: str, imports: dict[str, list[str]]) -> None:
    """A cycle of imports would need ES modules' live bindings, which functions lack."""
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise BundleError(f"{entry}: modules import each other: {' → '.join(path + (name,))}")
        if name in done:
            return
        for target in imports[name]:
            visit(target, path + (name,))
        done.add(name)

    visit(entry, ())
