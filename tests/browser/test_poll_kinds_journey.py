"""Poll kinds in real browsers: the moderator prepares a rating (in two languages), a
ranking, a word cloud and a quiz in the panel; Ana (a phone, in French) and Beatriz
vote on their live pages; the moderator moderates the cloud; the stage display shows
each kind's chart with exact figures, then the quiz's answer and leaderboard.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.pages import connected, sign_in_moderator
from tests.integration.wsclient import Client

pytestmark = pytest.mark.browser

SESSION = "s01"


async def prepare(m: Page, kind: str, question: str, options: str = "", **more) -> None:
    """Fill the panel's new-poll form, prepare the poll and open it."""
    await m.get_by_label("Kind of poll").select_option(kind)
    await m.get_by_label("Poll question").fill(question)
    if options:
        await m.get_by_label("Answers, one per line").fill(options)
    if "french" in more:
        await m.locator(".poll-languages summary").click()
        await m.get_by_label("Question in Français").fill(more["french"])
    await m.get_by_role("button", name="Prepare the poll").click()
    await expect(m.locator("#poll-new-status")).to_have_text(
        "Poll prepared: open it when the room is ready.")
    item = m.locator("#m-polls > li").first
    await expect(item.locator(".poll-question")).to_have_text(question)
    await item.get_by_role("button", name="Open the poll").click()
    await expect(item.locator(".mark-poll-open")).to_have_text("Voting open")


