"""Pages facing a server that cannot save (a full disk) or stopped answering, in Chromium."""

from __future__ import annotations

import json
import re
import resource
import signal
import time

import pytest
from playwright.async_api import expect

from tests.browser.pages import connected, pair_kiosk, scan
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser

TIME = r"\d\d:\d\d(?:\s[AP]M)?"


def disk_full(server, full: bool) -> None:
    """The server's files may not grow (RLIMIT_FSIZE): its log writes fail, as on a full disk."""
    limit = 1 if full else resource.RLIM_INFINITY
    resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


async def test_a_kiosk_keeps_a_scan_the_server_could_not_save_and_sends_it_again(
        start_server, new_page, page_errors) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    code = await organiser.call("kiosk.pairing-code", {"label": "Door C"})
    person = await organiser.call("attendance.register", {"name": "Marta Ruiz", "kind": "onsite"})
    badge = person["badge"]
    kiosk = await new_page()
    await pair_kiosk(kiosk, server, code["code"], "Door C")

    disk_full(server, True)
    try:
        scanned_at = time.time()
        await scan(kiosk, badge)
        # Not refused: kept, said to be saved, counted in the queue, and still connected.
        await expect(kiosk.locator("#verdict")).to_have_attribute("data-kind", "saved")
        await expect(kiosk.locator("#verdict .verdict-title")).to_have_text(
            "Saved — will be sent again when the server can take it")
        await expect(kiosk.locator("#queued")).to_have_text("Waiting to be sent: 1")
        await expect(kiosk.locator("#recent > li").first).to_have_class("recent-saved")
        await expect(kiosk.locator("#conn")).to_have_attribute("data-state", "connected")
        (queued,) = json.loads(await kiosk.evaluate(
            "localStorage.getItem('rencontre.kiosk.queue')"))
        assert queued["type"] == "checkin.scan" and queued["data"]["badge"] == badge
        assert abs(queued["data"]["offline_at"] - scanned_at) < 5
        # Retried meanwhile, with the same id, and refused again: still queued.
        await kiosk.wait_for_timeout(2500)
        (still,) = json.loads(await kiosk.evaluate(
            "localStorage.getItem('rencontre.kiosk.queue')"))
        assert still["id"] == queued["id"]
    finally:
        disk_full(server, False)

    # The server can save again: the next retry checks Marta in, stamped with her scan time.
    await expect(kiosk.locator("#verdict")).to_have_attribute("data-kind", "ok")
    await expect(kiosk.locator("#verdict .verdict-title")).to_have_text("Welcome, Marta Ruiz")
    await expect(kiosk.locator("#recent > li").first.locator(".recent-text")).to_have_text(
        re.compile(rf"^Checked in by Door C, scanned offline at {TIME}$"))
    await expect(kiosk.locator("#queued")).to_have_text("")
    assert await kiosk.evaluate("localStorage.getItem('rencontre.kiosk.queue')") == "[]"
    await organiser.close()
    assert not page_errors, page_errors


async def test_a_page_gives_up_a_socket_whose_server_stopped_answering_at_once(
        start_server, new_page, page_errors) -> None:
    server = start_server()
    page = await new_page()
    await page.clock.install()
    await page.goto(server.attendee_link)
    await connected(page)
    server.process.send_signal(signal.SIGSTOP)  # no answer, no close: a dead server or link
    try:
        # A minute without a word from the server, on the page's clock.
        await page.clock.fast_forward("01:10")
        await expect(page.locator("#conn")).not_to_have_attribute(
            "data-state", "connected", timeout=3_000)
    finally:
        server.process.send_signal(signal.SIGCONT)
    await page.clock.fast_forward("00:20")  # past the reconnect's backoff
    await connected(page)
    assert not page_errors, page_errors


async def test_a_question_the_server_could_not_save_is_said_to_wait_and_then_goes_in(
        start_server, new_page, page_errors) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("session.start", {"session": "s01"})
    page = await new_page(locale="es-MX")
    await page.goto(server.attendee_link + "?lang=es")
    await page.goto(f"{server.url}/live/s01")
    await connected(page)
    conn = page.locator("#conn")
    disk_full(server, True)
    try:
        await page.locator("#ask-text").fill("¿Quién paga el tranvía?")
        await page.locator("#ask-submit").click()
        # The header says why nothing happens yet; the socket itself is fine.
        await expect(conn).to_have_attribute("data-state", "unavailable")
        await expect(conn).to_have_text(
            "El servidor no puede guardar ahora: lo que enviaste se volverá a enviar.")
    finally:
        disk_full(server, False)
    # The next retry saves it: the question is the asker's, and the header is back.
    await expect(page.locator("#mine .q-text")).to_have_text(["¿Quién paga el tranvía?"])
    await expect(conn).to_have_attribute("data-state", "connected")
    await expect(conn).to_have_text("Conectado")
    await organiser.close()
    assert not page_errors, page_errors
