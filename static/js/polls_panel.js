// The polls tool of a session's moderator panel: prepare a poll, open it, close it,
// show it on the stage display or take it off; live counts and ballots for every poll.
//
// Refusals go through the panel's ``send``, so they show where the Q&A tool shows its own.

import { t } from "./i18n.js";
import { ballotsText, drawResults, PollRoom, pollText, setText } from "./polls.js";
import { el, reconcile } from "./qa.js";

const MIN_OPTIONS = 2;
const MAX_OPTIONS = 10;
const MAX_OPTION = 120;
const STATUS = { draft: "Draft", open: "Voting open", closed: "Voting closed" };

export function mountPollPanel(socket, sessionId, { send, say }) {
  const polls = new PollRoom(socket, sessionId);
  const $ = (id) => document.getElementById(id);
  const form = $("poll-new");
  const question = $("poll-question");
  const options = $("poll-options");
  const status = $("poll-new-status");
  const list = $("m-polls");

  polls.addEventListener("change", (event) => {
    const { kind, poll, was } = event.detail;
    if (kind === "changed" && poll && was === "open" && poll.status === "closed") {
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

  function showStatus(text, isError = false) {
    status.textContent = text;
    status.classList.toggle("error", isError);
  }

  // The options as the server will take them, or the reason they cannot be sent.
  function optionLines() {
    const lines = options.value.split("\n").map((line) => line.trim()).filter(Boolean);
    if (lines.length < MIN_OPTIONS || lines.length > MAX_OPTIONS) {
      return { problem: t("Write between {min} and {max} answers, one per line.",
                          { min: MIN_OPTIONS, max: MAX_OPTIONS }) };
    }
    if (lines.some((line) => line.length > MAX_OPTION)) {
      return { problem: t("An answer is longer than {max} characters.", { max: MAX_OPTION }) };
    }
    return { lines };
  }

  let creating = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = question.value.trim();
    if (!text) {
      showStatus(t("Write the question first."), true);
      question.focus();
      return;
    }
    const { lines, problem } = optionLines();
    if (problem) {
      showStatus(problem, true);
      options.focus();
      return;
    }
    if (creating) return;
    creating = true;
    showStatus(t("Sending…"));
    const data = {
      session: sessionId, question: text, options: lines,
      multiple: form.elements.multiple.checked,
      results: form.elements.results.value || "live",
    };
    const result = await send("poll.create", data);
    creating = false;
    if (!result) {
      showStatus("");
      return;
    }
    form.reset();
    showStatus(t("Poll prepared: open it when the room is ready."));
  });

  // -- the list --------------------------------------------------------------------------------

  function button(text, action, className = "") {
    return el("button", { className: `act ${className}`.trim(), text, attrs: { type: "button" },
                          dataset: { action } });
  }

  function pollItem(poll) {
    const heading = `poll-q-${poll.id}`;
    const actions = el("div", { className: "q-actions" },
      button(t("Open the poll"), "open", "ok"),
      button(t("Close the poll"), "close", "bad"),
      button(t("Show on stage"), "show", "stage"));
    actions.addEventListener("click", (event) => {
      const target = event.target.closest("button[data-action]");
      if (target) act(target.dataset.action, poll.id);
    });
    return el("li", { className: "poll-item" },
      el("p", { className: "q-marks" }),
      el("h3", { className: "poll-question", attrs: { id: heading } }),
      el("p", { className: "poll-total" }),
      el("ol", { className: "poll-results", attrs: { "aria-labelledby": heading } }),
      actions);
  }

  function mark(text, kind) {
    return el("span", { className: `mark mark-${kind}`, text });
  }

  function updateItem(li, poll) {
    const onStage = polls.shown === poll.id;
    li.dataset.status = poll.status;
    li.classList.toggle("on-stage", onStage);
    const marks = [mark(t(STATUS[poll.status] || poll.status), `poll-${poll.status}`)];
    if (onStage) marks.push(mark(t("On stage now"), "stage"));
    marks.push(mark(poll.multiple ? t("Several answers") : t("One answer"), "kind"));
    if (poll.results === "closed") marks.push(mark(t("Results at the end"), "kind"));
    li.querySelector(".q-marks").replaceChildren(...marks);
    setText(li.querySelector(".poll-question"), pollText(poll.question, poll));
    // Staff always get the counts; a copy without them is drawn as zeroes until they come.
    const counts = poll.counts || poll.options.map(() => 0);
    const total = typeof poll.total === "number" ? poll.total : 0;
    setText(li.querySelector(".poll-total"), ballotsText(total));
    drawResults(li.querySelector(".poll-results"), { ...poll, counts, total });
    const show = (action, visible) => { li.querySelector(`[data-action=${action}]`).hidden = !visible; };
    show("open", poll.status !== "open");
    show("close", poll.status === "open");
    show("show", poll.status !== "draft");
    setText(li.querySelector("[data-action=open]"),
            poll.status === "closed" ? t("Reopen the poll") : t("Open the poll"));
    const stage = li.querySelector("[data-action=show]");
    setText(stage, onStage ? t("Remove from stage") : t("Show on stage"));
    stage.classList.toggle("active", onStage);
  }

  async function act(action, id) {
    switch (action) {
      case "open": return send("poll.open", { poll: id });
      case "close": return send("poll.close", { poll: id });
      case "show":
        return polls.shown === id ? send("poll.show", { session: sessionId })
          : send("poll.show", { session: sessionId, poll: id });
      default: return null;
    }
  }

  list.addEventListener("focuslost", () => $("polls-title").focus());

  render();
  return { polls, render };
}
