// The polls section of a session's live page: vote in the open poll (a choice, a rating,
// a ranking, words for a cloud, an open answer, a quiz), change or take back my vote,
// follow the results; closed polls with their final results, a quiz's answer, my score
// and the leaderboard.
//
// The form of the open poll is built once per poll and then only updated, so that a
// ballot being made, and the focus, survive the pushes that arrive every 0.2 s.

import { lang, t } from "./i18n.js";
import { drawChart, drawLeaderboard } from "./poll_charts.js";
import {
  audienceText, hasBallot, hasCounts, PollRoom, pollText, quizScore, setText, totalText,
} from "./polls.js";
import { el, errorText, reconcile } from "./qa.js";

const MAX_WORDS = 3;
const MAX_WORD = 40;
const MAX_ANSWERS = 3;
const MAX_ANSWER = 280;

// Why ``me`` cannot vote in ``poll``, or "" when they can.
function outside(poll, me) {
  if (poll.audience === "onsite" && !me.on_site) {
    return t("Only the people checked in at the venue vote in this poll.");
  }
  if (poll.audience === "online" && me.on_site) {
    return t("Only the people following online vote in this poll.");
  }
  if ((poll.audience === "delegates" || poll.audience === "delegation") && !me.delegation) {
    return t("Only the delegates of member cities vote in this poll.");
  }
  return "";
}

function howText(poll) {
  switch (poll.kind) {
    case "rating": return t("Rate from 1 to {max}.", { max: poll.scale });
    case "ranking": return t("Put the options in order, the best first.");
    case "words": return t("Send up to {count} words.", { count: MAX_WORDS });
    case "text": return t("A moderator reads the answers before they are shown.");
    default: return poll.multiple ? t("Choose one or more answers.") : t("Choose one answer.");
  }
}

const STATUS = {
  pending: () => t("Waiting for moderation"),
  approved: () => t("Shown"),
  dismissed: () => t("Not shown"),
};

