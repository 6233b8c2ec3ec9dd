"""Static files: versioned addresses cached for a year, compressed once, preloaded.

Pages name their scripts and styles with ``static("js/live.js")``, which gives
``/static/v-<hash>/js/live.js``: ``<hash>`` is a digest of every file under
``static/``, so any change to any file gives every file a new address, and the
modules' relative imports (``./i18n.js``) stay under the same version. Such
an address never changes content, so browsers keep it for a year without asking
again (``immutable``). The plain ``/static/js/live.js`` still works, with
``no-cache`` (revalidated by its ``ETag``), for anything that links it directly;
so does an old version's address, served the current file without the long cache
(a page loaded before a deploy still gets working files).

Text files are gzipped once, when first asked for, and kept in memory; the
static tree is a few hundred kilobytes. ``module_script("js/kiosk.js")`` writes the
``<link rel="modulepreload">`` of every module the script imports, found by
reading the ``import`` lines: the browser fetches the whole graph at once instead
of one level of imports per round trip.

A page that must be usable within one round trip on a slow network (the live page) carries
its files instead of naming them: ``inline_styles("app", "qa")`` writes ``css/app.css`` and
``css/qa.css`` in a ``<style>``, ``inline_module("js/live.js")`` the module and all it imports
as one script (``server/bundles.py``), and ``inline_script`` a small classic script
(``js/socket_early.js``, which opens the websocket as the page is read). The
Content-Security-Policy allows exactly those, by their SHA-256 (``script_sources``,
``style_sources``); each is declared below, so that the policy is known at start-up.
Being the same on every such page, they are compressed once too, and spliced into each
page's gzip stream (``gzip_page``) rather than compressed again on every request.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import mimetypes
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from aiohttp import web
from markupsafe import Markup, escape

from rencontre.server.bundles import bundle, normalise

YEAR = 365 * 24 * 3600
COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".txt", ".html", ".map"}
MIN_COMPRESS = 512  # bytes: below this, gzip's header costs more than it saves
_VERSION = re.compile(r"^v-[0-9a-f]{1,64}$")
# Static imports only: `import … from "./x.js"` and `import "./x.js"`, at the start of a line.
_IMPORT = re.compile(r"""^\s*(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']"""
                     r"""|^\s*import\s*["']([^"']+)["']""", re.MULTILINE)
# The scripts pages may inline; the CSP names each by its digest.
INLINE_SCRIPTS = ("js/socket_early.js",)
# The modules pages may inline with all they import (``server/bundles.py``), and the style
# sets (``styles/<a>+<b>.css``) they may inline; the CSP names each by its digest too.
INLINE_MODULES = ("js/live.js",)
INLINE_STYLES = ("app+qa+polls+player+cities",)
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
         ".svg": "image/svg+xml", ".json": "application/json"}


@dataclass(frozen=True, slots=True)
class StaticFile:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str


