"""Static files over HTTP: versioned addresses, long-lived caching, gzip, module preloads."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re

from rencontre.server.app import STATIC


async def live_page(app_client) -> str:
    response = await app_client.get("/live/s01", cookies={"rencontre_token":
                                                          app_client.tokens["attendee"]})
    assert response.status == 200
    return await response.text()


async def test_pages_link_versioned_files_that_are_cached_for_a_year(app_client) -> None:
    text = await live_page(app_client)
    script = re.search(r'<script type="module" src="(/static/v-[0-9a-f]+/js/live\.js)">', text)
    assert script, "the live page's script has a versioned address"
    style = re.search(r'href="(/static/v-[0-9a-f]+/styles/app\+qa[^"]*\.css)"', text)
    assert style, "the live page's styles have a versioned address"
    response = await app_client.get(script.group(1))
    assert response.status == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert await response.text() == (STATIC / "js/live.js").read_text()
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
    text = await live_page(app_client)
    first = set(re.findall(r'<link rel="modulepreload" href="/static/v-[0-9a-f]+/([^"]+)">',
                           text))
    later = set(re.findall(r'<link rel="modulepreload" href="/static/v-[0-9a-f]+/([^"]+)"'
                           r' fetchpriority="low">', text))
    # What the page needs to be usable comes first, alone, so that it fits in one round
    # trip of a slow network's six connections; what live.js import()s after (polls_live.js,
    # and the polls.js it imports) at low priority.
    assert first == {"js/live.js", "js/i18n.js", "js/qa.js", "js/socket.js"}
    assert {"js/polls_live.js", "js/polls.js", "js/player.js", "js/reactions.js"} <= later
    assert not first & later


async def test_the_live_page_opens_its_websocket_inline_before_its_stylesheet(app_client) -> None:
    response = await app_client.get("/live/s01", cookies={"rencontre_token":
                                                           app_client.tokens["attendee"]})
    text = await response.text()
    # A script after a stylesheet waits until the stylesheet has arrived.
    script = re.search(r'<script data-room="s01">(.*?)</script>', text, re.DOTALL)
    assert script and text.index(script[0]) < text.index('<link rel="stylesheet"')
    assert script[1] == (STATIC / "js/socket_early.js").read_text()
    # The page's policy allows that script by its digest, and no other inline script.
    digest = base64.b64encode(hashlib.sha256(script[1].encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy


async def test_no_file_outside_static_is_served(app_client) -> None:
    for path in ("/static/../server/app.py", "/static/%2e%2e/server/app.py",
                 "/static/js/nope.js", "/static/v-abc/../../pyproject.toml"):
        response = await app_client.get(path)
        assert response.status == 404, path


async def test_a_page_gets_its_styles_in_one_request(app_client) -> None:
    text = await live_page(app_client)
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', text)
    assert len(links) == 1, links
    response = await app_client.get(links[0])
    assert response.status == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Type"].startswith("text/css")
    body = await response.text()
    for name in ("app", "qa", "polls"):
        assert (STATIC / f"css/{name}.css").read_text() in body, name
    assert body.index(".stage-screen") > body.index(".skip")  # app.css first, then qa.css
    assert (await app_client.get("/static/styles/app+nope.css")).status == 404
    assert (await app_client.get("/static/styles/app+..%2Fjs%2Flive.css")).status == 404


async def test_pages_are_gzipped_and_load_their_modules_from_the_head(app_client) -> None:
    response = await app_client.get("/live/s01", cookies={
        "rencontre_token": app_client.tokens["attendee"]}, headers={"Accept-Encoding": "gzip"},
        auto_decompress=False)
    assert response.headers["Content-Encoding"] == "gzip"
    text = gzip.decompress(await response.read()).decode()
    head = text[:text.index("</head>")]
    assert re.search(r'<link rel="modulepreload" href="/static/v-[0-9a-f]+/js/live\.js">', head)
    assert re.search(r'<link rel="modulepreload" href="/static/v-[0-9a-f]+/js/socket\.js">', head)
