// A session's live page for attendees: ask, upvote, follow the answers, live.
//
// Only what makes the page usable (the socket, the texts, the questions and the ask form)
// is imported up front: a slow phone's browser fetches six files at a time, each paying
// the network's round trip, so every module more in the first wave delays the page. The
// rest (player, polls, reactions, announcements, signatory wall, tabs, schedule changes)
// is imported right after, its files preloaded at low priority by the page's head, and
// hears through a LateView whatever the socket said before it arrived.

import { bothClocks, clock, day, lang, localized, showConnection, t, tn } from "./i18n.js";
import {
  QARoom, el, errorText, newest, qaStateText, ranked, reconcile, votesText,
} from "./qa.js";
import { LateView, Socket } from "./socket.js";

const article = document.getElementById("live");
const sessionId = article.dataset.session;
// Of the programme, this page needs its session only (and the rooms): not a large event's
// megabytes on a phone's network.
const socket = new Socket({ hello: { lang, sessions: [sessionId] } });
const room = new QARoom(socket, sessionId);

const form = document.getElementById("ask-form");
const fields = document.getElementById("ask-fields");
const textarea = document.getElementById("ask-text");
const used = document.getElementById("ask-used");
const counter = document.getElementById("ask-count");
const anonRow = document.getElementById("anon-row");
const anonBox = document.getElementById("ask-anon");
const languageSelect = document.getElementById("ask-lang");
const submit = document.getElementById("ask-submit");
const askStatus = document.getElementById("ask-status");
const signIn = document.getElementById("ask-signin");
const stateLine = document.getElementById("l-state");
const stateText = document.getElementById("l-state-text");
const list = document.getElementById("questions");
const empty = document.getElementById("q-empty");
const count = document.getElementById("q-count");
const news = document.getElementById("q-news");
const mineSection = document.getElementById("mine-section");
const mineList = document.getElementById("mine");
const sortButtons = [...document.querySelectorAll("[data-sort]")];

const MAX = 500;
const ASKERS = new Set(["attendee", "moderator", "organiser"]);
let me = null;
let helloDone = false;
let rooms = new Map();
let sortBy = sessionStorage.getItem("qa-sort") === "time" ? "time" : "votes";
let retryUntil = 0;
let sending = false;
let retryTimer = null;
let fresh = 0;
let newsTimer = null;

let polls = null; // mounted with the modules imported after the page is usable
let reactions = null;
showConnection(socket, document.getElementById("conn"));

socket.addEventListener("snapshot", (event) => {
  me = event.detail.me;
  helloDone = true;
  rooms = new Map(event.detail.programme.rooms.map((r) => [r.id, r]));
  renderForm();
  if (polls) polls.render(); // who may vote is known now
});
socket.addEventListener("schedule.loaded", (event) => {
  rooms = new Map(event.detail.programme.rooms.map((r) => [r.id, r]));
});
// The room is joined with every connection, in the same round trip as the hello.
socket.follow(sessionId);
socket.addEventListener("failed", (event) => showStatus(errorText(event.detail), true));

room.addEventListener("change", (event) => {
  const { kind, question, appeared } = event.detail;
  if (appeared && question && !question.mine && kind !== "reset") announceNew();
  if (kind === "reset") rememberVerdicts();
  else if (question && question.mine) sayVerdict(question);
  if (kind === "session" || kind === "reset" || kind === "settings") renderHead();
  renderForm();
  renderQuestions();
  renderMine();
});

// -- the session and whether questions are open ------------------------------------------

function renderHead() {
  const session = room.session;
  if (!session) {
    stateLine.dataset.open = "false";
    stateText.textContent = t("This session is no longer on the programme.");
    return;
  }
  document.getElementById("l-title").textContent = localized(session.title);
  const when = document.getElementById("l-when");
  when.dateTime = session.start;
  when.textContent = `${day(session.start)} · ${bothClocks(session.start, session.end)}`;
  const place = rooms.get(session.room);
  document.getElementById("l-room").textContent = place ? localized(place.name) : session.room;
  article.dataset.status = session.status;
  stateLine.dataset.open = String(room.open);
  stateText.textContent = qaStateText(session, room.settings);
}

// -- asking ------------------------------------------------------------------------------

function mayAsk() {
  return Boolean(me && ASKERS.has(me.role));
}