class StaticFiles:
    """The files under ``root``, their version, and the handler that serves them."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.version = self._digest()
        self._files: dict[str, StaticFile | None] = {}
        self._imports: dict[str, list[str]] = {}
        self._inline = {name: (self.root / name).read_text(encoding="utf-8")
                        for name in INLINE_SCRIPTS}
        for name, text in self._inline.items():
            if "</script" in text.lower():  # it would end the element early
                raise ValueError(f"{name} cannot be inlined: it holds </script")
        modules = {name: bundle(name, self._text, self.url) for name in INLINE_MODULES}
        styles = {names: self._style_text(names) for names in INLINE_STYLES}
        # Made once: each is a sixth of a live page, and the same on every one.
        self._module_elements = {name: Markup(f'<script type="module">{text}</script>')
                                 for name, text in modules.items()}
        self._style_elements = {names: Markup(f"<style>{text}</style>")
                                for names, text in styles.items()}
        self._packed = [_Packed.of(str(element)) for element in [
            *self._module_elements.values(), *self._style_elements.values()]]
        self.script_sources = "".join(
            _source(text) for text in [*self._inline.values(), *modules.values()])
        self.style_sources = "".join(_source(text) for text in styles.values())

    def _digest(self) -> str:
        digest = hashlib.sha256()
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(self.root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
        return digest.hexdigest()[:12]

    def url(self, name: str) -> str:
        """The versioned address of ``name`` (a path under ``static/``)."""
        return f"/static/v-{self.version}/{name.lstrip('/')}"

    def _file(self, name: str) -> StaticFile | None:
        if name in self._files:
            return self._files[name]
        found = self._load(name)
        self._files[name] = found
        return found

    def _style_text(self, names: str) -> str:
        """The text of the style set ``styles/<names>.css``, checked for a ``<style>``."""
        text = self._text(f"styles/{names}.css")
        if text is None:
            raise ValueError(f"styles/{names}.css: no such style set")
        if "</style" in text.lower():  # it would end the element early
            raise ValueError(f"styles/{names}.css cannot be inlined: it holds </style")
        return text

    def _text(self, name: str) -> str | None:
        found = self._file(name)
        return None if found is None else found.body.decode("utf-8")

    def _load(self, name: str) -> StaticFile | None:
        if name.startswith("styles/") and name.endswith(".css"):
            return self._styles(name)
        parts = PurePosixPath(name).parts
        if not parts or any(part.startswith(".") for part in parts):
            return None
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return _static_file(path.read_bytes(), path.suffix.lower(), path.name)

    def _styles(self, name: str) -> StaticFile | None:
        """``styles/app+qa.css``: ``css/app.css`` then ``css/qa.css``, as one file (one
        request instead of several, which a slow network pays a round trip each for)."""
        bodies = []
        for part in name[len("styles/"):-len(".css")].split("+"):
            found = self._file(f"css/{part}.css") if part.isidentifier() else None
            if found is None:
                return None
            bodies.append(found.body)
        return _static_file(b"\n".join(bodies), ".css")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["path"]
        first, _, rest = name.partition("/")
        versioned = bool(_VERSION.match(first))
        current = versioned and first == f"v-{self.version}"
        if versioned:
            name = rest
        found = self._file(name)
        if found is None:
            raise web.HTTPNotFound(text="no such file")
        headers = {"ETag": found.etag, "Vary": "Accept-Encoding",
                   "X-Content-Type-Options": "nosniff",
                   "Cache-Control": f"public, max-age={YEAR}, immutable" if current
                   else "no-cache"}
        if found.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        body = found.body
        if found.gzipped is not None and accepts_gzip(request):
            body = found.gzipped
            headers["Content-Encoding"] = "gzip"
        response = web.Response(body=body, headers=headers)
        response.content_type = found.content_type
        if found.content_type.startswith("text/") or found.content_type.endswith(
                ("json", "javascript", "+xml")):
            response.charset = "utf-8"
        return response

    def imports(self, name: str) -> list[str]:
        """Every module ``name`` imports, directly or not, as paths under ``static/``."""
        if name in self._imports:
            return self._imports[name]
        seen: list[str] = []
        todo = [name]
        while todo:
            current = todo.pop()
            found = self._file(current)
            if found is None:
                continue
            base = PurePosixPath(current).parent
            for match in _IMPORT.finditer(found.body.decode("utf-8", "replace")):
                target = match.group(1) or match.group(2)
                if not target.startswith("."):
                    continue
                resolved = normalise(base / target)
                if resolved != name and resolved not in seen:
                    seen.append(resolved)
                    todo.append(resolved)
        self._imports[name] = seen
        return seen

    def inline_script(self, name: str, **data: str) -> Markup:
        """``<script>`` holding the text of ``name`` (one of ``INLINE_SCRIPTS``), with ``data``
        as its ``data-`` attributes (the script's text, which the CSP hashes, stays the same
        on every page)."""
        attributes = "".join(f' data-{key}="{escape(value)}"' for key, value in data.items())
        return Markup(f"<script{attributes}>{self._inline[name]}</script>")

    def inline_module(self, name: str) -> Markup:
        """``<script type="module">`` holding ``name`` (one of ``INLINE_MODULES``) and every
        module it imports: the page needs no other file to run."""
        return self._module_elements[name]

    def inline_styles(self, *names: str) -> Markup:
        """``<style>`` holding ``css/<name>.css`` of every name, in order (one of
        ``INLINE_STYLES``): the page's first frame waits for no other file."""
        return self._style_elements["+".join(names)]

    def gzip_page(self, body: str) -> bytes | None:
        """``body`` gzipped, with the inline modules and styles it carries compressed once at
        start-up rather than on every request (they are most of the live page: 190 of its
        230 KB); ``None`` when it carries none, for the usual compression."""
        found = sorted((start, packed) for packed in self._packed
                       if (start := body.find(packed.text)) >= 0)
        if not found:
            return None
        out, crc, size, position = [_GZIP_HEADER], 0, 0, 0
        for start, packed in found:
            own = body[position:start].encode()
            out += [_deflate(own), packed.deflated]
            crc = zlib.crc32(packed.raw, zlib.crc32(own, crc))
            size += len(own) + len(packed.raw)
            position = start + len(packed.text)
        rest = body[position:].encode()
        out.append(_deflate(rest, last=True))
        crc = zlib.crc32(rest, crc)
        size += len(rest)
        out.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
        return b"".join(out)

    def module_script(self, name: str) -> Markup:
        """The ``<script type="module">`` of ``name``, after a modulepreload of its imports."""
        links = [f'<link rel="modulepreload" href="{escape(self.url(dep))}">'
                 for dep in self.imports(name)]
        script = f'<script type="module" src="{escape(self.url(name))}"></script>'
        return Markup("\n".join([*links, script]))


