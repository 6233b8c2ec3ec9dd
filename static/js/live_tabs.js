// The live page on a phone: Questions and Polls as two tabs, so that an open poll does not
// push the questions screens down, nor a long list of questions the poll. The tabs show
// only on a narrow screen and while the room has polls; otherwise both panels show, one
// after the other. The Polls tab is marked while a poll is open and another tab is shown.

import { t } from "./i18n.js";

const NARROW = window.matchMedia("(max-width: 47.99rem)");
const KEY = "rencontre.live.tab";

export function mountLiveTabs() {
  const tablist = document.getElementById("live-tabs");
  const tabs = [...tablist.querySelectorAll('[role="tab"]')];
  const panels = tabs.map((tab) => document.getElementById(tab.getAttribute("aria-controls")));
  const pollsSection = document.getElementById("polls-section");
  const openPoll = document.getElementById("poll-open");
  const mark = document.getElementById("tab-poll-mark");
  const questionCount = document.getElementById("q-count");
  const tabCount = document.getElementById("tab-q-count");
  let active = sessionStorage.getItem(KEY) === "panel-polls" ? 1 : 0;

  function apply() {
    const tabbed = NARROW.matches && !pollsSection.hidden;
    tablist.hidden = !tabbed;
    panels.forEach((panel, index) => {
      const tab = tabs[index];
      const selected = index === active;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (tabbed) {
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tab.id);
        panel.hidden = !selected;
      } else {
        panel.removeAttribute("role");
        panel.removeAttribute("aria-labelledby");
        panel.hidden = false;
      }
    });
    const pollOpen = openPoll.childElementCount > 0;
    mark.textContent = pollOpen && !(tabbed && active === 1) ? t("open") : "";
    mark.hidden = !mark.textContent;
    tabCount.textContent = questionCount.textContent;
  }

  function select(index, focus = false) {
    active = index;
    sessionStorage.setItem(KEY, panels[index].id);
    apply();
    if (focus) tabs[index].focus();
  }

  tabs.forEach((tab, index) => tab.addEventListener("click", () => select(index)));
  tablist.addEventListener("keydown", (event) => {
    const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -active, End: tabs.length - 1 - active };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select((active + moves[event.key] + tabs.length) % tabs.length, true);
  });
  NARROW.addEventListener("change", apply);
  // The polls' own script shows their section and fills the open poll: follow it.
  const watch = new MutationObserver(apply);
  watch.observe(pollsSection, { attributes: true, attributeFilter: ["hidden"] });
  watch.observe(openPoll, { childList: true });
  watch.observe(questionCount, { childList: true, characterData: true, subtree: true });
  apply();
}
