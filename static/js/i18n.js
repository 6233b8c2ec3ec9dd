// Translated strings and times, for the viewer's language and time zone.

const data = JSON.parse(document.getElementById("page-data").textContent);

export const lang = data.lang;
export const page = data.page;
export const eventZone = data.timezone;
export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
// What event times are labelled with: the event's city ("Querétaro").
export const eventPlace = data.place || eventZone;

export function t(message, params = {}) {
  const text = data.messages[message] || message;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? params[name] : whole));
}

// A message with a count, in the form the viewer's language gives that count ("1 vote",
// "0 vote" in French, "0 votes" in English): server/jsmessages.py lists it in JS_PLURALS.
const pluralRules = new Intl.PluralRules(lang);
export function tn(singular, plural, count, params = {}) {
  const forms = (data.plurals || {})[singular] || [singular, plural];
  const text = pluralRules.select(count) === "one" ? forms[0] : forms[forms.length - 1];
  const all = { count, ...params };
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in all ? all[name] : whole));
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

// The city that names an IANA zone: "Asia/Tokyo" is Tokyo, "America/New_York" New York.
export function zoneCity(zone) {
  return zone.split("/").pop().replace(/_/g, " ");
}

function shortDay(moment, zone) {
  return formatter(zone, { weekday: "short" }).format(new Date(moment));
}

// The viewer's own time of a moment (or range), when their clock says something else than
// the event's: with the weekday when the day differs too ("from Tokyo, Tuesday 10:30 in
// Querétaro is Wednesday 01:30"); null when the clocks agree.
export function viewerTime(start, end = null) {
  const range = (zone) => (end ? `${clock(start, zone)}–${clock(end, zone)}` : clock(start, zone));
  const there = range(viewerZone);
  if (viewerZone === eventZone || there === range(eventZone)) return null;
  const dayDiffers = formatter(viewerZone, { dateStyle: "short" }).format(new Date(start))
    !== formatter(eventZone, { dateStyle: "short" }).format(new Date(start));
  const time = dayDiffers ? `${shortDay(start, viewerZone)} ${there}` : there;
  return t("{time} your time ({place})", { time, place: zoneCity(viewerZone) });
}

// "10:30 in Querétaro", followed by the viewer's own time when it differs:
// "10:30 in Querétaro · Wed 01:30 your time (Tokyo)".
export function bothClocks(moment, end = null) {
  const range = end ? `${clock(moment)}–${clock(end)}` : clock(moment);
  const here = t("{time} in {place}", { time: range, place: eventPlace });
  const there = viewerTime(moment, end);
  return there ? `${here} · ${there}` : here;
}

const STATES = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  unavailable: "The server cannot save right now: what you sent will be sent again.",
};

// The connection line of a page's header. While the server cannot save (it answered
// ``server.unavailable``: a full disk, a lost Redis), it says so, since what the viewer sent
// waits to be sent again; ``unavailable: false`` where the page says that itself (the kiosk).
export function showConnection(socket, element, { unavailable = true } = {}) {
  const show = (state) => {
    element.dataset.state = state;
    element.textContent = t(STATES[state] || "");
  };
  socket.addEventListener("state", (event) => show(event.detail));
  if (!unavailable) return;
  socket.addEventListener("unavailable", () => show("unavailable"));
  socket.addEventListener("recovered", () => show(socket.state));
}
