// The polls section of a session's live page: vote in the open poll, change or take
// back my vote, follow the results; closed polls with their final results.
//
// The form of the open poll is built once per poll and then only updated, so that a
// choice being made, and the focus, survive the pushes that arrive every 0.2 s.

import { t } from "./i18n.js";
import { ballotsText, drawResults, hasCounts, PollRoom, pollText, setText } from "./polls.js";
import { el, errorText, reconcile } from "./qa.js";

export function mountLivePolls(socket, sessionId, { mayVote }) {
  const polls = new PollRoom(socket, sessionId);
  const $ = (id) => document.getElementById(id);
  const section = $("polls-section");
  const current = $("poll-open");
  const none = $("poll-none");
  const news = $("poll-news");
  const closedTitle = $("polls-closed-title");
  const closedList = $("polls-closed");

  let form = null; // the open poll's form, and which poll it is for
  let formFor = null;
  let editing = false; // changing a vote already cast
  let sending = false;

  polls.addEventListener("change", (event) => {
    const { kind, poll, was } = event.detail;
    if (kind === "changed" && poll && poll.status !== was) {
      if (poll.status === "open") say(t("A poll is open: {question}", { question: pollText(poll.question, poll) }));
      if (poll.status === "closed") say(t("The poll is closed: here are the results."));
    }
    render();
  });

  function say(text) {
    news.textContent = text;
  }

  function render() {
    const open = polls.openPoll;
    const closed = polls.closed;
    section.hidden = !polls.ready || (!open && !closed.length);
    none.hidden = Boolean(open);
    if (!open) {
      // The poll closed under the voter's hands: the focus goes to the section's heading.
      const hadFocus = current.contains(document.activeElement);
      current.replaceChildren();
      form = formFor = null;
      if (hadFocus) $("polls-title").focus();
    } else {
      if (formFor !== open.id) {
        form = pollForm(open);
        formFor = open.id;
        editing = false;
        current.replaceChildren(form);
      }
      updateForm(form, open);
    }
    closedTitle.hidden = !closed.length;
    reconcile(closedList, closed, (poll) => poll.id, closedItem, updateClosed);
  }

  // -- the open poll -------------------------------------------------------------------------

  function pollForm(poll) {
    const name = `poll-${poll.id}`;
    const options = poll.options.map((option, index) => {
      const id = `${name}-${index}`;
      return el("p", { className: "check poll-choice" },
        el("input", { attrs: { type: poll.multiple ? "checkbox" : "radio", name, id,
                               value: String(index) } }),
        el("label", { text: pollText(option, poll), attrs: { for: id } }));
    });
    const node = el("form", { className: "poll-form", attrs: { novalidate: true },
                              dataset: { poll: poll.id } },
      el("fieldset", { className: "poll-fields" },
        el("legend", {},
          el("span", { className: "poll-question", text: pollText(poll.question, poll) }),
          el("span", { className: "poll-how", text: poll.multiple
            ? t("Choose one or more answers.") : t("Choose one answer.") })),
        ...options),
      el("div", { className: "poll-buttons" },
        el("button", { className: "poll-vote", text: t("Vote"), attrs: { type: "submit" } }),
        el("button", { className: "poll-change secondary", text: t("Change my vote"),
                       attrs: { type: "button" } }),
        el("button", { className: "poll-takeback secondary", text: t("Take back my vote"),
                       attrs: { type: "button" } })),
      el("p", { className: "poll-signin", text: t("Sign in with your personal link to vote.") }),
      el("p", { className: "poll-status", attrs: { role: "status", "aria-live": "polite" } }),
      el("p", { className: "poll-total" }),
      el("p", { className: "poll-later" }),
      el("ol", { className: "poll-results", attrs: { "aria-live": "polite",
                                                     "aria-label": t("Results") } }));
    node.addEventListener("submit", (event) => {
      event.preventDefault();
      vote(poll.id, chosen(node));
    });
    node.querySelector(".poll-change").addEventListener("click", () => {
      editing = true;
      render();
      const first = node.querySelector("input:checked") || node.querySelector("input");
      if (first) first.focus();
    });
    node.querySelector(".poll-takeback").addEventListener("click", () => vote(poll.id, []));
    return node;
  }

  function chosen(node) {
    return [...node.querySelectorAll("input:checked")].map((input) => Number(input.value));
  }

  function updateForm(node, poll) {
    const mine = polls.mine.get(poll.id) || [];
    const voted = mine.length > 0;
    const allowed = mayVote();
    const choosing = allowed && (!voted || editing);
    node.classList.toggle("voted", voted && !editing);
    node.querySelector(".poll-fields").disabled = !choosing;
    // While choosing, the boxes are the viewer's; otherwise they show the ballot cast.
    if (!choosing) {
      for (const input of node.querySelectorAll("input")) {
        input.checked = mine.includes(Number(input.value));
      }
    }
    for (const item of node.querySelectorAll(".poll-choice")) {
      item.classList.toggle("mine", mine.includes(Number(item.querySelector("input").value)));
    }
    node.querySelector(".poll-vote").hidden = !choosing;
    node.querySelector(".poll-vote").textContent = voted ? t("Save my new vote") : t("Vote");
    node.querySelector(".poll-change").hidden = !(allowed && voted && !editing);
    node.querySelector(".poll-takeback").hidden = !(allowed && voted);
    node.querySelector(".poll-signin").hidden = allowed;
    const results = node.querySelector(".poll-results");
    const later = node.querySelector(".poll-later");
    const counted = hasCounts(poll);
    results.hidden = !counted;
    later.hidden = counted;
    setText(later, t("Results will be shown when the poll closes."));
    setText(node.querySelector(".poll-total"), counted ? ballotsText(poll.total) : "");
    if (counted) drawResults(results, poll, { chosen: mine });
  }

  function showStatus(node, text, isError = false) {
    const status = node.querySelector(".poll-status");
    setText(status, text);
    status.classList.toggle("error", isError);
  }

  async function vote(pollId, choices) {
    const node = form;
    const poll = polls.polls.get(pollId);
    if (!node || !poll || sending) return;
    const takeBack = choices.length === 0;
    if (takeBack && !polls.mine.has(pollId)) {
      showStatus(node, poll.multiple ? t("Choose at least one answer first.")
        : t("Choose an answer first."), true);
      const first = node.querySelector("input");
      if (first) first.focus();
      return;
    }
    sending = true; // buttons stay enabled: a disabled button would drop the focus
    showStatus(node, t("Sending…"));
    try {
      const result = await socket.call("poll.vote", { poll: pollId, choices });
      polls.setMine(pollId, result.ballot);
      // After taking a vote back the form is open again for a new one.
      editing = takeBack;
      render();
      showStatus(node, takeBack ? t("Your vote was taken back.") : t("Thank you! Your vote is counted."));
      if (takeBack) {
        for (const input of node.querySelectorAll("input")) input.checked = false;
      }
      // The button that had the focus may be hidden now: keep the focus in the form.
      if (!node.contains(document.activeElement) || document.activeElement.hidden) {
        const next = [...node.querySelectorAll("button, input")]
          .find((candidate) => !candidate.hidden && !candidate.disabled
            && candidate.getClientRects().length > 0);
        if (next) next.focus();
      }
    } catch (error) {
      showStatus(node, errorText(error), true);
    } finally {
      sending = false;
    }
  }

  // -- closed polls ----------------------------------------------------------------------------

  function closedItem(poll) {
    const heading = `poll-closed-${poll.id}`;
    return el("li", { className: "poll-closed" },
      el("h3", { className: "poll-question", attrs: { id: heading } }),
      el("p", { className: "poll-total" }),
      el("ol", { className: "poll-results", attrs: { "aria-labelledby": heading } }));
  }

  function updateClosed(li, poll) {
    setText(li.querySelector(".poll-question"), pollText(poll.question, poll));
    const counted = hasCounts(poll);
    setText(li.querySelector(".poll-total"), counted
      ? `${t("Final results")} · ${ballotsText(poll.total)}` : "");
    if (counted) drawResults(li.querySelector(".poll-results"), poll,
                             { chosen: polls.mine.get(poll.id) || [] });
  }

  render();
  return { polls, render };
}
