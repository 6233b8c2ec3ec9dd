// The results of a poll, drawn for its kind with plain elements and CSS (no chart
// library): bars for choices and quizzes (the correct answers marked once revealed), a
// rating's distribution and average, a ranking's Borda points best first, a word cloud,
// the approved open answers; for one ballot per delegation, which delegations voted
// what and the turnout. The live page, the moderator's panel and the stage draw alike.
//
// Parts are kept and updated in place: counts change several times a second while a
// hall votes, and a live region around them should read what changed, not all of it.

import { lang, t, tn } from "./i18n.js";
import { drawResults, pollText, setText } from "./polls.js";
import { el } from "./qa.js";

const decimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

// The child of ``box`` with class ``name``, made on first use, in call order.
function part(box, name, tag = "div", attrs = {}) {
  let node = box.querySelector(`:scope > .${name.split(" ")[0]}`);
  if (!node) {
    node = el(tag, { className: name, attrs });
    box.append(node);
  }
  return node;
}

export function pointsText(count) {
  return tn("{count} point", "{count} points", count);
}

// "For", "4", "Tram > Bus > Cable car": a ballot in words.
export function ballotText(poll, ballot) {
  if (poll.kind === "rating") return String(ballot[0]);
  const names = ballot.map((index) => pollText(poll.options[index], poll));
  return poll.kind === "ranking" ? names.join(" › ") : names.join(", ");
}

// ``limit``: at most that many words or answers (the stage shows what a hall can read).
export function drawChart(box, poll, { chosen = [], limit = Infinity } = {}) {
  if (box.dataset.kind !== poll.kind) {
    box.replaceChildren();
    box.dataset.kind = poll.kind;
    box.classList.remove(...[...box.classList].filter((name) => name.startsWith("chart-")));
    box.classList.add("poll-chart", `chart-${poll.kind}`);
  }
  switch (poll.kind) {
    case "rating": drawRating(box, poll, chosen); break;
    case "ranking": drawRanking(part(box, "poll-results poll-ranking", "ol"), poll); break;
    case "words": drawCloud(part(box, "poll-cloud", "ul"), poll, limit); break;
    case "text": drawAnswers(part(box, "poll-answers", "ul"), poll, limit); break;
    default:
      drawResults(part(box, "poll-results", "ol"), poll,
                  { chosen, correct: poll.kind === "quiz" ? poll.correct : null });
  }
  const delegations = box.querySelector(":scope > .poll-delegations");
  if (poll.audience === "delegation" && poll.delegations) {
    drawDelegations(part(box, "poll-delegations"), poll);
  } else if (delegations) {
    delegations.remove();
  }
  return box;
}

// -- rating ------------------------------------------------------------------------------------

function drawRating(box, poll, chosen) {
  const average = part(box, "poll-average", "p");
  setText(average, typeof poll.average === "number"
    ? t("Average: {average} out of {max}", { average: decimal.format(poll.average), max: poll.scale })
    : t("No ratings yet."));
  // The scale as options "1" … "10", best first, drawn as bars like a choice's.
  const values = Array.from({ length: poll.scale }, (_, index) => poll.scale - index);
  const scale = { ...poll, options: values.map(String),
                  counts: values.map((value) => poll.counts[value - 1]) };
  drawResults(part(box, "poll-results poll-scale", "ol"), scale,
              { chosen: chosen.map((value) => poll.scale - value) });
}

// -- ranking -----------------------------------------------------------------------------------