def _static_file(body: bytes, suffix: str, name: str = "") -> StaticFile:
    content_type = TYPES.get(suffix) or mimetypes.guess_type(name)[0] \
        or "application/octet-stream"
    gzipped = None
    if suffix in COMPRESSIBLE and len(body) >= MIN_COMPRESS:
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        gzipped = packed if len(packed) < len(body) else None
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return StaticFile(body, gzipped, content_type, etag)


# A gzip member's header: deflate, no name, no time, unknown system (RFC 1952).
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def _deflate(data: bytes, last: bool = False, level: int = 6) -> bytes:
    """Raw deflate blocks of ``data`` ending on a byte boundary (a sync flush), so that any
    such pieces, one after the other, are one stream; ``last`` closes the stream."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


@dataclass(frozen=True, slots=True)
class _Packed:
    """A text pages carry inline, compressed once to splice into their gzip stream."""

    text: str
    raw: bytes
    deflated: bytes

    @classmethod
    def of(cls, text: str) -> _Packed:
        raw = text.encode()
        return cls(text, raw, _deflate(raw, level=9))


def _source(text: str) -> str:
    """The CSP source that allows an inline element holding ``text``."""
    return " 'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def accepts_gzip(request: web.Request) -> bool:
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


STATIC_FILES = web.AppKey("static_files", StaticFiles)


def install(app: web.Application, root: Path, templates) -> StaticFiles:  # noqa: ANN001
    """Serve ``root`` at ``/static`` and give the templates ``static()``, ``module_script()``,
    ``inline_script()``, ``inline_module()`` and ``inline_styles()``."""
    files = StaticFiles(root)
    app[STATIC_FILES] = files
    app.router.add_get("/static/{path:.+}", files.handle)
    templates.globals["static"] = files.url
    templates.globals["module_script"] = files.module_script
    templates.globals["inline_script"] = files.inline_script
    templates.globals["inline_module"] = files.inline_module
    templates.globals["inline_styles"] = files.inline_styles
    return files
