// The polls tool of a session's moderator panel: prepare a poll of any kind, for an
// audience, in up to three languages; open it, close it, show it on the stage display or
// take it off; live results for every poll; approve or dismiss the words of a cloud and
// the open answers before they show.
//
// Refusals go through the panel's ``send``, so they show where the Q&A tool shows its own.

import { lang, t } from "./i18n.js";
import { drawChart } from "./poll_charts.js";
import { audienceText, PollRoom, pollText, setText, totalText } from "./polls.js";
import { el, reconcile } from "./qa.js";

const MIN_OPTIONS = 2;
const MAX_OPTIONS = 10;
const MAX_OPTION = 120;
const STATUS = { draft: "Draft", open: "Voting open", closed: "Voting closed" };
const KIND = { choice: "Choice", rating: "Rating scale", ranking: "Ranking", words: "Word cloud",
               text: "Open answers", quiz: "Quiz" };
const WITH_OPTIONS = new Set(["choice", "ranking", "quiz"]);
const BY_DELEGATION = new Set(["choice", "rating", "ranking"]);
const LANGUAGES = ["fr", "es", "en"];
const CORRECT = "*"; // a quiz's correct answers start with it

// ``beforeStage()``: asked before a poll goes on the stage display (opening it puts it
// there); false keeps things as they are.
export function mountPollPanel(socket, sessionId, { send, say, beforeStage = () => true }) {
  const polls = new PollRoom(socket, sessionId, { staff: true });
  const $ = (id) => document.getElementById(id);
  const form = $("poll-new");
  const kind = $("poll-kind");
  const question = $("poll-question");
  const options = $("poll-options");
  const status = $("poll-new-status");
  const list = $("m-polls");

  polls.addEventListener("change", (event) => {
    const { kind: change, poll, was } = event.detail;
    if (change === "changed" && poll && was === "open" && poll.status === "closed") {
      say(t("Poll closed: {question}", { question: pollText(poll.question, poll) }));
    }
    render();
  });

  function render() {
    const items = polls.list;
    reconcile(list, items, (poll) => poll.id, pollItem, updateItem);
    $("polls-count").textContent = items.length ? `(${items.length})` : "";
    $("polls-empty").hidden = !polls.ready || items.length > 0;
  }

  // -- preparing a poll ------------------------------------------------------------------------

  // Only the fields of the chosen kind show.
  function showKindFields() {
    const chosen = kind.value;
    for (const node of form.querySelectorAll("[data-kinds]")) {
      node.hidden = !node.dataset.kinds.split(" ").includes(chosen);
    }
    // A quiz's counts would give its answer away: its results wait for the end.
    form.elements.results.value = chosen === "quiz" ? "closed" : "live";
    // Words, answers and quiz scores belong to people, not to delegations.
    const byDelegation = form.elements.audience.querySelector("option[value=delegation]");
    byDelegation.disabled = !BY_DELEGATION.has(chosen);
    if (byDelegation.disabled && byDelegation.selected) form.elements.audience.value = "delegates";
  }
  kind.addEventListener("change", showKindFields);
  showKindFields();

  function showStatus(text, isError = false) {
    status.textContent = text;
    status.classList.toggle("error", isError);
  }

  function lines(field) {
    return field.value.split("\n").map((line) => line.trim()).filter(Boolean);
  }

  // The texts and options as the server will take them, or the reason and the field to fix.
  function readForm() {
    const chosen = kind.value;
    const texts = { [lang]: question.value.trim() };
    if (!texts[lang]) return { problem: t("Write the question first."), field: question };
    const data = { session: sessionId, kind: chosen, language: lang,
                   audience: form.elements.audience.value || "everyone",
                   results: form.elements.results.value || "live" };
    for (const other of LANGUAGES.filter((code) => code !== lang)) {
      const text = form.elements[`question-${other}`].value.trim();
      if (text) texts[other] = text;
    }
    data.question = texts;
    if (chosen === "rating") data.scale = Number(form.elements.scale.value);
    if (chosen === "choice" || chosen === "quiz") data.multiple = form.elements.multiple.checked;
    if (!WITH_OPTIONS.has(chosen)) return { data };
    const main = lines(options);
    if (main.length < MIN_OPTIONS || main.length > MAX_OPTIONS) {
      return { problem: t("Write between {min} and {max} answers, one per line.",
                          { min: MIN_OPTIONS, max: MAX_OPTIONS }), field: options };
    }
    const correct = main.map((line, index) => (line.startsWith(CORRECT) ? index : -1))
      .filter((index) => index >= 0);
    const per = { [lang]: main.map((line) => line.replace(/^\*\s*/, "")) };
    for (const other of LANGUAGES.filter((code) => code !== lang)) {
      const field = form.elements[`options-${other}`];
      const translated = lines(field).map((line) => line.replace(/^\*\s*/, ""));
      if (!translated.length) continue;
      if (translated.length !== main.length) {
        return { problem: t("Write the answers in every language in the same order, one per line ({count} answers).",
                            { count: main.length }), field };
      }
      per[other] = translated;
    }
    if (Object.values(per).some((texts) => texts.some((line) => line.length > MAX_OPTION))) {
      return { problem: t("An answer is longer than {max} characters.", { max: MAX_OPTION }),
               field: options };
    }
    data.options = main.map((_, index) => Object.fromEntries(
      Object.entries(per).map(([code, texts]) => [code, texts[index]])));
    if (chosen === "quiz") {
      if (!correct.length) {
        return { problem: t("Start the correct answer’s line with *."), field: options };
      }
      data.correct = correct;
      data.multiple = data.multiple || correct.length > 1;
    }
    return { data };
  }

  let creating = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { data, problem, field } = readForm();
    if (problem) {
      showStatus(problem, true);
      field.focus();
      return;
    }
    if (creating) return;
    creating = true;
    showStatus(t("Sending…"));
    const result = await send("poll.create", data);
    creating = false;
    if (!result) {
      showStatus("");
      return;
    }
    form.reset();
    showKindFields();
    showStatus(t("Poll prepared: open it when the room is ready."));
  });

  // -- the list --------------------------------------------------------------------------------

  function button(text, action, className = "", dataset = {}) {
    return el("button", { className: `act ${className}`.trim(), text, attrs: { type: "button" },
                          dataset: { action, ...dataset } });
  }

  function pollItem(poll) {
    const heading = `poll-q-${poll.id}`;
    const actions = el("div", { className: "q-actions" },
      button(t("Open the poll"), "open", "ok"),
      button(t("Close the poll"), "close", "bad"),
      button(t("Show on stage"), "show", "stage"));
    const moderation = el("div", { className: "poll-moderation", attrs: { hidden: true } },
      el("h4", { className: "poll-waiting-title" }),
      button(t("Approve all waiting"), "approve-all", "ok"),
      el("ul", { className: "poll-waiting" }));
    const item = el("li", { className: "poll-item", dataset: { kind: poll.kind } },
      el("p", { className: "q-marks" }),
      el("h3", { className: "poll-question", attrs: { id: heading } }),
      el("p", { className: "poll-total" }),
      el("div", { className: "poll-chart", attrs: { role: "group", "aria-labelledby": heading } }),
      moderation,
      actions);
    item.addEventListener("click", (event) => {
      const target = event.target.closest("button[data-action]");
      if (target) act(target.dataset.action, poll.id, target.dataset.entry);
    });
    return item;
  }

  function mark(text, kindName) {
    return el("span", { className: `mark mark-${kindName}`, text });
  }

  function updateItem(li, poll) {
    const onStage = polls.shown === poll.id;
    li.dataset.status = poll.status;
    li.classList.toggle("on-stage", onStage);
    const marks = [mark(t(STATUS[poll.status] || poll.status), `poll-${poll.status}`)];
    if (onStage) marks.push(mark(t("On stage now"), "stage"));
    marks.push(mark(t(KIND[poll.kind] || poll.kind), "kind"));
    if (poll.kind === "choice" || poll.kind === "quiz") {
      marks.push(mark(poll.multiple ? t("Several answers") : t("One answer"), "kind"));
    }
    if (poll.audience && poll.audience !== "everyone") marks.push(mark(audienceText(poll), "kind"));
    if (poll.results === "closed") marks.push(mark(t("Results at the end"), "kind"));
    li.querySelector(".q-marks").replaceChildren(...marks);
    setText(li.querySelector(".poll-question"), pollText(poll.question, poll));
    // Staff always get the figures; a copy without them is drawn as zeroes until they come.
    const size = poll.kind === "rating" ? poll.scale : poll.options.length;
    const counts = poll.counts || Array(size).fill(0);
    const total = typeof poll.total === "number" ? poll.total : 0;
    setText(li.querySelector(".poll-total"), totalText(poll, total));
    drawChart(li.querySelector(".poll-chart"), { ...poll, counts, total });
    drawModeration(li.querySelector(".poll-moderation"), poll);
    const show = (action, visible) => { li.querySelector(`.q-actions [data-action=${action}]`).hidden = !visible; };
    show("open", poll.status !== "open");
    show("close", poll.status === "open");
    show("show", poll.status !== "draft");
    setText(li.querySelector("[data-action=open]"),
            poll.status === "closed" ? t("Reopen the poll") : t("Open the poll"));
    const stage = li.querySelector("[data-action=show]");
    setText(stage, onStage ? t("Remove from stage") : t("Show on stage"));
    stage.classList.toggle("active", onStage);
  }

  // Words and answers that wait (or were dismissed): each with its verdict buttons.
  function drawModeration(box, poll) {
    const words = poll.kind === "words";
    box.hidden = !(words || poll.kind === "text");
    if (box.hidden) return;
    const items = (words ? poll.words : poll.entries) || [];
    // Words most sent first; answers oldest first, as a queue.
    const waiting = items.filter((item) => item.status !== "approved" && (!words || item.count > 0))
      .sort(words ? (x, y) => (y.count - x.count) || x.key.localeCompare(y.key) : (x, y) => x.at - y.at);
    const pending = waiting.filter((item) => item.status === "pending");
    setText(box.querySelector(".poll-waiting-title"),
            t("Waiting for moderation ({count})", { count: pending.length }));
    box.querySelector("[data-action=approve-all]").hidden = !pending.some((item) => !item.filtered);
    const key = words ? "key" : "id";
    // Kept in place, buttons and all: the counts change with every tick, and a list drawn
    // again under the pointer would swallow the moderator's click.
    reconcile(box.querySelector(".poll-waiting"), waiting, (item) => item[key],
              (item) => waitingItem(item[key], words), (li, item) => updateWaiting(li, item, words));
  }

  function waitingItem(entry, words) {
    return el("li", { className: "poll-entry", dataset: { entry } },
      el("span", { className: "poll-entry-text" }),
      words ? "" : el("span", { className: "poll-entry-by" }),
      " ",
      el("span", { className: "poll-entry-marks" }),
      el("span", { className: "poll-entry-actions" },
        button(t("Approve"), "approve", "ok", { entry }),
        button(t("Dismiss"), "dismiss", "bad", { entry })));
  }

  function updateWaiting(li, item, words) {
    li.className = `poll-entry ${item.status}`;
    setText(li.querySelector(".poll-entry-text"), words ? `${item.text} (${item.count})` : item.text);
    if (!words) setText(li.querySelector(".poll-entry-by"), ` — ${item.name}`);
    const marks = [];
    if (item.filtered) marks.push(mark(t("Caught by the word filter"), "filtered"));
    if (item.status === "dismissed") marks.push(mark(t("Dismissed"), "dismissed"));
    const shown = li.querySelector(".poll-entry-marks");
    if (shown.textContent !== marks.map((m) => m.textContent).join("")) shown.replaceChildren(...marks);
    li.querySelector("[data-action=dismiss]").hidden = item.status === "dismissed";
  }

  async function act(action, id, entry) {
    switch (action) {
      case "open":
        if (polls.shown !== id && !beforeStage()) return null;
        return send("poll.open", { poll: id });
      case "close": return send("poll.close", { poll: id });
      case "show":
        if (polls.shown === id) return send("poll.show", { session: sessionId });
        if (!beforeStage()) return null;
        return send("poll.show", { session: sessionId, poll: id });
      case "approve": case "dismiss":
        return send("poll.moderate", { poll: id, entry, verdict: action });
      case "approve-all": return send("poll.moderate", { poll: id, verdict: "approve" });
      default: return null;
    }
  }

  list.addEventListener("focuslost", () => $("polls-title").focus());

  render();
  return { polls, render };
}
