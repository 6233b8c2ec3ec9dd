// Inlined in the head of pages with a websocket (server/static_files.py: inline_script; the
// CSP allows it by its hash). It opens the page's websocket as the HTML is read and, once it
// is open, says the page's hello and joins its room (the script's data-room), keeping what
// the server answers: on a slow network the handshake and that first round trip then pass
// while the modules download. socket.js's Socket takes it over on its first connect.
(() => {
  const room = document.currentScript.dataset.room;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}/ws`);
  const early = (window.earlySocket = { ws, said: [], heard: [] });
  ws.onmessage = (event) => early.heard.push(event.data);
  ws.onopen = () => {
    const say = (type, data) => {
      const message = { type, id: `early-${type}`, data };
      early.said.push(message);
      ws.send(JSON.stringify(message));
    };
    say("auth.hello", { lang: document.documentElement.lang,
                        visible: document.visibilityState !== "hidden" });
    if (room) say("room.join", { room });
  };
})();