function renderForm() {
  if (reactions) reactions.render();
  form.hidden = helloDone && !mayAsk();
  // Visitors who have not signed in (the event takes guests) may read but not ask.
  signIn.hidden = !(helloDone && me === null);
  anonRow.hidden = !room.settings.anonymous;
  if (!room.settings.anonymous) anonBox.checked = false;
  const open = room.ready && room.open;
  const wasDisabled = fields.disabled;
  fields.disabled = !open;
  // Closed: the form folds away on the phone, the reason stays.
  fields.hidden = room.ready && !open;
  submit.disabled = !open || Date.now() < retryUntil;
  if (wasDisabled && open && askStatus.dataset.kind === "closed") showStatus("");
  if (!open && room.ready) {
    showStatus(qaStateText(room.session, room.settings), false, "closed");
  }
  renderCounter();
}

function renderCounter() {
  const length = textarea.value.length;
  used.textContent = String(length);
  counter.classList.toggle("near", length > MAX - 50);
  counter.classList.toggle("full", length >= MAX);
}

function showStatus(text, isError = false, kind = "") {
  askStatus.textContent = text;
  askStatus.classList.toggle("error", isError);
  askStatus.dataset.kind = kind;
}

textarea.addEventListener("input", renderCounter);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = textarea.value.trim();
  if (!text) {
    showStatus(t("Write your question first."), true);
    textarea.focus();
    return;
  }
  const data = { session: sessionId, text, language: languageSelect.value };
  if (!anonRow.hidden && anonBox.checked) data.anonymous = true;
  if (sending) return;
  sending = true; // the button stays enabled, so that it keeps the focus
  showStatus(t("Sending…"));
  try {
    const result = await socket.call("qa.ask", data);
    textarea.value = "";
    renderCounter();
    showStatus(result.status === "pending"
      ? t("Thank you! Your question is waiting for moderation.")
      : t("Thank you! Your question is published."));
  } catch (error) {
    if (error.code === "qa.rate-limited") waitBeforeAsking(Number(error.params.retry_after) || 30);
    showStatus(errorText(error), true);
    textarea.focus();
  } finally {
    sending = false;
  }
});

// After a rate-limit refusal, the button waits and says how long.
function waitBeforeAsking(seconds) {
  retryUntil = Date.now() + seconds * 1000;
  clearInterval(retryTimer);
  const tick = () => {
    const left = Math.ceil((retryUntil - Date.now()) / 1000);
    if (left <= 0) {
      clearInterval(retryTimer);
      submit.textContent = t("Send the question");
      submit.disabled = !room.open;
      return;
    }
    submit.textContent = t("Wait {seconds} s", { seconds: left });
    submit.disabled = true;
  };
  tick();
  retryTimer = setInterval(tick, 1000);
}

// -- the questions -------------------------------------------------------------------------

function announceNew() {
  fresh += 1;
  clearTimeout(newsTimer);
  // Gather a burst into one announcement.
  newsTimer = setTimeout(() => {
    news.textContent = tn("{count} new question", "{count} new questions", fresh);
    fresh = 0;
    setTimeout(() => { news.textContent = ""; }, 8000);
  }, 1500);
}

for (const button of sortButtons) {
  button.addEventListener("click", () => {
    sortBy = button.dataset.sort;
    sessionStorage.setItem("qa-sort", sortBy);
    renderQuestions();
  });
}

function renderQuestions() {
  for (const button of sortButtons) {
    button.setAttribute("aria-pressed", String(button.dataset.sort === sortBy));
  }
  const approved = room.approved;
  const ordered = sortBy === "time" ? newest(approved) : ranked(approved);
  reconcile(list, ordered, (q) => q.id, questionItem, updateQuestion);
  count.textContent = approved.length ? `(${approved.length})` : "";
  empty.hidden = !room.ready || approved.length > 0;
}

function questionItem(question) {
  const vote = el("button", { className: "vote", attrs: { type: "button" } },
    el("span", { className: "arrow", text: "▲", attrs: { "aria-hidden": "true" } }),
    el("span", { className: "n" }));
  vote.addEventListener("click", () => toggleVote(question.id, vote));
  return el("li", { className: "q" },
    el("div", { className: "q-body" },
      el("p", { className: "q-marks" }),
      el("p", { className: "q-text" }),
      el("p", { className: "q-meta" }),
      el("p", { className: "q-reply" })),
    el("div", { className: "q-vote" }, vote));
}

function mark(text, kind) {
  return el("span", { className: `mark mark-${kind}`, text });
}

