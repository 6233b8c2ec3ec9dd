// Name search at the kiosk: for a person without their badge, or whose badge will not scan.
//
// attendance.search is answered by the gateway from its own state; offline, the kiosk
// searches the registrations it keeps (kiosk_roster.js) instead.

import { clock, t, tn } from "./i18n.js";
import { el } from "./qa.js";

const DELAY = 250; // ms after the last keystroke
const MIN = 2;

// action(): the label of what picking a person does in the kiosk's mode, or null when
// it checks people in at the venue (then only those not checked in yet get a button).
export function mountSearch({ socket, roster, input, status, list, action, onPick }) {
  let timer = null;
  let asked = 0; // only the latest query's answer is shown
  let shown = [];

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, DELAY);
  });
  // Enter searches at once (the list is what Enter would act on otherwise: nothing).
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    clearTimeout(timer);
    run();
  });

  async function run() {
    const query = input.value.trim();
    const mine = ++asked;
    if (query.length < MIN) {
      shown = [];
      render();
      status.textContent = query ? t("Type at least {count} letters.", { count: MIN }) : "";
      return;
    }
    if (!socket.online) {
      if (!roster.size) {
        status.textContent = t("Search needs the network: scan or type the badge code.");
        return;
      }
      shown = roster.search(query);
      render();
      status.textContent = found(shown.length, query) + " " + t("(offline list)");
      return;
    }
    status.textContent = t("Searching…");
    try {
      const { matches } = await socket.call("attendance.search", { query });
      if (mine !== asked) return;
      shown = matches;
      render();
      status.textContent = found(matches.length, query);
    } catch (error) {
      if (mine === asked) status.textContent = t("Error: {message}", { message: error.message });
    }
  }

  function found(count, query) {
    if (!count) return t("Nobody found for “{query}”.", { query });
    return tn("{count} person found.", "{count} people found.", count);
  }

  function render() {
    list.replaceChildren(...shown.map(item));
  }

  function item(person) {
    const nameId = `found-${person.id}`;
    const where = [person.organisation, person.city].filter(Boolean).join(" · ");
    const li = el("li", { dataset: { id: person.id } },
      el("div", { className: "found-who" },
        el("strong", { text: person.name, attrs: { id: nameId } }),
        where ? el("span", { className: "found-where", text: where }) : null,
        el("code", { className: "found-badge", text: person.badge })));
    if (person.checked_in_at) {
      li.append(el("span", { className: "found-done",
        text: t("Checked in at {time}", { time: clock(person.checked_in_at * 1000) }) }));
    }
    // At a door or checking out, a person checked in already is who the kiosk is for.
    if (!person.checked_in_at || action()) {
      const label = action() || t("Check in");
      const button = el("button", { text: label, attrs: { type: "button", "aria-describedby": nameId } });
      button.addEventListener("click", () => onPick(person));
      li.append(button);
    }
    return li;
  }

  return {
    // A check-in seen anywhere (a push, an answer): the person's line follows.
    checkedIn(registrationId, at) {
      const person = shown.find((p) => p.id === registrationId);
      if (!person || person.checked_in_at) return;
      person.checked_in_at = at;
      render();
    },
    undone(registrationId) {
      const person = shown.find((p) => p.id === registrationId);
      if (!person) return;
      person.checked_in_at = null;
      render();
    },
    refresh: render,
    clear() {
      input.value = "";
      shown = [];
      asked += 1;
      status.textContent = "";
      render();
    },
  };
}