export function mountLivePolls(socket, sessionId, { mayVote }) {
  const polls = new PollRoom(socket, sessionId);
  const $ = (id) => document.getElementById(id);
  const section = $("polls-section");
  const current = $("poll-open");
  const none = $("poll-none");
  const news = $("poll-news");
  const closedTitle = $("polls-closed-title");
  const closedList = $("polls-closed");
  const quiz = $("poll-quiz");

  let form = null; // the open poll's form, and which poll it is for
  let formFor = null;
  let editing = false; // changing a vote already cast
  let sending = false;
  // Polls the server took a ballot of mine in, whatever the room snapshot said of me then
  // (a check-in at the kiosk after the page opened).
  const accepted = new Set();

  polls.addEventListener("change", (event) => {
    const { kind, poll, was } = event.detail;
    if (kind === "changed" && poll && poll.status !== was) {
      const question = pollText(poll.question, poll);
      if (poll.status === "open") say(t("A poll is open: {question}", { question }));
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
    renderQuiz();
  }

  // -- the open poll -------------------------------------------------------------------------

  function pollForm(poll) {
    const node = el("form", { className: `poll-form kind-${poll.kind}`, attrs: { novalidate: true },
                              dataset: { poll: poll.id, kind: poll.kind } },
      el("fieldset", { className: "poll-fields" },
        el("legend", {},
          el("span", { className: "poll-question", text: pollText(poll.question, poll),
                       attrs: { lang: questionLang(poll) } }),
          el("span", { className: "poll-how", text: howText(poll) }),
          el("span", { className: "poll-audience", text: audienceText(poll) })),
        ...ballotFields(poll)),
      el("div", { className: "poll-buttons" },
        el("button", { className: "poll-vote", text: t("Vote"), attrs: { type: "submit" } }),
        el("button", { className: "poll-change secondary", text: t("Change my vote"),
                       attrs: { type: "button" } }),
        el("button", { className: "poll-takeback secondary", text: t("Take back my vote"),
                       attrs: { type: "button" } })),
      el("p", { className: "poll-signin" }),
      el("p", { className: "poll-cast" }),
      el("ul", { className: "poll-my-answers", attrs: { "aria-label": t("My answers") } }),
      el("p", { className: "poll-status", attrs: { role: "status", "aria-live": "polite" } }),
      el("p", { className: "poll-total" }),
      el("p", { className: "poll-later" }),
      el("div", { className: "poll-chart", attrs: { "aria-live": "polite",
                                                    "aria-label": t("Results") } }));
    node.order = poll.options.map((_, index) => index); // a ranking being made
    node.addEventListener("submit", (event) => {
      event.preventDefault();
      const { data, problem } = readBallot(node, poll);
      if (problem) {
        showStatus(node, problem, true);
        const first = node.querySelector(".poll-fields input, .poll-fields textarea");
        if (first) first.focus();
        return;
      }
      vote(poll.id, data);
    });
    node.querySelector(".poll-change").addEventListener("click", () => {
      editing = true;
      render();
      const first = node.querySelector(".poll-fields input:checked")
        || node.querySelector(".poll-fields input, .poll-fields button");
      if (first) first.focus();
    });
    node.querySelector(".poll-takeback").addEventListener("click", () => vote(poll.id, {}));
    return node;
  }

  function questionLang(poll) {
    const texts = poll.question || {};
    return [document.documentElement.lang, poll.language].find((code) => texts[code])
      || Object.keys(texts)[0] || "";
  }

  function ballotFields(poll) {
    const name = `poll-${poll.id}`;
    switch (poll.kind) {
      case "rating":
        return [el("div", { className: "poll-scale-choices", attrs: { role: "presentation" } },
          ...Array.from({ length: poll.scale }, (_, index) => {
            const id = `${name}-${index + 1}`;
            return el("p", { className: "poll-choice poll-rate" },
              el("input", { attrs: { type: "radio", name, id, value: String(index + 1) } }),
              el("label", { text: String(index + 1), attrs: { for: id } }));
          }))];
      case "ranking":
        return [el("ol", { className: "poll-order" })];
      case "words":
        return Array.from({ length: MAX_WORDS }, (_, index) => {
          const id = `${name}-word-${index}`;
          return el("p", { className: "poll-word-field" },
            el("label", { text: t("Word {number}", { number: index + 1 }), attrs: { for: id } }),
            el("input", { attrs: { type: "text", id, maxlength: MAX_WORD, autocomplete: "off" } }));
        });
      case "text": {
        const id = `${name}-text`;
        return [el("label", { text: t("Your answer"), attrs: { for: id } }),
          el("textarea", { attrs: { id, rows: 3, maxlength: MAX_ANSWER } })];
      }
      default:
        return poll.options.map((option, index) => {
          const id = `${name}-${index}`;
          return el("p", { className: "check poll-choice" },
            el("input", { attrs: { type: poll.multiple ? "checkbox" : "radio", name, id,
                                   value: String(index) } }),
            el("label", { text: pollText(option, poll), attrs: { for: id } }));
        });
    }
  }

  // The ranking being made, with a button to move each option up or down.
  function drawOrder(node, poll) {
    const list = node.querySelector(".poll-order");
    // Drawn again only when the order changed: a list rebuilt under a finger at every tick
    // would swallow the tap.
    const drawn = node.order.join(" ");
    if (list.dataset.drawn === drawn) return;
    list.dataset.drawn = drawn;
    const moving = node.contains(document.activeElement) ? document.activeElement.dataset : {};
    list.replaceChildren(...node.order.map((option, place) => {
      const text = pollText(poll.options[option], poll);
      const move = (by, label, symbol) => el("button", {
        className: "poll-move secondary", text: symbol,
        attrs: { type: "button", "aria-label": label, disabled: place + by < 0
                 || place + by >= node.order.length },
        dataset: { option: String(option), by: String(by) } });
      return el("li", { className: "poll-rank", dataset: { option: String(option) } },
        el("span", { className: "poll-place", text: `${place + 1}.` }), " ",
        el("span", { className: "poll-option-text", text }),
        el("span", { className: "poll-moves" },
          move(-1, t("Move up: {option}", { option: text }), "↑"),
          move(1, t("Move down: {option}", { option: text }), "↓")));
    }));
    // The moved option keeps the focus, on the same button where it can still move.
    if (moving.option !== undefined) {
      const again = list.querySelector(`button[data-option="${moving.option}"][data-by="${moving.by}"]`);
      const target = again && !again.disabled ? again
        : list.querySelector(`button[data-option="${moving.option}"]:not([disabled])`);
      if (target) target.focus();
    }
    if (!list.dataset.listening) {
      list.dataset.listening = "1";
      list.addEventListener("click", (event) => {
        const button = event.target.closest("button.poll-move");
        if (!button || button.disabled) return;
        const from = node.order.indexOf(Number(button.dataset.option));
        const to = from + Number(button.dataset.by);
        [node.order[from], node.order[to]] = [node.order[to], node.order[from]];
        button.focus();
        const poll = polls.polls.get(node.dataset.poll);
        drawOrder(node, poll);
        // Said to screen readers: where the moved option is now.
        showStatus(node, t("{option}: number {place} of {count}.", {
          option: pollText(poll.options[node.order[to]], poll), place: to + 1,
          count: node.order.length }));
      });
    }
  }

  // The ballot the form holds, as ``poll.vote`` data, or the reason it cannot be sent.
  function readBallot(node, poll) {
    const checked = [...node.querySelectorAll(".poll-fields input:checked")]
      .map((input) => Number(input.value));
    switch (poll.kind) {
      case "rating":
        return checked.length ? { data: { rating: checked[0] } }
          : { problem: t("Choose a rating first.") };
      case "ranking":
        return { data: { ranking: [...node.order] } };
      case "words": {
        const words = [...node.querySelectorAll(".poll-word-field input")]
          .map((input) => input.value.trim()).filter(Boolean);
        // The writer's language picks the word filter that checks them.
        return words.length ? { data: { words, language: lang } }
          : { problem: t("Write at least one word first.") };
      }
      case "text": {
        const text = node.querySelector(".poll-fields textarea").value.trim();
        return text ? { data: { text, language: lang } } : { problem: t("Write your answer first.") };
      }
      default:
        if (!checked.length) {
          return { problem: poll.multiple ? t("Choose at least one answer first.")
            : t("Choose an answer first.") };
        }
        return { data: { choices: checked } };
    }
  }

  // Show the ballot cast in the form's fields (when the viewer is not changing it).
  function showBallot(node, poll, mine) {
    if (poll.kind === "ranking") {
      if (mine.length === poll.options.length) node.order = [...mine];
    } else if (poll.kind === "words") {
      node.querySelectorAll(".poll-word-field input").forEach((input, index) => {
        input.value = mine[index] || "";
      });
    } else if (poll.kind !== "text") {
      for (const input of node.querySelectorAll(".poll-fields input")) {
        input.checked = mine.includes(Number(input.value));
      }
    }
  }

  function updateForm(node, poll) {
    const mine = polls.mine.get(poll.id) || [];
    const answers = poll.kind === "text";
    const voted = !answers && hasBallot(mine);
    // Who the viewer is (checked in, a delegate) may have changed since the snapshot: the
    // note says who votes, the server decides and says why not.
    const refusal = accepted.has(poll.id) ? "" : outside(poll, polls.me);
    const allowed = mayVote();
    const full = answers && mine.length >= MAX_ANSWERS;
    const choosing = allowed && !full && (!voted || editing);
    node.classList.toggle("voted", voted && !editing);
    node.querySelector(".poll-fields").disabled = !choosing;
    if (!choosing) showBallot(node, poll, mine);
    if (poll.kind === "ranking") drawOrder(node, poll);
    for (const item of node.querySelectorAll(".poll-choice")) {
      const value = Number(item.querySelector("input").value);
      item.classList.toggle("mine", voted && mine.includes(value));
    }
    const send = node.querySelector(".poll-vote");
    send.hidden = !choosing;
    send.textContent = answers ? t("Send my answer") : voted ? t("Save my new vote") : t("Vote");
    node.querySelector(".poll-change").hidden = !(allowed && voted && !editing);
    node.querySelector(".poll-takeback").hidden = !(allowed && voted);
    const signin = node.querySelector(".poll-signin");
    setText(signin, !mayVote() ? t("Sign in with your personal link to vote.")
      : refusal || (full ? t("You have sent {max} answers: thank you.", { max: MAX_ANSWERS }) : ""));
    signin.hidden = !signin.textContent;
    const cast = node.querySelector(".poll-cast");
    const by = polls.castBy.get(poll.id);
    setText(cast, voted && poll.audience === "delegation" && polls.me.delegation
      ? t("{delegation} voted (ballot cast by {name}).",
          { delegation: polls.me.delegation.name, name: by || "" }) : "");
    cast.hidden = !cast.textContent;
    drawMyAnswers(node.querySelector(".poll-my-answers"), answers ? mine : []);
    const chart = node.querySelector(".poll-chart");
    const later = node.querySelector(".poll-later");
    const counted = hasCounts(poll);
    chart.hidden = !counted;
    later.hidden = counted;
    setText(later, t("Results will be shown when the poll closes."));
    setText(node.querySelector(".poll-total"), counted ? totalText(poll) : "");
    if (counted) drawChart(chart, poll, { chosen: voted ? mine : [] });
  }

  function drawMyAnswers(list, answers) {
    list.hidden = !answers.length;
    list.replaceChildren(...answers.map((answer) => el("li", { className: `poll-my-answer ${answer.status}` },
      el("span", { className: "poll-answer-text", text: answer.text }), " ",
      el("span", { className: `mark mark-${answer.status}`,
                   text: (STATUS[answer.status] || STATUS.pending)() }))));
  }

  function showStatus(node, text, isError = false) {
    const status = node.querySelector(".poll-status");
    setText(status, text);
    status.classList.toggle("error", isError);
  }

  async function vote(pollId, data) {
    const node = form;
    const poll = polls.polls.get(pollId);
    if (!node || !poll || sending) return;
    const takeBack = Object.keys(data).length === 0;
    if (takeBack && !polls.mine.has(pollId)) return;
    sending = true; // buttons stay enabled: a disabled button would drop the focus
    showStatus(node, t("Sending…"));
    try {
      const result = await socket.call("poll.vote", { poll: pollId, ...data });
      accepted.add(pollId);
      if (poll.kind === "text") {
        const mine = polls.mine.get(pollId) || [];
        if (!mine.some((answer) => answer.id === result.entry)) {
          polls.setMine(pollId, [...mine, { id: result.entry, text: data.text, status: result.status }]);
        }
        node.querySelector(".poll-fields textarea").value = "";
      } else {
        // Words come back as their keys; the words as written show until the push.
        polls.setMine(pollId, poll.kind === "words" && data.words ? data.words : result.ballot);
      }
      // After taking a vote back the form is open again for a new one.
      editing = takeBack;
      render();
      showStatus(node, poll.kind === "text" ? t("Thank you! A moderator will read your answer.")
        : takeBack ? t("Your vote was taken back.") : t("Thank you! Your vote is counted."));
      if (takeBack) {
        for (const input of node.querySelectorAll(".poll-fields input")) {
          input.checked = false;
          if (input.type === "text") input.value = "";
        }
      }
      // The button that had the focus may be hidden now: keep the focus in the form.
      if (!node.contains(document.activeElement) || document.activeElement.hidden) {
        const next = [...node.querySelectorAll("button, input, textarea")]
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
    return el("li", { className: "poll-closed", dataset: { kind: poll.kind } },
      el("h3", { className: "poll-question", attrs: { id: heading } }),
      el("p", { className: "poll-total" }),
      el("p", { className: "poll-verdict" }),
      el("div", { className: "poll-chart", attrs: { role: "group", "aria-labelledby": heading } }));
  }

  function updateClosed(li, poll) {
    setText(li.querySelector(".poll-question"), pollText(poll.question, poll));
    const counted = hasCounts(poll);
    setText(li.querySelector(".poll-total"), counted
      ? `${t("Final results")} · ${totalText(poll)}` : "");
    const mine = polls.mine.get(poll.id) || [];
    const verdict = li.querySelector(".poll-verdict");
    let text = "";
    if (poll.kind === "quiz" && Array.isArray(poll.correct) && hasBallot(mine)) {
      const right = mine.length === poll.correct.length && mine.every((c) => poll.correct.includes(c));
      text = right ? t("Your answer was right.") : t("Your answer was not the right one.");
      verdict.classList.toggle("right", right);
    }
    setText(verdict, text);
    verdict.hidden = !text;
    if (counted) drawChart(li.querySelector(".poll-chart"), poll,
                           { chosen: poll.kind === "text" ? [] : mine });
  }

  // -- quizzes ---------------------------------------------------------------------------------

  function renderQuiz() {
    const { score, count } = quizScore(polls);
    quiz.hidden = !count;
    if (!count) return;
    setText($("poll-my-score"), t("Your score: {score} of {count}", { score, count }));
    drawLeaderboard($("poll-leaderboard"), polls.leaderboard);
  }

  render();
  return { polls, render };
}
