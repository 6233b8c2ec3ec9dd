"""One rule for every form that changes something, in a real Chromium.

The pages' own forms work (the organiser's programme upload used to be refused:
pages sent ``Referrer-Policy: no-referrer``, so Chromium sent ``Origin: null``),
and the same forms posted from a page of another site are refused and change
nothing (a foreign page used to replace a signed-in attendee's session with a
guest of the attacker's naming).
"""

from __future__ import annotations

import urllib.request

import pytest
from aiohttp import web
from playwright.async_api import expect

from tests.browser.pages import connected, sign_in_organiser
from tests.support import free_port

pytestmark = pytest.mark.browser

ATTACK = """<!doctype html><html><head>{meta}</head><body>
<form id="f" method="post" action="{target}">{fields}</form>
<script>document.getElementById("f").submit();</script></body></html>"""


@pytest.fixture
async def foreign_site():
    """Another site (``localhost`` on another port): pages of a form that posts to ``target``."""
    pages: dict[str, str] = {}

    async def serve(request: web.Request) -> web.Response:
        return web.Response(text=pages[request.match_info["name"]], content_type="text/html")

    app = web.Application()
    app.router.add_get("/{name}", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "localhost", port).start()

    def page(name: str, target: str, fields: dict[str, str], no_referrer: bool = False) -> str:
        inputs = "".join(f'<input name="{k}" value="{v}">' for k, v in fields.items())
        meta = '<meta name="referrer" content="no-referrer">' if no_referrer else ""
        pages[name] = ATTACK.format(meta=meta, target=target, fields=inputs)
        return f"http://localhost:{port}/{name}"

    yield page
    await runner.cleanup()


async def test_the_pages_own_forms_work_upload_included(start_server, new_page, page_errors,
                                                        tmp_path):
    server = start_server()
    programme = tmp_path / "programme.json"
    with urllib.request.urlopen(f"{server.url}/schedule.json") as response:
        programme.write_bytes(response.read())
    page = await new_page()
    await sign_in_organiser(page, server)
    form = page.locator("#import-form")
    await form.get_by_label("Programme file").set_input_files(str(programme))
    await form.get_by_role("button", name="Import").click()
    await expect(page.get_by_role("status").filter(has_text="Imported")).to_contain_text(
        "programme.json")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{server.url}/")
    await page.goto(f"{server.url}/organiser")
    await expect(page).to_have_url(f"{server.url}/moderator/login")
    # A guest joins from the join page, and signs out from the attendee page.
    guest = await new_page()
    await guest.goto(f"{server.url}/join")
    await guest.get_by_label("Your name, as others will see it").fill("Ana Invitada")
    await guest.get_by_role("button", name="Join the event").click()
    await expect(guest).to_have_url(f"{server.url}/")
    await connected(guest)
    await guest.get_by_role("button", name="Sign out").click()
    await expect(guest.get_by_role("heading", name="Welcome")).to_be_visible()
    await expect(guest.get_by_role("button", name="Sign out")).to_have_count(0)
    assert page_errors == []


@pytest.mark.parametrize("no_referrer", [False, True], ids=["origin", "origin-null"])
async def test_forms_posted_from_another_site_are_refused(start_server, new_page, foreign_site,
                                                          no_referrer):
    server = start_server()
    victim = await new_page()
    await victim.goto(server.attendee_link)
    await connected(victim)
    before = await victim.context.cookies(server.url)
    attacks = {
        "join": ("/join", {"name": "Mallory", "next": "/"}),
        "login": ("/moderator/login", {"token": server.moderator_token}),
        "pair": ("/kiosk/pair", {"code": "AAAA-BBBB", "name": "Evil kiosk"}),
        "logout": ("/logout", {}),
    }
    for name, (path, fields) in attacks.items():
        url = foreign_site(name, f"{server.url}{path}", fields, no_referrer)
        async with victim.expect_response(f"{server.url}{path}") as answer:
            await victim.goto(url)
        assert (await answer.value).status == 403, name
        assert await victim.context.cookies(server.url) == before, name
    await victim.goto(f"{server.url}/")
    await connected(victim)
    await expect(victim.get_by_role("heading", level=1)).to_have_text("Hello, Demo attendee")
