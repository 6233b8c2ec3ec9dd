// Stage display of one room, for the projector: the session on now (live, else the one
// running by the clock, else the next), its highlighted question large, else its top
// questions, and where to ask from a phone. A poll put on stage replaces the Q&A, with
// its results large. No controls; everything arrives live.

import { AgendaStore } from "./agenda.js";
import { announcementText } from "./announcements.js";
import { Burst, ReactionCounts } from "./reactions.js";
import { clock, lang, localized, showConnection, t } from "./i18n.js";
import { QARoom, el, qaStateText, ranked, votesText } from "./qa.js";
import { onNow } from "./now.js";
import { drawChart, drawLeaderboard } from "./poll_charts.js";
import { hasCounts, PollRoom, pollText, totalText } from "./polls.js";
import { qrSvg } from "./qr.js";
import { Wall } from "./signatory_wall.js";
import { Socket } from "./socket.js";

const screen = document.getElementById("stage");
const roomId = screen.dataset.room;
const title = document.getElementById("stage-title");
const when = document.getElementById("stage-when");
const body = document.getElementById("stage-body");
const band = document.getElementById("stage-announcement");
const joinText = document.getElementById("stage-join-text");
const url = document.getElementById("stage-url");
const qr = document.getElementById("stage-qr");
const clockLine = document.getElementById("stage-clock");
const occupancyLine = document.getElementById("stage-occupancy");
const socket = new Socket({ hello: { lang } });
const room = new QARoom(socket, null);
const polls = new PollRoom(socket, null);
// The hall's reactions rise over the screen as they come, coalesced five times a second.
const reactionCounts = new ReactionCounts(socket, null);
const burst = new Burst(document.getElementById("stage-burst"));
reactionCounts.addEventListener("change", (e) => burst.add(e.detail));
// While signing is open, and a quarter of an hour after, the signatory wall takes the screen.
new Wall(socket, document.getElementById("signatory-wall"), { stage: true, linger: 15 * 60_000 })
  .addEventListener("visibility", (event) => {
    screen.dataset.wall = event.detail ? "on" : "off";
  });
const TOP = 5;
const STAGE_ANSWERS = 6;
const STAGE_WORDS = 40;

let programme = null;
let joined = null; // the session whose room this page is in
let announcements = []; // the room's
let eventAnnouncements = []; // everyone's
let news = null; // {text, until}: the latest change to the session on stage, for a while
const NEWS_FOR = 120_000;
const store = new AgendaStore(socket); // to say what a change did, in words
store.addEventListener("update", (event) => {
  const { reason, sessions, text } = event.detail;
  if (reason !== "changed" || !joined || !sessions.some((s) => s.id === joined)) return;
  news = { text, until: Date.now() + NEWS_FOR };
  renderAnnouncement();
  setTimeout(renderAnnouncement, NEWS_FOR + 100);
});

showConnection(socket, document.getElementById("conn"));

