// The organiser's panel for streams: pick a room or a session, edit its channels (language,
// address, kind, video or audio, on air), captions and replay, and save them (stream.set).
// Other organisers' changes arrive as stream.changed and refresh an untouched form.

import { errorText } from "./agenda.js";
import { clock, day, localized, t } from "./i18n.js";
import { applyStreamChange, channelName } from "./streams.js";

const LANGUAGES = ["floor", "fr", "es", "en"];
const MAX_CHANNELS = 12;

export function mountStreams(socket) {
  const $ = (id) => document.getElementById(id);
  const form = $("stream-form");
  const target = $("stream-target");
  const list = $("stream-channels");
  const status = $("stream-status");
  let sessions = new Map();
  let rooms = new Map();
  let dirty = false;
  let rows = 0;

  const load = (programme) => {
    sessions = new Map(programme.sessions.map((s) => [s.id, s]));
    rooms = new Map(programme.rooms.map((r) => [r.id, r]));
    drawTargets();
    if (!dirty) fill();
  };
  socket.addEventListener("snapshot", (e) => load(e.detail.programme));
  socket.addEventListener("schedule.loaded", (e) => load(e.detail.programme));
  socket.addEventListener("stream.changed", (e) => {
    applyStreamChange(e.detail, sessions, rooms);
    const [kind, id] = target.value.split(":");
    if (!dirty && e.detail.target === kind && e.detail.id === id) fill();
    else drawFollows();
  });

  function drawTargets() {
    const chosen = target.value;
    const roomGroup = document.createElement("optgroup");
    roomGroup.label = t("Rooms");
    roomGroup.append(...[...rooms.values()].sort((a, b) => a.position - b.position)
      .map((r) => new Option(localized(r.name), `room:${r.id}`)));
    const sessionGroup = document.createElement("optgroup");
    sessionGroup.label = t("Sessions");
    sessionGroup.append(...[...sessions.values()]
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
      .map((s) => new Option(`${day(s.start)} ${clock(s.start)} · ${localized(s.title)}`,
                             `session:${s.id}`)));
    target.replaceChildren(roomGroup, sessionGroup);
    if (chosen && [...target.options].some((o) => o.value === chosen)) target.value = chosen;
  }

  function current() {
    const [kind, id] = target.value.split(":");
    const found = kind === "room" ? rooms.get(id) : sessions.get(id);
    return { kind, id, stream: (found && found.stream) || { channels: [] }, found };
  }

  function fill() {
    const { stream } = current();
    list.replaceChildren();
    rows = 0;
    for (const channel of stream.channels) addRow(channel);
    form.elements.captions.value = stream.captions || "";
    form.elements.replay.value = stream.replay || "";
    dirty = false;
    drawFollows();
  }

  // For a session without channels of its own: what it follows from its room.
  function drawFollows() {
    const { kind, found } = current();
    let text = "";
    if (kind === "session" && found && !((found.stream || {}).channels || []).length) {
      const room = rooms.get(found.room);
      const shared = (room && room.stream && room.stream.channels) || [];
      const names = shared.map(channelName).join(", ");
      text = shared.length
        ? t("Without channels of its own, this session follows its room’s: {channels}.",
          { channels: names })
        : t("Neither this session nor its room has a channel.");
    }
    $("stream-follows").textContent = text;
  }

  function select(name, label, options, value) {
    const id = `stream-${name}-${rows}`;
    const wrap = document.createElement("div");
    const caption = document.createElement("label");
    caption.htmlFor = id;
    caption.textContent = label;
    const field = document.createElement("select");
    field.id = id;
    field.name = name;
    field.append(...options.map(([v, text]) => new Option(text, v)));
    field.value = value;
    wrap.append(caption, field);
    return wrap;
  }

  function addRow(channel = {}) {
    rows += 1;
    const set = document.createElement("fieldset");
    set.className = "stream-channel";
    const legend = document.createElement("legend");
    legend.textContent = t("Channel {number}", { number: rows });
    const urlId = `stream-url-${rows}`;
    const urlWrap = document.createElement("div");
    const urlLabel = document.createElement("label");
    urlLabel.htmlFor = urlId;
    urlLabel.textContent = t("Address");
    const url = document.createElement("input");
    url.id = urlId;
    url.name = "url";
    url.type = "url";
    url.required = true;
    url.maxLength = 2000;
    url.spellcheck = false;
    url.placeholder = "https://";
    url.value = channel.url || "";
    urlWrap.append(urlLabel, url);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "secondary";
    remove.textContent = t("Remove");
    remove.addEventListener("click", () => { set.remove(); dirty = true; });
    const grid = document.createElement("div");
    grid.className = "row";
    grid.append(
      select("language", t("Language"), LANGUAGES.map((code) => [code, channelName({ language: code })]),
        channel.language || (rows === 1 ? "floor" : LANGUAGES[Math.min(rows - 1, 3)])),
      urlWrap,
      select("kind", t("Kind"), [["", t("From the address")], ["hls", t("HLS playlist")],
        ["embed", t("Video host (PeerTube, YouTube, Vimeo)")], ["meeting", t("Meeting (new tab)")]],
      channel.kind && channel.kind !== guessKind(channel.url || "") ? channel.kind : ""),
      select("media", t("Media"), [["video", t("Video")], ["audio", t("Audio only")]],
        channel.media || "video"),
      select("on_air", t("On air"), [["live", t("Live")], ["off", t("Not yet (off air)")],
        ["ended", t("Ended")]], channel.on_air || "live"));
    set.append(legend, grid, remove);
    list.append(set);
    $("stream-add").disabled = list.children.length >= MAX_CHANNELS;
  }

  // The kind the server reads from the address alone (streams/links.py), so that a stored
  // kind is only shown as forced when the address would not say it.
  function guessKind(url) {
    if (/\.m3u8($|\?)/i.test(url)) return "hls";
    if (/^https:\/\/(www\.youtube-nocookie\.com|player\.vimeo\.com|vimeo\.com\/event)\/|\/videos\/embed\//.test(url)) return "embed";
    return "meeting";
  }

  target.addEventListener("change", fill);
  form.addEventListener("input", () => { dirty = true; });
  $("stream-add").addEventListener("click", () => { addRow(); dirty = true; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { kind, id } = current();
    const channels = [...list.querySelectorAll(".stream-channel")].map((set) => {
      const value = (name) => set.querySelector(`[name="${name}"]`).value.trim();
      const channel = { language: value("language"), url: value("url"), media: value("media"),
                        on_air: value("on_air") };
      if (value("kind")) channel.kind = value("kind");
      return channel;
    });
    const stream = { channels };
    if (form.elements.captions.value.trim()) stream.captions = form.elements.captions.value.trim();
    if (form.elements.replay.value.trim()) stream.replay = form.elements.replay.value.trim();
    status.classList.remove("error");
    status.textContent = t("Saving…");
    try {
      await socket.call("stream.set", { [kind]: id, stream });
      dirty = false;
      fill();
      status.textContent = t("The stream is saved.");
    } catch (error) {
      status.classList.add("error");
      status.textContent = errorText(error);
      const place = /channels\[(\d+)\]\.(\w+)/.exec((error.params || {}).place || "");
      const field = place && list.querySelectorAll(".stream-channel")[Number(place[1])]
        ?.querySelector(`[name="${place[2]}"]`);
      if (field) field.focus();
    }
  });
}
