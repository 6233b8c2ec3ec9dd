// The kiosk's websocket: the shared client, told about the device's network.
//
// A kiosk must notice at once that the network is gone, so that scans are queued
// (and stamped with their scan time) instead of waiting for a socket that may stay
// half-open until the 45 s heartbeat gives up. And when the network comes back it
// should reconnect now, not after the backoff, so the queue drains while the staff
// are still looking. The browser's online/offline events say both.

import { Socket } from "./socket.js";

export class KioskSocket extends Socket {
  constructor(options) {
    super(options);
    window.addEventListener("offline", () => this.drop()); // Socket.drop: at once
    window.addEventListener("online", () => this.connect());
  }

  get online() {
    return this.state === "connected";
  }

  // Never two sockets at once (a backoff timer may fire after "online" reconnected),
  // and no attempts while the device knows it has no network: "online" will call.
  connect() {
    const ws = this.ws;
    if (ws && (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN)) return;
    if (!navigator.onLine) {
      if (this.state !== "reconnecting") this.setState("reconnecting");
      return;
    }
    super.connect();
  }
}
