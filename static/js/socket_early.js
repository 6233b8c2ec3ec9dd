// Opens a page's websocket as soon as this small script arrives (it is loaded `async`, so
// it waits neither for the stylesheets nor for the page's modules): on a slow network the
// connection's handshake then overlaps the modules' download. socket.js's Socket takes it
// over on its first connect, and opens its own if this one is gone.
window.earlySocket = new WebSocket(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`);