function sessionsHere() {
  return programme.sessions
    .filter((s) => s.room === roomId && s.status !== "cancelled")
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

// Live first; else the one running now by the clock; else the next one today or later.
function currentSession() {
  if (!programme) return null;
  const now = socket.now;
  const sessions = sessionsHere();
  return onNow(sessions, now)
    || sessions.find((s) => s.status !== "ended" && Date.parse(s.start) > now)
    || null;
}

async function follow() {
  if (!programme || socket.state !== "connected") return;
  const session = currentSession();
  const id = session ? session.id : null;
  if (id === joined) {
    render();
    return;
  }
  if (joined) socket.leave(joined);
  joined = id;
  room.follow(id);
  polls.follow(id);
  reactionCounts.follow(id);
  announcements = [];
  news = null;
  render();
  if (id) {
    try {
      await socket.join(id, { stage: true }); // with the hall's and online counts
    } catch {
      joined = null; // tried again on the next tick
    }
  }
}

socket.addEventListener("snapshot", (event) => {
  programme = event.detail.programme;
  eventAnnouncements = event.detail.announcements;
});
// After the first sign-in, and after a reconnect (the socket joins its rooms again itself).
socket.addEventListener("state", (event) => {
  if (event.detail === "connected") follow();
});
socket.addEventListener("session.changed", (event) => {
  if (!programme) return;
  const changed = new Map(event.detail.sessions.map((s) => [s.id, s]));
  programme.sessions = programme.sessions.map((s) => changed.get(s.id) || s);
  for (const session of changed.values()) {
    if (!programme.sessions.some((s) => s.id === session.id)) programme.sessions.push(session);
  }
  follow();
});
socket.addEventListener("schedule.loaded", (event) => {
  programme = event.detail.programme;
  follow();
});
socket.addEventListener("room", (event) => {
  if (event.detail.room !== joined) return;
  announcements = event.detail.announcements;
  renderOccupancy(event.detail.occupancy);
  render();
});
socket.addEventListener("occupancy.changed", (event) => {
  if (joined && event.detail.occupancy[joined]) renderOccupancy(event.detail.occupancy[joined]);
});
socket.addEventListener("announcement.posted", (event) => {
  const { room: target, announcement } = event.detail;
  if (target === null) eventAnnouncements = [...eventAnnouncements, announcement];
  else if (joined && target === joined) announcements = [...announcements, announcement];
  else return;
  renderAnnouncement();
});
socket.addEventListener("announcement.withdrawn", (event) => {
  announcements = announcements.filter((a) => a.id !== event.detail.id);
  eventAnnouncements = eventAnnouncements.filter((a) => a.id !== event.detail.id);
  renderAnnouncement();
});
room.addEventListener("change", render);
polls.addEventListener("change", render);

// -- drawing -----------------------------------------------------------------------------------

function render() {
  draw();
  fit();
}

// Shrink the body's words (--fit, a factor on every font size in it) until its content
// fits between the header and the join footer: a 10-option poll or a 500-character
// question never pushes the QR code off the screen. A few halvings are enough.
function fit() {
  body.style.setProperty("--fit", "1");
  if (body.scrollHeight <= body.clientHeight + 1) return;
  let low = 0.25;
  let high = 1;
  for (let step = 0; step < 7; step += 1) {
    const middle = (low + high) / 2;
    body.style.setProperty("--fit", middle.toFixed(3));
    if (body.scrollHeight <= body.clientHeight + 1) low = middle;
    else high = middle;
  }
  body.style.setProperty("--fit", low.toFixed(3));
}

window.addEventListener("resize", fit);

function draw() {
  const session = room.session || (joined && programme
    ? programme.sessions.find((s) => s.id === joined) : null);
  title.textContent = session ? localized(session.title) : t("No session in this room now");
  when.textContent = session ? whenText(session) : "";
  renderJoin(session);
  renderAnnouncement();
  if (!session || !room.ready) {
    screen.dataset.mode = "idle";
    body.replaceChildren();
    return;
  }
  const poll = polls.shownPoll;
  if (poll && poll.status !== "draft") {
    screen.dataset.mode = "poll";
    renderPoll(poll);
    return;
  }
  const highlighted = room.highlightedQuestion;
  if (highlighted && highlighted.status === "approved") {
    screen.dataset.mode = "highlight";
    body.replaceChildren(highlight(highlighted));
    return;
  }
  const top = ranked(room.approved.filter((q) => !q.answered)).slice(0, TOP);
  if (top.length) {
    screen.dataset.mode = "top";
    body.replaceChildren(el("ol", { className: "stage-list" }, ...top.map(topItem)));
    return;
  }
  screen.dataset.mode = "waiting";
  body.replaceChildren(el("p", { className: "stage-idle",
    text: room.open ? t("Send your questions now.") : qaStateText(session, room.settings) }));
}

function whenText(session) {
  const times = `${clock(session.start)}–${clock(session.end)}`;
  if (session.status === "live") return `${t("Live")} · ${times}`;
  const now = socket.now;
  if (Date.parse(session.start) > now) return `${t("Next")} · ${times}`;
  return times;
}

function highlight(question) {
  const size = question.text.length <= 90 ? "xl" : question.text.length <= 220 ? "l" : "m";
  return el("figure", { className: `stage-highlight size-${size}` },
    el("blockquote", { className: "stage-question", text: question.text,
                       attrs: { lang: question.language } }),
    el("figcaption", { className: "stage-caption" },
      el("span", { className: "stage-asker", text: question.author_name || t("Anonymous") }),
      el("span", { className: "stage-votes" },
        el("span", { className: "arrow", text: "▲", attrs: { "aria-hidden": "true" } }),
        " ", votesText(question.votes))));
}

// The poll's figure is kept while the same poll is shown, and its bars are updated in
// place: the counts change several times a second while a hall votes.
let pollFigure = null;

function renderPoll(poll) {
  if (!pollFigure || pollFigure.dataset.poll !== poll.id || !body.contains(pollFigure)) {
    const question = pollText(poll.question, poll);
    const size = question.length <= 90 ? "xl" : question.length <= 200 ? "l" : "m";
    pollFigure = el("figure", { className: `stage-poll size-${size}`,
                                dataset: { poll: poll.id, kind: poll.kind } },
      el("p", { className: "stage-poll-state" }),
      el("figcaption", { className: "stage-poll-question", text: question }),
      el("div", { className: "poll-chart stage-poll-results" }),
      el("p", { className: "stage-poll-later" }),
      el("p", { className: "stage-poll-total" }),
      el("div", { className: "stage-poll-leaders", attrs: { hidden: true } },
        el("p", { className: "stage-poll-leaders-title", text: t("Quiz leaderboard") }),
        el("ol", { className: "poll-leaderboard" })));
    body.replaceChildren(pollFigure);
  }
  pollFigure.dataset.status = poll.status;
  pollFigure.dataset.options = String(poll.kind === "rating" ? poll.scale : poll.options.length);
  pollFigure.querySelector(".stage-poll-state").textContent = poll.status === "closed"
    ? t("Final results") : poll.kind === "words" || poll.kind === "text"
      ? t("Answer now on your phone") : t("Vote now on your phone");
  const counted = hasCounts(poll);
  const results = pollFigure.querySelector(".stage-poll-results");
  const later = pollFigure.querySelector(".stage-poll-later");
  results.hidden = !counted;
  later.hidden = counted;
  later.textContent = counted ? "" : t("Results will be shown when the poll closes.");
  pollFigure.querySelector(".stage-poll-total").textContent = counted ? totalText(poll) : "";
  // The newest answers and the most sent words: what a hall can read from its seats.
  if (counted) drawChart(results, poll, { limit: poll.kind === "text" ? STAGE_ANSWERS : STAGE_WORDS });
  // A closed quiz: its answer is marked in the bars, the best scores of the session below.
  const leaders = pollFigure.querySelector(".stage-poll-leaders");
  leaders.hidden = !(poll.kind === "quiz" && poll.status === "closed" && polls.leaderboard.length);
  if (!leaders.hidden) drawLeaderboard(leaders.querySelector("ol"), polls.leaderboard);
}

function topItem(question) {
  return el("li", { className: question.pinned ? "pinned" : "" },
    el("span", { className: "stage-count" },
      el("span", { className: "arrow", text: "▲", attrs: { "aria-hidden": "true" } }),
      el("span", { className: "n", text: String(question.votes) })),
    el("span", { className: "stage-text", text: question.text, attrs: { lang: question.language } }));
}

// "120 in the hall · 450 following online": the remote half of the audience, seen by the room.
function renderOccupancy(counts) {
  const shown = Boolean(counts && (counts.inside || counts.online));
  occupancyLine.hidden = !shown;
  occupancyLine.textContent = shown ? t("{inside} in the hall · {online} following online", {
    inside: counts.inside.toLocaleString(lang), online: counts.online.toLocaleString(lang) }) : "";
}

function renderJoin(session) {
  const over = !session || session.status === "ended" || session.status === "cancelled";
  joinText.hidden = over;
  qr.hidden = over;
  if (over) return;
  const base = (screen.dataset.public || location.origin).replace(/\/+$/, "");
  const address = `${base}/live/${encodeURIComponent(session.id)}`;
  url.textContent = address.replace(/^https?:\/\//, "");
  // Phones in the room scan it rather than type the address.
  if (qr.dataset.address !== address) {
    qr.dataset.address = address;
    qr.replaceChildren(qrSvg(address, t("QR code of {address}", { address })));
  }
}

// The band under the body: a change to this session for two minutes, else the latest
// announcement (the room's or everyone's), in the screen's language.
function renderAnnouncement() {
  const now = socket.now / 1000;
  const live = [...announcements, ...eventAnnouncements]
    .filter((a) => !a.expires_at || a.expires_at > now)
    .sort((a, b) => a.posted_at - b.posted_at);
  const latest = live[live.length - 1];
  const fresh = news && news.until > Date.now() ? news.text : null;
  const before = band.textContent;
  band.hidden = !fresh && !latest;
  band.dataset.kind = fresh ? "change" : "announcement";
  if (fresh) {
    band.textContent = fresh;
    band.removeAttribute("lang");
  } else if (latest) {
    const { text, lang: code } = announcementText(latest);
    band.textContent = text;
    if (code) band.lang = code;
    else band.removeAttribute("lang");
  } else {
    band.textContent = "";
  }
  if (band.textContent !== before) fit();
}

function tick() {
  clockLine.textContent = clock(socket.now);
}

tick();
setInterval(tick, 10_000);
setInterval(follow, 30_000);
socket.connect();
