"""Certificates: what they list, codes that verify against the ledger and refuse forgeries,
one A4 page each in the PDF."""

from __future__ import annotations

from rencontre.attendance.certificates import certificate, summary, verify
from rencontre.engine.messages import Actor, Role
from tests.unit.helpers import KIOSK, MODERATOR, demo_driver

KEY = b"k" * 32
S01 = 1_773_154_800.0  # 2026-03-10 15:00 UTC, an hour, plenary
S03 = 1_773_160_200.0  # 16:30 to 18:00, taller A
MIN = 60.0


def delegate():
    driver = demo_driver()
    granted = driver.send("access.grant", {"role": "attendee", "name": "Ana"})["result"]
    outcome = driver.send("attendance.register", {"name": "Ana Peña", "language": "es",
                                                  "principal": granted["principal"]})
    person = driver.state.attendance.registrations[outcome["result"]["id"]]
    return driver, person, Actor(granted["principal"], Role.ATTENDEE, "Ana")


def test_a_certificate_lists_finished_sessions_over_the_threshold_and_verifies():
    driver, person, me = delegate()
    driver.send("entry.scan", {"badge": person.badge, "session": "s01"}, actor=KIOSK, at=S01)
    driver.send("presence.start", {"session": "s03", "source": "a"}, actor=me, at=S03)
    driver.send("presence.stop", {"session": "s03", "source": "a", "since": int(S03 + 5 * MIN)},
                actor=me, at=S03 + 6 * MIN)
    after_s01 = certificate(driver.state, person, KEY, S01 + 70 * MIN, threshold=10)
    assert summary(after_s01) == {"s01": [60, 0]}
    later = S03 + 200 * MIN
    day = certificate(driver.state, person, KEY, later, threshold=10)
    assert summary(day) == {"s01": [60, 0]}, "5 minutes online is under the threshold"
    assert summary(certificate(driver.state, person, KEY, later, threshold=5)) == {
        "s01": [60, 0], "s03": [0, 5]}
    # The certificate taken after the first session still verifies at the end of the day.
    assert verify(driver.state, after_s01.code, KEY, later) is not None
    assert verify(driver.state, day.code, KEY, later).total == 60
    # Forged: another key, a changed character, another person's id, nonsense.
    assert verify(driver.state, day.code, b"other" * 8, later) is None
    assert verify(driver.state, day.code[:-1] + ("A" if day.code[-1] != "A" else "B"), KEY,
                  later) is None
    assert verify(driver.state, "r1-1" + day.code[len(person.id):], KEY, later) is None
    assert verify(driver.state, "../../etc", KEY, later) is None


def test_a_certificate_no_longer_verifies_when_the_ledger_says_otherwise():
    driver, person, _ = delegate()
    driver.send("entry.scan", {"badge": person.badge, "session": "s01"}, actor=KIOSK, at=S01)
    driver.send("session.end", {"session": "s01"}, actor=MODERATOR, at=S01 + 30 * MIN)
    later = S01 + 100 * MIN
    issued = certificate(driver.state, person, KEY, later, threshold=10)
    assert summary(issued) == {"s01": [30, 0]}
    # An offline kiosk syncs an exit scanned 10 minutes in: the minutes are not 30 any more.
    driver.send("exit.scan", {"badge": person.badge, "session": "s01",
                              "offline_at": int(S01 + 10 * MIN)}, actor=KIOSK, at=later)
    assert verify(driver.state, issued.code, KEY, later) is None
    assert summary(certificate(driver.state, person, KEY, later, threshold=10)) == {
        "s01": [10, 0]}


def test_the_pdf_has_one_a4_page_per_certificate_in_its_language():
    from weasyprint import HTML

    from rencontre.server.app import template_environment
    from rencontre.server.certificates import PRINT_ORIGIN, _fetcher, pdfs, render_html

    driver, person, _ = delegate()
    driver.send("entry.scan", {"badge": person.badge, "session": "s01"}, actor=KIOSK, at=S01)
    other = driver.state.attendance.registrations[driver.send(
        "attendance.register", {"name": "Luis"})["result"]["id"]]
    certs = [certificate(driver.state, p, KEY, S03 + 300 * MIN, 10) for p in (person, other)]
    templates = template_environment()
    templates.globals["static"] = lambda path: f"/static/{path}"
    html = render_html(templates, driver.state, certs, "es", "https://r.example",
                       "/static/css/certificate.css")
    assert "Constancia de asistencia" in html and "https://r.example/verify/" in html
    document = HTML(string=html, base_url=PRINT_ORIGIN + "/", url_fetcher=_fetcher()).render()
    assert len(document.pages) == 2
    assert document.pages[0].width == document.pages[1].width
    assert round(document.pages[0].width * 25.4 / 96) == 210  # A4 at CSS pixels
    files = pdfs(html, [person.id, other.id])
    assert set(files) == {person.id, other.id}
    assert all(body.startswith(b"%PDF") for body in files.values())