async def test_rating_ranking_words_and_quiz_from_panel_to_phones_to_stage(
        start_server, new_page, page_errors, screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    ana = await organiser.call("access.grant", {"role": "attendee", "name": "Ana"})
    beatriz = await organiser.call("access.grant", {"role": "attendee", "name": "Beatriz"})
    await organiser.call("session.start", {"session": SESSION})

    stage = await new_page()
    await stage.set_viewport_size({"width": 1920, "height": 1080})
    await stage.goto(f"{server.url}/stage/plenaria")
    await connected(stage)
    a = await new_page(locale="fr-FR", has_touch=True)
    await a.set_viewport_size({"width": 390, "height": 844})
    await a.goto(f"{server.url}/a/{ana['token']}")
    await a.goto(f"{server.url}/live/{SESSION}")
    await connected(a)
    b = await new_page()
    await b.goto(f"{server.url}/a/{beatriz['token']}")
    await b.goto(f"{server.url}/live/{SESSION}")
    await connected(b)
    m = await new_page()
    await sign_in_moderator(m, server)
    await m.goto(f"{server.url}/moderator/sessions/{SESSION}")
    await connected(m)
    figure = stage.locator(".stage-poll")

    # -- a rating from 1 to 5, asked in English and French ---------------------------------
    await prepare(m, "rating", "How useful was the opening?",
                  french="L’ouverture vous a-t-elle été utile ?")
    # On her phone the questions and the polls are two tabs: she opens the polls.
    await a.get_by_role("tab", name=re.compile("^Sondages")).click()
    form_a = a.locator("#poll-open form")
    await expect(form_a.locator(".poll-question")).to_have_text(
        "L’ouverture vous a-t-elle été utile ?")
    await expect(form_a.locator(".poll-how")).to_have_text("Notez de 1 à 5.")
    await form_a.get_by_label("4", exact=True).check()
    await form_a.get_by_role("button", name="Voter").click()
    await expect(form_a.locator(".poll-status")).to_contain_text("Merci")
    form_b = b.locator("#poll-open form")
    await expect(form_b.locator(".poll-question")).to_have_text("How useful was the opening?")
    await form_b.get_by_label("5", exact=True).check()
    await form_b.get_by_role("button", name="Vote", exact=True).click()
    await expect(figure).to_have_attribute("data-kind", "rating")
    await expect(figure.locator(".poll-average")).to_have_text("Average: 4.5 out of 5")
    await expect(figure.locator(".poll-option-text")).to_have_text(["5", "4", "3", "2", "1"])
    await expect(figure.locator(".poll-count")).to_have_text(
        ["1 vote", "1 vote", "0 votes", "0 votes", "0 votes"])
    await expect(figure.locator(".stage-poll-total")).to_have_text("2 ballots")
    await expect(form_a.locator(".poll-average")).to_have_text("Moyenne : 4,5 sur 5")
    await screenshot(stage, "poll-stage-rating")

    # -- a ranking: Borda points, best first ------------------------------------------------
    await prepare(m, "ranking", "Which line first?", "Tram\nBus\nCable car")
    await expect(form_a.locator(".poll-rank .poll-option-text")).to_have_text(
        ["Tram", "Bus", "Cable car"])
    # Ana moves the cable car to the top with the keyboard-reachable buttons.
    await form_a.get_by_role("button", name="Monter : Cable car").click()
    await expect(form_a.get_by_role("button", name="Monter : Cable car")).to_be_focused()
    await expect(form_a.locator(".poll-status")).to_have_text("Cable car : numéro 2 sur 3.")
    await form_a.get_by_role("button", name="Monter : Cable car").click()
    await expect(form_a.locator(".poll-rank .poll-option-text")).to_have_text(
        ["Cable car", "Tram", "Bus"])
    await form_a.get_by_role("button", name="Voter").click()
    await expect(form_a.locator(".poll-status")).to_contain_text("Merci")
    await form_b.get_by_role("button", name="Vote", exact=True).click()  # as listed
    await expect(figure).to_have_attribute("data-kind", "ranking")
    # Tram 1 + 2, cable car 2 + 0, bus 0 + 1.
    await expect(figure.locator(".poll-option-text")).to_have_text(["Tram", "Cable car", "Bus"])
    await expect(figure.locator(".poll-points")).to_have_text(["3 points", "2 points", "1 point"])
    await screenshot(stage, "poll-stage-ranking")

    # -- a word cloud, moderated -------------------------------------------------------------
    await prepare(m, "words", "One word for our cities in 2030?")
    await form_a.get_by_label("Mot 1").fill("Énergie")
    await form_a.get_by_label("Mot 2").fill("vélo")
    await form_a.get_by_role("button", name="Voter").click()
    await expect(form_a.locator(".poll-status")).to_contain_text("Merci")
    await form_b.get_by_label("Word 1").fill("energie ")
    await form_b.get_by_role("button", name="Vote", exact=True).click()
    await expect(form_b.locator(".poll-status")).to_have_text("Thank you! Your vote is counted.")
    item = m.locator("#m-polls > li").first
    waiting = item.locator(".poll-entry")
    await expect(waiting.locator(".poll-entry-text")).to_have_text(["Énergie (2)", "vélo (1)"])
    await expect(figure.locator(".poll-empty")).to_have_text("No words shown yet.")
    await waiting.filter(has_text="Énergie").get_by_role("button", name="Approve").click()
    await waiting.filter(has_text="vélo").get_by_role("button", name="Dismiss").click()
    await expect(item.locator(".poll-waiting-title")).to_have_text("Waiting for moderation (0)")
    await expect(figure).to_have_attribute("data-kind", "words")
    await expect(figure.locator(".poll-word-text")).to_have_text(["Énergie"])
    weight = await figure.locator(".poll-word").evaluate(
        "(word) => getComputedStyle(word).getPropertyValue('--weight')")
    assert weight.strip() == "1.000"
    await expect(form_b.locator(".poll-word-text")).to_have_text(["Énergie"])
    await screenshot(stage, "poll-stage-words")

    # -- a quiz: the answer on close, a leaderboard of nicknames --------------------------------
    await m.get_by_label("Kind of poll").select_option("quiz")
    await expect(m.get_by_label("Once the poll is closed")).to_be_checked()
    await prepare(m, "quiz", "When was the Paris Agreement adopted?", "1992\n*2015\n2021")
    await form_a.get_by_label("2015").check()
    await form_a.get_by_role("button", name="Voter").click()
    await expect(form_a.locator(".poll-status")).to_contain_text("Merci")
    await form_b.get_by_label("1992").check()
    await form_b.get_by_role("button", name="Vote", exact=True).click()
    await expect(form_b.locator(".poll-status")).to_have_text("Thank you! Your vote is counted.")
    await expect(figure.locator(".stage-poll-later")).to_have_text(
        "Results will be shown when the poll closes.")
    await expect(item.locator(".mark-correct:visible")).to_have_count(1)
    await item.get_by_role("button", name="Close the poll").click()
    await expect(figure.locator(".stage-poll-state")).to_have_text("Final results")
    correct = figure.locator(".poll-result.correct")
    await expect(correct.locator(".poll-option-text")).to_have_text("2015")
    await expect(correct.locator(".mark-correct")).to_be_visible()
    await expect(figure.locator(".poll-count")).to_have_text(["1 vote", "1 vote", "0 votes"])
    await expect(figure.locator(".poll-leader-name")).to_have_text(["Ana"])
    await expect(figure.locator(".poll-leader-score")).to_have_text(["1 point"])
    quiz_a = a.locator("#polls-closed > li").first
    await expect(quiz_a.locator(".poll-verdict")).to_have_text("Votre réponse était juste.")
    await expect(a.locator("#poll-my-score")).to_have_text("Votre score : 1 sur 1")
    await expect(b.locator("#polls-closed > li").first.locator(".poll-verdict")).to_have_text(
        "Your answer was not the right one.")
    await expect(b.locator("#poll-leaderboard .poll-leader-name")).to_have_text(["Ana"])
    await screenshot(stage, "poll-stage-quiz")
    await screenshot(a, "poll-quiz-phone")
    await screenshot(m, "poll-kinds-moderator")

    # The charts stay inside the stage's body: the footer is whole.
    footer = await stage.locator("#stage-join").bounding_box()
    assert footer is not None and footer["y"] + footer["height"] <= 1080
    assert not page_errors, page_errors
    await organiser.close()


async def test_open_answers_are_moderated_and_a_delegation_votes_once(
        start_server, new_page, page_errors, screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    ana = await organiser.call("access.grant", {"role": "attendee", "name": "Ana"})
    beatriz = await organiser.call("access.grant", {"role": "attendee", "name": "Beatriz"})
    cities = [(await organiser.call("delegation.create", {"name": name, "country": country}))["id"]
              for name, country in (("Villa Prueba", "MX"), ("Ville Essai", "FR"))]
    registration = (await organiser.call("attendance.register", {
        "name": "Ana", "principal": ana["principal"]}))["id"]
    await organiser.call("delegation.member", {"registration": registration,
                                               "delegation": cities[0]})
    await organiser.call("session.start", {"session": SESSION})
    moderator = await Client.connect(server.ws_url, server.moderator_token)

    stage = await new_page()
    await stage.set_viewport_size({"width": 1280, "height": 720})
    await stage.goto(f"{server.url}/stage/plenaria")
    await connected(stage)
    a = await new_page(locale="es-MX")
    await a.goto(f"{server.url}/a/{ana['token']}")
    await a.goto(f"{server.url}/live/{SESSION}")
    await connected(a)
    b = await new_page()
    await b.goto(f"{server.url}/a/{beatriz['token']}")
    await b.goto(f"{server.url}/live/{SESSION}")
    await connected(b)
    m = await new_page()
    await sign_in_moderator(m, server)
    await m.goto(f"{server.url}/moderator/sessions/{SESSION}")
    await connected(m)
    figure = stage.locator(".stage-poll")

    # -- open answers: nothing shows before a moderator approves it ---------------------------
    await prepare(m, "text", "One idea for greener streets?")
    form_a = a.locator("#poll-open form")
    await form_a.get_by_label("Tu respuesta").fill("Más árboles en cada cuadra")
    await form_a.get_by_role("button", name="Enviar mi respuesta").click()
    await expect(form_a.locator(".poll-my-answer")).to_contain_text("En espera de moderación")
    form_b = b.locator("#poll-open form")
    await form_b.get_by_label("Your answer").fill("Car-free Sundays")
    await form_b.get_by_role("button", name="Send my answer").click()
    await expect(form_b.locator(".poll-status")).to_have_text(
        "Thank you! A moderator will read your answer.")
    await expect(figure.locator(".poll-empty")).to_have_text("No answers shown yet.")
    item = m.locator("#m-polls > li").first
    entries = item.locator(".poll-entry")
    await expect(entries.locator(".poll-entry-by")).to_have_text([" — Ana", " — Beatriz"])
    await entries.filter(has_text="Más árboles").get_by_role("button", name="Approve").click()
    await entries.filter(has_text="Car-free").get_by_role("button", name="Dismiss").click()
    await expect(figure.locator(".poll-answer")).to_have_text(["Más árboles en cada cuadra"])
    await expect(figure.locator(".poll-answer")).to_have_attribute("lang", "es")
    await expect(form_a.locator(".poll-my-answer")).to_contain_text("Se muestra")
    await expect(form_b.locator(".poll-my-answer")).to_contain_text("Not shown")
    await expect(b.locator(".poll-answer")).to_have_text(["Más árboles en cada cuadra"])
    await expect(figure.locator(".stage-poll-total")).to_have_text("2 people answered")
    await expect(form_a.locator(".poll-total")).to_have_text("2 personas respondieron")
    await screenshot(stage, "poll-stage-answers")

    # -- one ballot per delegation: Beatriz is no delegate, Ana votes for Villa Prueba----------
    created = await moderator.call("poll.create", {
        "session": SESSION, "question": {"en": "Adopt the charter?", "es": "¿Adoptar la carta?"},
        "options": [{"en": "For", "es": "A favor"}, {"en": "Against", "es": "En contra"}],
        "audience": "delegation"})
    await moderator.call("poll.open", {"poll": created["id"]})
    await expect(form_b.locator(".poll-signin")).to_have_text(
        "Only the delegates of member cities vote in this poll.")
    await form_b.get_by_label("For").check()
    await form_b.get_by_role("button", name="Vote", exact=True).click()
    await expect(form_b.locator(".poll-status")).to_have_text(
        "Error: This poll is for the delegates of member cities.")
    await expect(form_a.locator(".poll-audience")).to_have_text(
        "Una papeleta por delegación: cualquier delegado la emite y cuenta la última.")
    await form_a.get_by_label("A favor").check()
    await form_a.get_by_role("button", name="Votar").click()
    await expect(form_a.locator(".poll-cast")).to_have_text(
        "Villa Prueba votó (papeleta emitida por Ana).")
    await expect(figure.locator(".poll-turnout")).to_have_text(
        "Turnout: 1 of 1 delegations present")
    # Ville Essai's delegate checks in at the door: the stage counts one delegation more
    # present before anyone else votes.
    claude = (await organiser.call("attendance.register", {"name": "Claude"}))["id"]
    await organiser.call("delegation.member", {"registration": claude, "delegation": cities[1]})
    await organiser.call("checkin.manual", {"registration": claude})
    await expect(figure.locator(".poll-turnout")).to_have_text(
        "Turnout: 1 of 2 delegations present")
    await expect(figure.locator(".poll-delegation")).to_have_text(["Villa Prueba"])
    await expect(figure.locator(".poll-delegation-ballot")).to_have_text(["For"])
    await expect(figure.locator(".poll-count")).to_have_text(["1 vote", "0 votes"])
    await screenshot(stage, "poll-stage-delegation")
    footer = await stage.locator("#stage-join").bounding_box()
    assert footer is not None and footer["y"] + footer["height"] <= 720
    assert not page_errors, page_errors
    await moderator.close()
    await organiser.close()


async def whole_on_screen(stage: Page, height: int) -> None:
    """The poll's question and its last item lie between the stage's title and its footer."""
    body = await stage.locator("#stage-body").bounding_box()
    question = await stage.locator(".stage-poll-question").bounding_box()
    last = await stage.locator(".poll-chart li").last.bounding_box()
    footer = await stage.locator("#stage-join").bounding_box()
    assert body and question and last and footer
    assert question["y"] >= body["y"] - 1
    assert last["y"] + last["height"] <= footer["y"] + 1
    assert footer["y"] + footer["height"] <= height


async def test_a_full_cloud_and_long_answers_fit_the_stage_above_its_footer(
        start_server, new_page, page_errors, screenshot) -> None:
    server = start_server()
    organiser = await Client.connect(server.ws_url, server.organiser_token)
    await organiser.call("session.start", {"session": SESSION})
    stage = await new_page()
    await stage.set_viewport_size({"width": 1024, "height": 768})
    await stage.goto(f"{server.url}/stage/plenaria")
    await connected(stage)
    voters = [await Client.connect(server.ws_url, (await organiser.call(
        "access.grant", {"role": "attendee", "name": f"V{n}"}))["token"]) for n in range(20)]

    cloud = (await organiser.call("poll.create", {"session": SESSION, "kind": "words",
                                                  "question": "Three words?"}))["id"]
    await organiser.call("poll.open", {"poll": cloud})
    for n, voter in enumerate(voters):
        await voter.call("poll.vote", {"poll": cloud, "words": [
            f"{n}-{k} interdisciplinary-sustainability" for k in range(3)]})
    await organiser.call("poll.moderate", {"poll": cloud, "verdict": "approve"})
    await expect(stage.locator(".poll-word")).to_have_count(40)
    await screenshot(stage, "poll-stage-full-cloud")
    await whole_on_screen(stage, 768)

    # A late answer waiting for moderation changes the count, not the cloud: its words stay put.
    shown_word = await stage.locator(".poll-word").last.element_handle()
    late = await Client.connect(server.ws_url, (await organiser.call(
        "access.grant", {"role": "attendee", "name": "Late"}))["token"])
    await late.call("poll.vote", {"poll": cloud, "words": ["late"]})
    await expect(stage.locator(".stage-poll-total")).to_have_text("21 people answered")
    assert await shown_word.evaluate("node => node.isConnected")
    await late.close()

    answers = (await organiser.call("poll.create", {"session": SESSION, "kind": "text",
                                                    "question": "Your idea?"}))["id"]
    await organiser.call("poll.open", {"poll": answers})
    for n, voter in enumerate(voters[:10]):
        await voter.call("poll.vote", {"poll": answers, "text": f"Idea {n}: " + "more trees " * 24})
    await organiser.call("poll.moderate", {"poll": answers, "verdict": "approve"})
    await expect(stage.locator(".poll-answer")).to_have_count(6)
    await expect(stage.locator(".poll-answer").first).to_contain_text("Idea 9:")
    await screenshot(stage, "poll-stage-long-answers")
    await whole_on_screen(stage, 768)
    assert not page_errors, page_errors
    for client in (organiser, *voters):
        await client.close()