function updateQuestion(li, question) {
  const highlighted = room.highlighted === question.id;
  li.classList.toggle("answered", question.answered);
  li.classList.toggle("pinned", question.pinned);
  li.classList.toggle("on-stage", highlighted);
  li.classList.toggle("own", question.mine);
  const marks = [];
  if (highlighted) marks.push(mark(t("On stage now"), "stage"));
  if (question.pinned) marks.push(mark(t("Pinned"), "pinned"));
  if (question.answered) marks.push(mark(t("Answered"), "answered"));
  if (question.mine) marks.push(mark(t("Yours"), "own"));
  const markLine = li.querySelector(".q-marks");
  markLine.replaceChildren(...marks);
  markLine.hidden = !marks.length;
  const text = li.querySelector(".q-text");
  text.textContent = question.text;
  text.lang = question.language;
  li.querySelector(".q-meta").replaceChildren(...meta(question));
  const reply = li.querySelector(".q-reply");
  reply.hidden = !question.reply;
  if (question.reply) {
    reply.replaceChildren(el("strong", { text: t("Reply:") }), " ",
      el("span", { text: question.reply }));
  }
  const voted = room.myVotes.has(question.id);
  const button = li.querySelector(".vote");
  button.setAttribute("aria-pressed", String(voted));
  button.setAttribute("aria-label", t("Upvote ({count})", { count: question.votes }));
  button.disabled = !mayAsk();
  button.querySelector(".n").textContent = String(question.votes);
}

function meta(question) {
  const parts = [
    el("span", { className: "who", text: question.author_name || t("Anonymous") }),
    " · ",
    el("time", { text: clock(question.asked_at * 1000),
                 attrs: { datetime: new Date(question.asked_at * 1000).toISOString() } }),
  ];
  if (question.language !== lang) {
    parts.push(" · ", el("span", { className: "lang", text: question.language.toUpperCase() }));
  }
  if (question.edited) parts.push(" · ", el("span", { className: "edited", text: t("edited") }));
  return parts;
}

async function toggleVote(id, button) {
  const up = !room.myVotes.has(id);
  // Show the choice at once; the server's answer and pushes confirm it.
  if (up) room.myVotes.add(id);
  else room.myVotes.delete(id);
  button.setAttribute("aria-pressed", String(up));
  try {
    const result = await socket.call("qa.vote", { question: id, up });
    const question = room.questions.get(id);
    if (result.up) room.myVotes.add(id);
    else room.myVotes.delete(id);
    if (question && typeof result.votes === "number") question.votes = result.votes;
  } catch (error) {
    if (up) room.myVotes.delete(id);
    else room.myVotes.add(id);
    showNews(errorText(error));
  }
  renderQuestions();
}

function showNews(text) {
  news.textContent = text;
}

// -- my questions ----------------------------------------------------------------------------

// What the moderators decided about each of my questions, as last said: a new verdict is
// said in the ask form's status line (a live region), replacing "waiting for moderation".
const verdicts = new Map();

function verdictOf(question) {
  return `${question.status}/${question.answered ? "answered" : ""}`;
}

function rememberVerdicts() {
  for (const question of room.mine) verdicts.set(question.id, verdictOf(question));
}

function sayVerdict(question) {
  const before = verdicts.get(question.id);
  const now = verdictOf(question);
  verdicts.set(question.id, now);
  if (before === undefined || before === now) return;
  const quoted = question.text.length > 60 ? `${question.text.slice(0, 59)}…` : question.text;
  if (question.answered && !before.endsWith("answered")) {
    showStatus(t("Your question was answered: “{text}”", { text: quoted }), false, "verdict");
  } else if (question.status === "approved" && !before.startsWith("approved")) {
    showStatus(t("Your question was approved and is now public: “{text}”", { text: quoted }),
      false, "verdict");
  } else if (question.status === "dismissed" && !before.startsWith("dismissed")) {
    showStatus(t("Your question was not published: “{text}”", { text: quoted }), false, "verdict");
  }
}

const MY_STATUS = {
  pending: "Waiting for moderation",
  approved: "Approved",
  dismissed: "Not published",
};

function renderMine() {
  const mine = room.mine;
  mineSection.hidden = mine.length === 0;
  reconcile(mineList, mine, (q) => q.id, mineItem, updateMine);
}

function mineItem(question) {
  const withdraw = el("button", { className: "withdraw secondary", text: t("Withdraw"),
                                  attrs: { type: "button" } });
  withdraw.addEventListener("click", () => withdrawQuestion(question.id, withdraw));
  return el("li", { className: "q mine" },
    el("div", { className: "q-body" },
      el("p", { className: "q-marks" }),
      el("p", { className: "q-text" }),
      el("p", { className: "q-meta" })),
    el("div", { className: "q-actions" }, withdraw));
}

