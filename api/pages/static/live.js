// GraphQL subscriptions over WebSocket (graphql-transport-ws, as /graphql serves them),
// reconnecting by itself: after a drop it reconnects with a growing delay (1 s … 15 s)
// and subscribes again, so a board left on for days stays live.
import { t } from "./common.js";

export class LiveClient {
  constructor({ token = null, onStatus = () => {} } = {}) {
    this.token = token;
    this.onStatus = onStatus;
    this.subscriptions = new Map(); // id -> {query, variables, next, error}
    this.nextId = 1;
    this.delay = 1000;
    this.connect();
  }

  subscribe(query, variables, next, error = () => {}) {
    const id = String(this.nextId++);
    this.subscriptions.set(id, { query, variables, next, error });
    if (this.acked) this.send(id);
    return () => {
      this.subscriptions.delete(id);
      if (this.acked) this.ws.send(JSON.stringify({ id, type: "complete" }));
    };
  }

  send(id) {
    const { query, variables } = this.subscriptions.get(id);
    this.ws.send(JSON.stringify({ id, type: "subscribe", payload: { query, variables } }));
  }

  connect() {
    this.acked = false;
    this.onStatus("connecting", t("live.connecting"));
    const url = new URL("/graphql", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url, "graphql-transport-ws");
    this.ws = ws;
    ws.onopen = () => {
      const payload = this.token ? { Authorization: `Bearer ${this.token}` } : {};
      ws.send(JSON.stringify({ type: "connection_init", payload }));
    };
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "connection_ack") {
        this.acked = true;
        this.delay = 1000;
        this.onStatus("online", t("live.online"));
        for (const id of this.subscriptions.keys()) this.send(id);
      } else if (message.type === "ping") {
        ws.send(JSON.stringify({ type: "pong" }));
      } else if (message.type === "next") {
        const sub = this.subscriptions.get(message.id);
        if (!sub) return;
        if (message.payload.errors?.length) sub.error(message.payload.errors);
        else sub.next(message.payload.data);
      } else if (message.type === "error") {
        this.subscriptions.get(message.id)?.error(message.payload);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.acked = false;
      this.onStatus("reconnecting", t("live.reconnecting"));
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 15000);
    };
    ws.onerror = () => ws.close();
  }
}

/** A small status line ("最新の情報を表示しています" / "再接続しています…"), announced politely. */
export function statusLine() {
  const node = document.createElement("p");
  node.className = "live-status";
  node.setAttribute("role", "status");
  const update = (state, text) => {
    node.dataset.state = state;
    node.textContent = text;
  };
  return { node, update };
}
