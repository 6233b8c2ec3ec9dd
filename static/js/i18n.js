// Translated strings and times, for the viewer's language and time zone.

const data = JSON.parse(document.getElementById("page-data").textContent);

export const lang = data.lang;
export const page = data.page;
export const eventZone = data.timezone;
export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function t(message, params = {}) {
  const text = data.messages[message] || message;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? params[name] : whole));
}

export function localized(texts) {
  return (texts && (texts[lang] || texts.en || Object.values(texts)[0])) || "";
}

const formats = new Map();
function formatter(zone, options) {
  const key = zone + JSON.stringify(options);
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(lang, { timeZone: zone, ...options }));
  return formats.get(key);
}

export function clock(moment, zone = eventZone) {
  return formatter(zone, { hour: "2-digit", minute: "2-digit" }).format(new Date(moment));
}

export function day(moment, zone = eventZone) {
  return formatter(zone, { weekday: "long", day: "numeric", month: "long" }).format(new Date(moment));
}

// "10:30" in the event's zone, followed by the viewer's own time when it differs.
export function bothClocks(moment) {
  const here = clock(moment, eventZone);
  const there = clock(moment, viewerZone);
  if (viewerZone === eventZone || here === there) return here;
  return `${here} (${t("Event time")}) · ${there} (${t("Your time")})`;
}

const STATES = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
};

export function showConnection(socket, element) {
  socket.addEventListener("state", (event) => {
    element.dataset.state = event.detail;
    element.textContent = t(STATES[event.detail] || "");
  });
}
