// The ticket page behind the QR code (/t/{id}): number, place in line, predicted wait
// with its interval, 「順番が近づいています」 (with a browser notification when
// permitted), and when called 「3番窓口へお越しください」. No login, no personal data:
// the ticket's random id is all it knows. Live over the ticket subscription.
import { el, gql, label, page, queueName, round, t, waitBadge } from "./common.js";
import { LiveClient, statusLine } from "./live.js";

const TICKET = `subscription($id: ID!) { ticket(id: $id) {
  ticket queue status statusLabel { ja en } window ahead placeInLine turnNear
  predictedWait { minutes low high } } }`;

const app = document.getElementById("app");
const status = statusLine();
const card = el("div", { class: "ticket-card" });
const notice = el("div", { class: "notice", role: "status", "aria-live": "assertive" });
const notifyArea = el("p", { class: "notify" });
app.append(notice, card, notifyArea, el("p", { class: "hint" }, t("ticket.keep")), status.node);
let queues = {};
let notified = new Set();

function notify(kind, text) {
  if (notified.has(kind)) return;
  notified.add(kind);
  if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
  if (window.Notification && Notification.permission === "granted") {
    try {
      new Notification(t("site"), { body: text, tag: `madoguchi-${page.ticket}-${kind}` });
    } catch {
      // some mobile browsers only notify through a service worker: the page itself still says it
    }
  }
}

function renderNotifyButton() {
  if (!window.Notification) return notifyArea.replaceChildren();
  if (Notification.permission === "granted") return notifyArea.replaceChildren(t("ticket.notifyOn"));
  if (Notification.permission === "denied") return notifyArea.replaceChildren(t("ticket.notifyDenied"));
  const button = el("button", { type: "button", class: "toggle" }, t("ticket.notify"));
  button.addEventListener("click", async () => {
    await Notification.requestPermission();
    renderNotifyButton();
  });
  notifyArea.replaceChildren(button);
}

function message(ticket) {
  switch (ticket.status) {
    case "CALLED": return ["called", t("ticket.called", { window: ticket.window })];
    case "SERVING": return ["serving", t("ticket.serving")];
    case "COMPLETED": return ["done", t("ticket.completed")];
    case "NO_SHOW": return ["done", t("ticket.no_show")];
    case "CANCELLED": return ["done", t("ticket.cancelled")];
    case "TRANSFERRED": return ["done", t("ticket.transferred")];
    default: return ticket.turnNear ? ["near", t("ticket.near")] : [null, ""];
  }
}

function render(ticket) {
  const q = queues[ticket.queue];
  const [kind, text] = message(ticket);
  notice.className = `notice${kind ? ` notice-${kind}` : ""}`;
  notice.replaceChildren(...(kind ? [el("p", { class: "notice-text" }, text)] : []),
    ...(kind === "near" ? [el("p", {}, t("ticket.nearBody"))] : []));
  if (kind === "near" || kind === "called") notify(kind, text);
  const wait = ticket.predictedWait;
  const rows = [
    [t("ticket.queue"), q ? queueName(q) : ticket.queue],
    [t("ticket.state"), label(ticket.statusLabel)],
  ];
  if (ticket.placeInLine !== null) {
    rows.push([t("ticket.position"), el("span", { class: "place" }, t("ticket.place", { n: ticket.placeInLine }),
      el("small", {}, " ", t("ticket.ahead", { n: ticket.ahead })))]);
  }
  if (wait) {
    rows.push([t("ticket.wait"), el("span", {}, waitBadge(wait.minutes),
      el("span", { class: "range" }, t("wait.range", { low: round(wait.low), high: round(wait.high) })))]);
  }
  card.replaceChildren(
    el("p", { class: "ticket-label" }, t("ticket.number")),
    el("p", { class: "ticket-number", "data-status": ticket.status }, ticket.ticket),
    el("dl", { class: "ticket-facts" }, rows.map(([dt, dd]) => el("div", {}, el("dt", {}, dt), el("dd", {}, dd)))));
}

function failed(errors) {
  const codes = (errors || []).map((e) => e.extensions?.code);
  const key = codes.includes("UNAUTHENTICATED") ? "ticket.signin" : "ticket.notfound";
  card.replaceChildren(el("p", { class: "error", role: "alert" }, t(key)));
}

async function start() {
  try {
    queues = Object.fromEntries((await gql("{ queues { code nameJa nameEn } }")).queues.map((q) => [q.code, q]));
  } catch {
    queues = {};
  }
  renderNotifyButton();
  const client = new LiveClient({ onStatus: status.update });
  client.subscribe(TICKET, { id: page.ticket }, (data) => render(data.ticket), failed);
}

start();
