"""Static files over HTTP: versioned addresses, long-lived caching, gzip, module preloads,
and the live page that carries its files."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re

from rencontre.server.app import STATIC
from rencontre.server.static_files import StaticFiles


async def live_page(app_client) -> str:
    response = await app_client.get("/live/s01", cookies={"rencontre_token":
                                                          app_client.tokens["attendee"]})
    assert response.status == 200
    return await response.text()


async def test_pages_link_versioned_files_that_are_cached_for_a_year(app_client) -> None:
    text = await (await app_client.get("/agenda")).text()
    script = re.search(r'<script type="module" src="(/static/v-[0-9a-f]+/js/agenda\.js)">', text)
    assert script, "the agenda's script has a versioned address"
    style = re.search(r'href="(/static/v-[0-9a-f]+/css/agenda\.css)"', text)
    assert style, "the agenda's styles have a versioned address"
    response = await app_client.get(script.group(1))
    assert response.status == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert await response.text() == (STATIC / "js/agenda.js").read_text()
    css = await app_client.get(style.group(1))
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert css.headers["Content-Type"].startswith("text/css")


async def test_unversioned_and_stale_addresses_are_revalidated(app_client) -> None:
    plain = await app_client.get("/static/js/live.js")
    assert plain.status == 200
    assert plain.headers["Cache-Control"] == "no-cache"
    etag = plain.headers["ETag"]
    again = await app_client.get("/static/js/live.js", headers={"If-None-Match": etag})
    assert again.status == 304
    assert await again.read() == b""
    # A page loaded before a deploy asks for the old version: it gets today's file, not cached.
    stale = await app_client.get("/static/v-0123456789ab/js/live.js")
    assert stale.status == 200
    assert stale.headers["Cache-Control"] == "no-cache"


async def test_text_files_are_gzipped_for_clients_that_take_it(app_client) -> None:
    source = (STATIC / "js/agenda.js").read_bytes()
    response = await app_client.get("/static/js/agenda.js", headers={
        "Accept-Encoding": "gzip, deflate, br"}, auto_decompress=False)
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    packed = await response.read()
    assert gzip.decompress(packed) == source
    assert len(packed) < len(source) / 2
    raw = await app_client.get("/static/js/agenda.js", headers={"Accept-Encoding": "identity"},
                               auto_decompress=False)
    assert "Content-Encoding" not in raw.headers
    assert await raw.read() == source
    refused = await app_client.get("/static/js/agenda.js", headers={
        "Accept-Encoding": "gzip;q=0"}, auto_decompress=False)
    assert "Content-Encoding" not in refused.headers


async def test_a_page_preloads_every_module_its_script_imports(app_client) -> None:
    text = await (await app_client.get("/agenda")).text()
    preloaded = set(re.findall(
        r'<link rel="modulepreload" href="/static/v-[0-9a-f]+/([^"]+)">', text))
    # agenda.js imports announcements.js, which imports i18n.js: one round trip for all.
    assert {"js/i18n.js", "js/socket.js", "js/announcements.js", "js/now.js"} <= preloaded
    assert "js/agenda.js" not in preloaded  # the script itself follows


async def test_the_live_page_carries_its_styles_and_modules(app_client) -> None:
    """On a slow network each file a page names costs a round trip more: the live page
    names none; its policy allows exactly its inline script, module and style."""
    response = await app_client.get("/live/s01", cookies={"rencontre_token":
                                                           app_client.tokens["attendee"]})
    text = await response.text()
    assert not re.search(r'<script[^>]* src=|<link rel="(?:stylesheet|modulepreload)"', text)
    # The websocket opens first: the page's styles and module follow.
    early = re.search(r'<script data-room="s01">(.*?)</script>', text, re.DOTALL)
    style = re.search(r"<style>(.*?)</style>", text, re.DOTALL)
    module = re.search(r'<script type="module">(.*?)</script>', text, re.DOTALL)
    assert early and style and module
    assert text.index(early[0]) < text.index(style[0]) < text.index(module[0])
    assert early[1] == (STATIC / "js/socket_early.js").read_text()
    # app.css first, then qa.css, polls.css…
    assert style[1].startswith((STATIC / "css/app.css").read_text())
    for name in ("qa", "polls", "player", "cities"):
        assert (STATIC / f"css/{name}.css").read_text() in style[1], name
    # Every module the page runs, now or later, is in its script.
    for name in ("live", "i18n", "qa", "socket", "polls_live", "player", "reactions"):
        assert f'["js/{name}.js", () => {{' in module[1], name
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' {source(early[1])} {source(module[1])};" in policy
    assert f"style-src 'self' {source(style[1])};" in policy
    assert "unsafe-inline" not in policy


def source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


async def test_no_file_outside_static_is_served(app_client) -> None:
    for path in ("/static/../server/app.py", "/static/%2e%2e/server/app.py",
                 "/static/js/nope.js", "/static/v-abc/../../pyproject.toml"):
        response = await app_client.get(path)
        assert response.status == 404, path


async def test_a_set_of_styles_is_one_file(app_client) -> None:
    response = await app_client.get("/static/styles/app+qa+polls.css")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    body = await response.text()
    for name in ("app", "qa", "polls"):
        assert (STATIC / f"css/{name}.css").read_text() in body, name
    assert body.index(".stage-screen") > body.index(".skip")  # app.css first, then qa.css
    assert (await app_client.get("/static/styles/app+nope.css")).status == 404
    assert (await app_client.get("/static/styles/app+..%2Fjs%2Flive.css")).status == 404


async def test_pages_are_gzipped(app_client) -> None:
    cookies = {"rencontre_token": app_client.tokens["attendee"]}
    for path in ("/live/s01", "/agenda"):
        response = await app_client.get(path, cookies=cookies, auto_decompress=False,
                                        headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip", path
        packed = await response.read()
        plain = await app_client.get(path, cookies=cookies,
                                     headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers
        text = await plain.text()
        assert gzip.decompress(packed).decode() == text, path
        assert len(packed) < len(text) / 3, path


def test_a_page_carrying_inline_files_is_gzipped_around_them() -> None:
    """The live page's module and styles are compressed once, at start-up, and spliced into
    each page's gzip stream: the page reads back whole, wherever they sit in it."""
    files = StaticFiles(STATIC)
    module = str(files.inline_module("js/live.js"))
    style = str(files.inline_styles("app", "qa", "polls", "player", "cities"))
    for body in (f"<head>{style}</head><p>é</p>{module}<p>fin</p>", f"{module}{style}",
                 f"{style}<p>{'ünï' * 5000}</p>{module}"):
        assert gzip.decompress(files.gzip_page(body)).decode() == body
    assert files.gzip_page("<p>no inline file</p>") is None
