// The player of a session's live page: its channels (the floor, each interpretation),
// played in the page (HLS, with the browser's own player where it has one, else the
// vendored hls.js), framed (PeerTube, YouTube, Vimeo) or opened in a new tab (meetings);
// captions and, once the session has ended, its replay. Kept current from the pushes: a
// channel that goes live, moves or ends changes here without a reload.
//
// mountPlayer(socket, sessionId) fills the #player section (server/templates/_player.html).

import { t } from "./i18n.js";
import {
  applyStreamChange, channelName, preferredChannel, rememberChannel, watchOf,
} from "./streams.js";

// Beside this module, under the same versioned static address.
const HLS_SCRIPT = new URL("../vendor/hls-light-1.6.15.min.js", import.meta.url).href;
const MEETINGS = {
  zoom: "Zoom", jitsi: "Jitsi Meet", bigbluebutton: "BigBlueButton",
};
const HLS_TYPE = "application/vnd.apple.mpegurl";
const RETRY_MS = 3000;

let hlsLoading = null;

// hls.js is loaded the first time a page plays HLS without the browser's own support.
function loadHls() {
  if (!hlsLoading) {
    hlsLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = HLS_SCRIPT;
      script.onload = () => resolve(globalThis.Hls);
      script.onerror = () => { hlsLoading = null; reject(new Error("hls.js")); };
      document.head.append(script);
    });
  }
  return hlsLoading;
}

function channelKey(channel) {
  return channel ? [channel.id, channel.kind, channel.url, channel.media, channel.on_air].join(" ") : "";
}

