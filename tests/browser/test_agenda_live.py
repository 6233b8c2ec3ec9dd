"""The agenda in a real browser: a moderator's delay reaches an open agenda without a reload.

Two browser contexts are two people: an attendee in Paris with /agenda open, and a
moderator in Querétaro using the session controls of the control panel. The demo
event starts today, so day 1 is today's tab.
"""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from rencontre.server.i18n import translate
from tests.browser.pages import connected, sign_in_moderator
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser


async def test_delay_from_the_panel_reaches_the_open_agenda(start_server, new_page, page_errors,
                                                            screenshot) -> None:
    server = start_server()
    attendee = await new_page(timezone_id="Europe/Paris")
    await attendee.goto(server.attendee_link)
    await attendee.goto(f"{server.url}/agenda")
    await connected(attendee)
    await attendee.evaluate("window.notReloaded = true")

    tabs = attendee.get_by_role("tab")
    await expect(tabs).to_have_count(3)
    await expect(tabs.first).to_have_attribute("aria-selected", "true")
    await expect(tabs.first).to_contain_text("Today")
    card = attendee.locator('[data-session="s02"]')
    when = card.locator(".when time")
    await expect(when).to_have_text("10:30 AM–12:00 PM")
    # Paris is 7 hours ahead of Querétaro in winter, 8 in summer: the viewer's time is shown.
    await expect(card.locator(".yours")).to_contain_text("your time")
    await expect(attendee.locator(".now-next .room")).not_to_have_count(0)

    # Star it: the button is a toggle and the star is kept on the server.
    star = card.get_by_role("button", name="In my agenda: The tram as a backbone")
    await expect(star).to_have_attribute("aria-pressed", "false")
    await star.click()
    await expect(star).to_have_attribute("aria-pressed", "true")

    # The moderator delays the session by 15 minutes from the control panel.
    moderator = await new_page()
    await sign_in_moderator(moderator, server)
    panel = moderator.locator("#sessions-panel")
    await panel.get_by_label("Session", exact=True).select_option("s02")
    await expect(panel.locator("#sp-current h3")).to_have_text("The tram as a backbone")
    await panel.get_by_label("Delay by").fill("15")
    await panel.get_by_role("button", name="Delay", exact=True).click()
    await expect(panel.locator("#sp-status")).to_contain_text(
        "“The tram as a backbone” is delayed by 15 min")

    # The attendee's open page shows the new time and says what changed.
    await expect(when).to_have_text("10:45 AM–12:15 PM")
    await expect(card.locator(".badge-delayed")).to_have_text("Delayed +15 min")
    banner = attendee.locator("#change-text")
    await expect(banner).to_contain_text("“The tram as a backbone” is delayed by 15 min, now at")
    live_region = attendee.get_by_role("status").filter(has_text="delayed by 15 min")
    await expect(live_region).to_be_visible()
    assert await attendee.evaluate("window.notReloaded") is True
    await expect(star).to_have_attribute("aria-pressed", "true")
    await screenshot(attendee, "agenda-after-delay")

    # A delay that would overlap the next session in the room is refused, naming it;
    # "Force" sends it anyway.
    await panel.get_by_label("Delay by").fill("300")
    await panel.get_by_role("button", name="Delay", exact=True).click()
    status = panel.locator("#sp-status")
    await expect(status).to_contain_text("Water in the city: shortages and solutions")
    await expect(status).to_contain_text("Force")
    await expect(when).to_have_text("10:45 AM–12:15 PM")
    await panel.get_by_label("Force").check()
    await panel.get_by_role("button", name="Delay", exact=True).click()
    await expect(status).to_contain_text("delayed by 300 min")
    await expect(when).to_have_text("03:45 PM–05:15 PM")
    await screenshot(moderator, "moderator-sessions")

    # The change log lists both, newest first; my agenda has the starred session.
    await attendee.goto(f"{server.url}/changes")
    items = attendee.locator("#change-log > li")
    await expect(items).to_have_count(2)
    await expect(items.first).to_contain_text("was delayed by 300 min")
    await attendee.goto(f"{server.url}/my")
    await expect(attendee.locator("#my-sessions [data-session]")).to_have_count(1)
    await expect(attendee.locator("#my-sessions")).to_contain_text("The tram as a backbone")
    await screenshot(attendee, "my-agenda")
    assert not page_errors, page_errors


async def test_day_tabs_filters_and_search(start_server, new_page, page_errors) -> None:
    server = start_server()
    page = await new_page(locale="fr-FR", timezone_id="America/Mexico_City")
    await page.goto(server.attendee_link)
    await page.goto(f"{server.url}/agenda")
    await connected(page)
    tabs = page.get_by_role("tab")
    await tabs.first.focus()
    await page.keyboard.press("ArrowRight")
    await expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    await expect(tabs.nth(1)).to_be_focused()
    await expect(page.get_by_role("tabpanel")).to_contain_text("Données ouvertes municipales")
    await page.keyboard.press("End")
    await expect(tabs.nth(2)).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("Home")
    await expect(tabs.first).to_have_attribute("aria-selected", "true")
    # Same zone as the event: no second clock.
    await expect(page.locator(".yours")).to_have_count(0)

    # Accents do not matter in the search; filters combine.
    await page.get_by_label(translate("fr", "Search")).fill("vertebrale")
    await expect(page.locator("[data-session]")).to_have_count(1)
    await expect(page.locator("[data-session]")).to_contain_text("Le tramway")
    await page.get_by_label(translate("fr", "Search")).fill("joao")
    await expect(page.locator("[data-session]")).to_have_count(1)
    await page.get_by_label(translate("fr", "Search")).fill("")
    await page.get_by_label(translate("fr", "Session language")).select_option("es")
    sessions = page.locator("[data-session]")
    await expect(sessions).not_to_have_count(0)
    for lang in await sessions.locator(".lang").all():
        await expect(lang).to_have_attribute("lang", "es")
    await page.get_by_label(translate("fr", "Session language")).select_option("")
    await page.get_by_label(translate("fr", "List")).check()
    await expect(page.locator(".agenda-list")).to_be_visible()
    assert not page_errors, page_errors


async def test_a_session_left_out_of_a_new_programme_is_named_in_the_change_log(
        start_server, new_page, page_errors) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    page = await new_page(locale="fr-FR")
    await page.goto(server.attendee_link + "?lang=fr")
    await page.goto(f"{server.url}/changes")
    await connected(page)
    programme = organiser.snapshot["programme"]
    (dropped,) = [s for s in programme["sessions"] if s["id"] == "s02"]
    programme["sessions"].remove(dropped)
    await organiser.call("schedule.load", {"programme": programme, "mode": "replace"})
    items = page.locator("#change-log > li")
    await expect(items).to_have_count(1)
    await expect(items.first).to_contain_text(
        f"La session «\u202f{dropped['title']['fr']}\u202f» a été retirée du programme.")
    await page.reload()
    await expect(items.first).to_contain_text("a été retirée du programme.")
    assert not page_errors, page_errors
    await organiser.close()