function updateMine(li, question) {
  li.dataset.status = question.status;
  const marks = [mark(t(MY_STATUS[question.status] || question.status), question.status)];
  if (question.answered) marks.push(mark(t("Answered"), "answered"));
  li.querySelector(".q-marks").replaceChildren(...marks);
  const text = li.querySelector(".q-text");
  text.textContent = question.text;
  text.lang = question.language;
  const votes = question.status === "approved"
    ? [" · ", el("span", { text: votesText(question.votes) })] : [];
  li.querySelector(".q-meta").replaceChildren(...meta(question), ...votes);
  li.querySelector(".withdraw").setAttribute("aria-label",
    t("Withdraw: {text}", { text: question.text.slice(0, 60) }));
}

async function withdrawQuestion(id, button) {
  // Not disabled while busy: a disabled button would drop the focus.
  if (button.getAttribute("aria-disabled") === "true") return;
  button.setAttribute("aria-disabled", "true");
  try {
    await socket.call("qa.withdraw", { question: id });
    showStatus(t("Your question was withdrawn."));
  } catch (error) {
    showStatus(errorText(error), true);
  } finally {
    button.removeAttribute("aria-disabled");
  }
}

// When the focused item leaves a list (withdrawn), focus goes to the list's heading.
mineList.addEventListener("focuslost", () => {
  const heading = room.mine.length ? "mine-title" : "questions-title";
  document.getElementById(heading).focus();
});
list.addEventListener("focuslost", () => document.getElementById("questions-title").focus());

renderQuestions();
const later = new LateView(socket); // for the rest of the page, below
socket.connect();

// -- the rest of the page, once its modules are here ----------------------------------

Promise.all([
  import("./agenda.js"), import("./announcements.js"), import("./live_tabs.js"),
  import("./player.js"), import("./polls_live.js"), import("./reactions.js"),
  import("./signatory_wall.js"),
]).then(([agenda, announcements, tabs, player, pollsLive, reactionsModule, wall]) => {
  mountRest({ ...agenda, ...announcements, ...tabs, ...player, ...pollsLive,
    ...reactionsModule, ...wall });
  later.open(); // what the socket said before: snapshots, pushes
  polls.render();
  reactions.render();
});

function mountRest({
  AgendaStore, Burst, ReactionCounts, Wall, mountAnnouncements, mountLiveTabs, mountLivePolls,
  mountPlayer, mountReactionButtons,
}) {
  const socket = later;
  const store = new AgendaStore(socket);
  polls = mountLivePolls(socket, sessionId, { mayVote: () => mayAsk() });
  mountPlayer(socket, sessionId);
  // The event's announcements and this room's, newest first; each new one is said once.
  // The latest two show (one on a phone); the rest on demand, so that they do not push the
  // rest down.
  const announcementList = mountAnnouncements(socket, {
    accept: (a) => !a.room || a.room === sessionId, keep: true,
  });
  const TABBED = window.matchMedia("(max-width: 47.99rem)"); // as in qa.css and live_tabs.js
  const moreAnnouncements = document.createElement("button");
  moreAnnouncements.type = "button";
  moreAnnouncements.className = "secondary more-announcements";
  moreAnnouncements.hidden = true;
  moreAnnouncements.setAttribute("aria-expanded", "false");
  announcementList.element.after(moreAnnouncements);
  announcementList.element.addEventListener("rendered", (event) => {
    const count = event.detail.length;
    moreAnnouncements.hidden = count <= (TABBED.matches ? 1 : 2);
    moreAnnouncements.textContent = t("All announcements ({count})", { count });
  });
  moreAnnouncements.addEventListener("click", () => {
    const all = announcementList.element.classList.toggle("all");
    moreAnnouncements.setAttribute("aria-expanded", String(all));
  });
  mountLiveTabs();

  // Reactions: send one; see everyone's rise (remote attendees feel the room).
  reactions = mountReactionButtons(socket, sessionId, document.getElementById("react-buttons"),
    document.getElementById("react-status"), {
      mayReact: () => mayAsk() && room.ready && !["ended", "cancelled"].includes(
        room.session && room.session.status),
    });
  const burst = new Burst(document.getElementById("live-burst"));
  new ReactionCounts(socket, sessionId).addEventListener("change", (e) => burst.add(e.detail));

  // A change to this session (delayed, moved, started…) is said in the page's news line.
  const liveNews = document.getElementById("l-news");
  store.addEventListener("update", (event) => {
    const { reason, sessions, text } = event.detail;
    if (reason === "changed" && sessions.some((s) => s.id === sessionId)) liveNews.textContent = text;
  });

  // Remote attendees follow the signing of the declaration as the stage shows it.
  const wallCard = document.querySelector(".wall-card");
  new Wall(socket, document.getElementById("signatory-wall"), { stage: true })
    .addEventListener("visibility", (event) => { wallCard.hidden = !event.detail; });
}
