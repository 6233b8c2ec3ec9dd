"""HTTP hardening: one origin rule for every form, safe redirects, headers, proxies, logs."""

from __future__ import annotations

import io
import logging

import pytest
from aiohttp.test_utils import TestClient, TestServer

from rencontre.server.app import AccessLogger, create_app
from rencontre.server.cli import prepare_event
from rencontre.server.limits import GUESTS
from rencontre.server.settings import Settings
from rencontre.server.views import HUB

FOREIGN = [
    {"Origin": "https://evil.example"},
    {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "null", "Sec-Fetch-Site": "same-site"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
]
FORMS = {
    "/join": {"name": "Mallory"},
    "/moderator/login": {"token": "p-x.y"},
    "/kiosk/pair": {"code": "AAAABBBB"},
    "/logout": {},
    "/organiser/import": {"mode": "merge"},
}


@pytest.mark.parametrize("headers", FOREIGN, ids=lambda h: " ".join(h.values()))
@pytest.mark.parametrize("path", list(FORMS))
async def test_every_form_post_from_another_site_is_refused(app_client, path, headers):
    organiser = {"rencontre_token": app_client.tokens["Organiser"]}
    seq = app_client.hub.state.seq
    response = await app_client.post(path, data=FORMS[path], headers=headers,
                                     cookies=organiser, allow_redirects=False)
    assert response.status == 403, await response.text()
    assert "rencontre_token" not in response.cookies
    assert "another site" in await response.text()
    assert app_client.hub.state.seq == seq


@pytest.mark.parametrize("headers", [
    {},  # not a browser: curl, a script
    {"Sec-Fetch-Site": "same-origin"},
    {"Origin": "null", "Sec-Fetch-Site": "same-origin"},  # a page with no-referrer
    {"Sec-Fetch-Site": "none"},  # typed or bookmarked by the user
], ids=["none", "same-origin", "null-same-origin", "user"])
async def test_forms_from_this_site_go_through(app_client, headers):
    own = {"Origin": str(app_client.make_url("/")).rstrip("/")}
    for extra in (headers, {**own, **headers} if not headers.get("Origin") else headers):
        response = await app_client.post("/join", data={"name": "Zoé"}, headers=extra,
                                          allow_redirects=False)
        assert response.status == 302, (extra, await response.text())


async def test_the_refusal_is_in_the_visitors_language(app_client):
    response = await app_client.post("/join", data={"name": "X"}, headers={
        "Origin": "https://evil.example", "Accept-Language": "es"})
    assert response.status == 403
    assert "otro sitio" in await response.text()


async def test_signing_out_is_a_post_and_a_get_only_asks(app_client):
    cookies = {"rencontre_token": app_client.tokens["attendee"]}
    asked = await app_client.get("/logout", cookies=cookies, allow_redirects=False)
    assert asked.status == 200 and "rencontre_token" not in asked.cookies
    assert 'method="post" action="/logout"' in await asked.text()
    done = await app_client.post("/logout", cookies=cookies, allow_redirects=False)
    assert done.status == 302
    assert done.cookies["rencontre_token"].value == ""


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "/%09/evil.example/",
    "/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example/", "/\\/evil.example/",
    "/ /evil.example", "\t//evil.example", "/\x00/evil.example", "/%0d%0a/evil.example",
    "/\u3000/evil.example", "/./\\evil.example",
])
async def test_joining_never_sends_a_guest_to_another_site(app_client, target):
    from urllib.parse import unquote, urljoin, urlsplit

    target = unquote(target)
    page = await app_client.get("/join", params={"next": target})
    assert "evil.example" not in await page.text()
    joined = await app_client.post("/join", data={"name": "Zoé", "next": target},
                                   allow_redirects=False)
    location = joined.headers["Location"]
    # What a browser makes of it: tabs and newlines dropped, backslashes read as slashes.
    browser = "".join(c for c in location if c not in "\t\n\r").replace("\\", "/")
    assert urlsplit(urljoin("http://rencontre.test/x", browser)).netloc == "rencontre.test"
    assert location == "/"


async def test_a_local_next_page_is_kept(app_client):
    joined = await app_client.post("/join", data={"name": "Zoé", "next": "/live/s02?lang=es"},
                                   allow_redirects=False)
    assert joined.headers["Location"] == "/live/s02?lang=es"


@pytest.mark.parametrize("path", ["/", "/static/js/socket.js", "/healthz", "/schedule.csv",
                                  "/agenda.ics", "/no-such-page", "/moderator"])