export function mountPlayer(socket, sessionId, root = document.getElementById("player")) {
  const picker = root.querySelector(".player-channels");
  const stage = root.querySelector(".player-stage");
  const status = root.querySelector(".player-status");
  const extras = root.querySelector(".player-links");
  let sessions = new Map();
  let rooms = new Map();
  let chosen = null; // id of the channel the attendee picked
  let playing = null; // {key, channel, media, hls}
  let channels = [];

  const load = (programme) => {
    sessions = new Map(programme.sessions.map((s) => [s.id, s]));
    rooms = new Map(programme.rooms.map((r) => [r.id, r]));
  };
  socket.addEventListener("snapshot", (e) => { load(e.detail.programme); render(); });
  socket.addEventListener("schedule.loaded", (e) => { load(e.detail.programme); render(); });
  socket.addEventListener("session.changed", (e) => {
    for (const session of e.detail.sessions) sessions.set(session.id, session);
    if (e.detail.sessions.some((s) => s.id === sessionId)) render();
  });
  socket.addEventListener("stream.changed", (e) => {
    if (applyStreamChange(e.detail, sessions, rooms)) render();
  });
  // A channel moved to a host this page's CSP does not name yet: a reload fetches the new CSP.
  document.addEventListener("securitypolicyviolation", (e) => {
    if (playing && playing.channel && e.blockedURI &&
        playing.channel.url.startsWith(new URL(e.blockedURI, location.href).origin)) {
      playing.blocked = true; // retrying cannot help: only a reload brings the new policy
      say(t("This channel plays from an address new to this page: reload the page to play it."), true);
    }
  });

  function render() {
    const session = sessions.get(sessionId);
    const watch = session ? watchOf(session, rooms.get(session.room)) : watchOf(null, null);
    const before = new Map(channels.map((c) => [c.id, c]));
    // Once the session has ended, its recording plays here first when the page can play it.
    const replay = session && session.status === "ended" && watch.replayPlayer
      ? { ...watch.replayPlayer, id: "replay", language: "replay", media: "video", on_air: "live" }
      : null;
    channels = replay ? [replay, ...watch.channels] : watch.channels;
    root.hidden = !(channels.length || watch.captions || watch.replay);
    if (replay && !before.has("replay")) chosen = replay.id; // it just became available
    const channel = channels.find((c) => c.id === chosen) || preferredChannel(channels);
    chosen = channel ? channel.id : null;
    renderPicker();
    renderExtras(watch, session);
    const old = before.get(chosen);
    if (old && channel && channelKey(old) !== channelKey(channel) && playing) {
      announce(old, channel);
    }
    if (channelKey(channel) !== (playing ? playing.key : "")) play(channel);
  }

  function renderPicker() {
    picker.hidden = channels.length < 2;
    const buttons = channels.map((channel) => {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.channel = channel.id;
      button.dataset.onAir = channel.on_air;
      button.setAttribute("aria-pressed", String(channel.id === chosen));
      const name = document.createElement("span");
      name.textContent = channelName(channel);
      button.append(name);
      const note = channel.on_air === "live" ? (channel.media === "audio" ? t("audio") : "")
        : (channel.on_air === "ended" ? t("ended") : t("off air"));
      if (note) {
        const small = document.createElement("small");
        small.textContent = note;
        button.append(" ", small);
      }
      button.addEventListener("click", () => {
        chosen = channel.id;
        if (channel.id !== "replay") rememberChannel(channel);
        renderPicker();
        play(channel, true);
      });
      return button;
    });
    picker.replaceChildren(...buttons);
  }

  function renderExtras(watch, session) {
    const links = [];
    const external = (href, text) => {
      const a = document.createElement("a");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = text;
      links.push(a);
    };
    if (watch.captions) external(watch.captions, t("Live captions (new tab)"));
    if (watch.replay && !watch.replayPlayer && session && session.status === "ended") {
      external(watch.replay, t("Watch the replay (new tab)"));
    }
    extras.replaceChildren(...links.flatMap((a, i) => (i ? [" · ", a] : [a])));
    extras.hidden = !links.length;
  }

  function announce(old, channel) {
    const name = channelName(channel);
    if (old.on_air !== channel.on_air) {
      say(channel.on_air === "live" ? t("{channel} is live now.", { channel: name })
        : channel.on_air === "ended" ? t("{channel} has ended.", { channel: name })
          : t("{channel} is off air for now.", { channel: name }));
    } else if (old.url !== channel.url) {
      say(t("{channel} moved to a new address.", { channel: name }));
    }
  }

  function say(text, withReload = false) {
    const parts = [text];
    if (withReload) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = t("Reload");
      button.addEventListener("click", () => location.reload());
      parts.push(" ", button);
    }
    status.replaceChildren(...parts);
  }

  function stop() {
    if (!playing) return false;
    const wasPlaying = Boolean(playing.media && !playing.media.paused);
    if (playing.hls) playing.hls.destroy();
    if (playing.media) {
      playing.media.pause();
      playing.media.removeAttribute("src");
      playing.media.load();
    }
    playing = null;
    return wasPlaying;
  }

  // Starts ``channel``; ``byClick``: the attendee chose it, so sound may start at once.
  function play(channel, byClick = false) {
    const wasPlaying = stop();
    stage.replaceChildren();
    stage.dataset.kind = channel ? channel.kind : "";
    if (!channel) return;
    playing = { key: channelKey(channel), channel, media: null, hls: null, interrupted: false,
                blocked: false };
    if (channel.on_air !== "live") {
      stage.append(note(channel.on_air === "ended" ? t("This channel has ended.")
        : t("This channel is not on air yet.")));
      return;
    }
    if (channel.kind === "embed") {
      const frame = document.createElement("iframe");
      frame.src = channel.url;
      frame.title = t("Player: {channel}", { channel: channelName(channel) });
      frame.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
      frame.allowFullscreen = true;
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups");
      stage.append(frame);
    } else if (channel.kind === "meeting") {
      const link = document.createElement("a");
      link.className = "button player-join";
      link.href = channel.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.textContent = MEETINGS[channel.platform]
        ? t("Join on {platform} (new tab)", { platform: MEETINGS[channel.platform] })
        : t("Open the stream (new tab)");
      stage.append(link);
    } else {
      playHls(channel, wasPlaying || byClick);
    }
  }

  async function playHls(channel, start) {
    const media = document.createElement(channel.media === "audio" ? "audio" : "video");
    media.controls = true;
    media.playsInline = true;
    // Nothing is fetched until the attendee presses play: most of a full room only reads.
    media.preload = "none";
    media.className = "player-media";
    media.setAttribute("aria-label", t("Player: {channel}", { channel: channelName(channel) }));
    const mine = playing;
    mine.media = media;
    stage.append(media);
    if (media.canPlayType(HLS_TYPE)) {
      media.src = channel.url;
      // The browser's own player gives up on a network error: try the address again.
      media.addEventListener("error", () => {
        if (playing !== mine || mine.blocked) return;
        mine.interrupted = true;
        say(t("The stream is interrupted. Trying again…"));
        setTimeout(() => {
          if (playing !== mine || mine.blocked) return;
          media.src = channel.url;
          media.play().catch(() => {});
        }, RETRY_MS);
      });
      media.addEventListener("playing", () => {
        if (mine.interrupted) status.replaceChildren();
        mine.interrupted = false;
      });
    } else {
      // Play may be pressed while hls.js is still on its way (a slow phone): remember it.
      let pressed = false;
      media.addEventListener("play", () => { pressed = true; }, { once: true });
      let Hls;
      try {
        Hls = await loadHls();
      } catch {
        Hls = null;
      }
      if (playing !== mine) return; // switched meanwhile
      if (!Hls || !Hls.isSupported()) {
        stage.replaceChildren(note(t("This browser cannot play this stream.")));
        return;
      }
      const hls = new Hls({ enableWorker: false, lowLatencyMode: true });
      mine.hls = hls;
      const load = () => hls.loadSource(channel.url);
      if (pressed) start = true;
      if (!start) media.addEventListener("play", load, { once: true });
      hls.on(Hls.Events.ERROR, (_, data) => {
        if (!data.fatal || playing !== mine || mine.blocked) return;
        mine.interrupted = true;
        say(t("The stream is interrupted. Trying again…"));
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
          hls.recoverMediaError();
          return;
        }
        // No playlist yet (the encoder starts late): ask for it again; else resume loading.
        const again = data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR
          ? () => hls.loadSource(channel.url) : () => hls.startLoad();
        setTimeout(() => { if (playing === mine) again(); }, RETRY_MS);
      });
      hls.on(Hls.Events.FRAG_BUFFERED, () => {
        if (mine.interrupted) status.replaceChildren();
        mine.interrupted = false;
      });
      hls.attachMedia(media);
      if (start) load();
    }
    if (start) media.play().catch(() => { /* the browser wants a click on play first */ });
  }

  function note(text) {
    const p = document.createElement("p");
    p.className = "player-note";
    p.textContent = text;
    return p;
  }

  return { render };
}