function drawRanking(list, poll) {
  const order = poll.options.map((_, index) => index)
    .sort((a, b) => (poll.counts[b] - poll.counts[a]) || (a - b));
  const top = Math.max(1, ...poll.counts);
  if (list.children.length !== order.length) {
    list.replaceChildren(...order.map(() => el("li", { className: "poll-result" },
      el("span", { className: "poll-option" },
        el("span", { className: "poll-place" }), " ",
        el("span", { className: "poll-option-text" })),
      el("span", { className: "poll-figures" }, el("span", { className: "poll-points" })),
      el("span", { className: "poll-bar", attrs: { "aria-hidden": "true" } },
        el("span", { className: "poll-fill" })))));
  }
  order.forEach((option, place) => {
    const row = list.children[place];
    row.dataset.option = String(option);
    setText(row.querySelector(".poll-place"), `${place + 1}.`);
    setText(row.querySelector(".poll-option-text"), pollText(poll.options[option], poll));
    setText(row.querySelector(".poll-points"), pointsText(poll.counts[option]));
    row.querySelector(".poll-fill").style.width = `${((poll.counts[option] / top) * 100).toFixed(1)}%`;
    row.classList.toggle("leads", poll.status === "closed" && place === 0 && poll.counts[option] > 0);
  });
}

// -- word cloud --------------------------------------------------------------------------------

function drawCloud(list, poll, limit) {
  const words = (poll.words || []).filter((word) => word.count > 0
    && (!word.status || word.status === "approved"))
    .sort((a, b) => (b.count - a.count) || a.key.localeCompare(b.key)).slice(0, limit);
  const top = Math.max(1, ...words.map((word) => word.count));
  list.setAttribute("aria-label", t("Word cloud"));
  // Pushes that change nothing shown keep the same nodes: a screen reader's place and a
  // viewer's eye stay where they were.
  const shown = words.map((word) => `${word.key}\u0000${word.text}\u0000${word.count}`).join("\u0001");
  if (list.dataset.shown === shown && list.children.length) return;
  list.dataset.shown = shown;
  // The more words, the smaller they all are: a dozen fill the space a single one would.
  list.style.setProperty("--many", Math.min(1, 3 / Math.sqrt(Math.max(1, words.length))).toFixed(3));
  list.replaceChildren(...words.map((word) => {
    const item = el("li", { className: "poll-word", dataset: { key: word.key } },
      el("span", { className: "poll-word-text", text: word.text }),
      el("span", { className: "poll-word-count", text: ` (${word.count})` }));
    // The most sent word is the largest (set through the CSSOM: the CSP forbids style="").
    item.style.setProperty("--weight", (word.count / top).toFixed(3));
    return item;
  }));
  if (!words.length) list.append(el("li", { className: "poll-empty", text: t("No words shown yet.") }));
}

// -- open answers ------------------------------------------------------------------------------

function drawAnswers(list, poll, limit) {
  const answers = (poll.entries || []).filter((entry) => !entry.status || entry.status === "approved")
    .sort((a, b) => b.at - a.at).slice(0, limit);
  if (list.dataset.shown === answers.map((a) => a.id).join(" ")) return;
  list.dataset.shown = answers.map((a) => a.id).join(" ");
  list.replaceChildren(...answers.map((answer) => el("li", {
    className: "poll-answer", dataset: { id: answer.id }, text: answer.text,
    attrs: { lang: answer.language } })));
  if (!answers.length) list.append(el("li", { className: "poll-empty", text: t("No answers shown yet.") }));
}

// -- one ballot per delegation -----------------------------------------------------------------

function drawDelegations(box, poll) {
  const { voted, turnout } = poll.delegations;
  setText(part(box, "poll-turnout", "p"), t("Turnout: {voted} of {present} delegations present",
                                            { voted: turnout.voted, present: turnout.present }));
  const list = part(box, "poll-voted", "ul", { "aria-label": t("Delegations that voted") });
  list.replaceChildren(...voted.map((delegation) => el("li", { dataset: { id: delegation.id } },
    el("span", { className: "poll-delegation", text: delegation.name }), " ",
    el("span", { className: "poll-delegation-ballot", text: ballotText(poll, delegation.ballot) }))));
}

// -- quizzes -----------------------------------------------------------------------------------

export function drawLeaderboard(list, leaderboard) {
  list.replaceChildren(...leaderboard.map((entry) => el("li", { className: "poll-leader" },
    el("span", { className: "poll-leader-name", text: entry.name }), " ",
    el("span", { className: "poll-leader-score", text: pointsText(entry.score) }))));
  return list;
}