async def test_every_response_says_nosniff(app_client, path):
    response = await app_client.get(path, allow_redirects=False)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", (path, response.status)


async def test_pages_may_open_sockets_to_their_own_origin_only(app_client):
    page = await app_client.get("/agenda")
    policy = dict(part.strip().split(" ", 1) for part in
                  page.headers["Content-Security-Policy"].split(";"))
    sources = policy["connect-src"].split()
    host = app_client.make_url("/").host + f":{app_client.port}"
    assert sources[:2] == ["'self'", f"ws://{host}"]
    assert not {"ws:", "wss:"} & set(sources)
    assert page.headers["Referrer-Policy"] == "same-origin"


async def serve(tmp_path, **options) -> TestClient:
    settings = Settings(data=str(tmp_path / "data"), demo=True, **options)
    app = create_app(settings)
    client = TestClient(TestServer(app))
    await client.start_server()
    await prepare_event(app[HUB], settings)
    return client


async def test_allowed_origins_may_post_and_connect(tmp_path):
    client = await serve(tmp_path, allowed_origins=("https://embed.example",))
    try:
        page = await client.get("/agenda")
        policy = page.headers["Content-Security-Policy"]
        assert "https://embed.example wss://embed.example" in policy
        joined = await client.post("/join", data={"name": "Zoé"},
                                   headers={"Origin": "https://embed.example"},
                                   allow_redirects=False)
        assert joined.status == 302
    finally:
        await client.close()


@pytest.mark.parametrize("headers", [
    {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"},
    {"X-Forwarded-Proto": "http, https", "X-Forwarded-For": "10.9.9.9, 203.0.113.7"},
    {"Forwarded": 'for=203.0.113.7;proto=https;host="rencontre.example"'},
    {"Forwarded": 'for="203.0.113.7:4711";proto=https'},
    {"Forwarded": 'for="[2001:db8::7]:4711";proto=https'},
])
async def test_behind_a_trusted_tls_proxy_cookies_are_secure(tmp_path, headers):
    client = await serve(tmp_path, trusted_proxies=("127.0.0.1",))
    try:
        joined = await client.post("/join", data={"name": "Zoé"}, headers=headers,
                                   allow_redirects=False)
        assert joined.status == 302
        assert "Secure" in joined.headers["Set-Cookie"]
        page = await client.get("/agenda", headers=headers)
        assert "wss://" in page.headers["Content-Security-Policy"]
        # The limits count the client's address, not the proxy's.
        for _ in range(GUESTS.burst):
            await client.post("/join", data={"name": "Zoé"}, headers=headers,
                              allow_redirects=False)
        other = await client.post("/join", data={"name": "Ana"}, allow_redirects=False)
        assert other.status == 302, "the proxy's own address still has its budget"
    finally:
        await client.close()


async def test_an_untrusted_client_cannot_claim_https(tmp_path):
    client = await serve(tmp_path, trusted_proxies=("10.0.0.0/8",))
    try:
        joined = await client.post("/join", data={"name": "Zoé"}, allow_redirects=False,
                                   headers={"X-Forwarded-Proto": "https",
                                            "X-Forwarded-For": "203.0.113.7"})
        assert "Secure" not in joined.headers["Set-Cookie"]
    finally:
        await client.close()


def test_trusted_proxies_from_the_environment_and_the_command_line(capsys):
    from rencontre.server.cli import main

    settings = Settings.from_env({"RENCONTRE_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16"})
    assert settings.trusted_proxies == ("10.0.0.1", "192.168.0.0/16")
    with pytest.raises(ValueError, match="RENCONTRE_TRUSTED_PROXIES"):
        Settings.from_env({"RENCONTRE_TRUSTED_PROXIES": "proxy.local"})
    assert main(["serve", "--trusted-proxy", "not-an-address"]) == 2
    assert "--trusted-proxy" in capsys.readouterr().err


def test_cr_lf_in_a_path_cannot_forge_an_access_log_line():
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    stream = io.StringIO()
    logger = logging.getLogger("test.access")
    logger.handlers = [logging.StreamHandler(stream)]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    forged = '/x%0D%0A10.0.0.1 "GET /admin" 200 1.0ms%0A'
    AccessLogger(logger, "").log(make_mocked_request("GET", forged), web.Response(), 0.001)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "\\x0d\\x0a10.0.0.1 \\x22GET /admin\\x22" in lines[0]
