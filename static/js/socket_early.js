// Inlined in the head of a session's page (server/static_files.py: inline_script; the CSP
// allows it by its hash). It opens the page's websocket as the HTML is read, its address
// asking for the page's hello (with the programme of that session only) and for the
// session's room (the script's data-room): the server answers them right behind the
// handshake, while the rest of the page arrives, and the answers are kept here.
// socket.js's Socket takes the socket over, with them, on its first connect.
(() => {
  const room = document.currentScript.dataset.room;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${location.host}/ws`;
  const hello = { lang: document.documentElement.lang, sessions: [room],
                  visible: document.visibilityState !== "hidden" };
  const query = new URLSearchParams({ hello: "", lang: hello.lang, sessions: room,
                                      visible: hello.visible ? "1" : "0", join: room });
  const said = [{ type: "auth.hello", id: "hello", data: hello },
                { type: "room.join", id: "join", data: { room } }];
  const ws = new WebSocket(`${url}?${query}`);
  const early = (window.earlySocket = { url, ws, said, heard: [] });
  ws.onmessage = (event) => early.heard.push(event.data);
})();
