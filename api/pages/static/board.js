// The hall's display board (/board/{queue}, /board?queues=a,b, /board for all queues):
// now serving per window, the last calls highlighted, waiting count, the predicted
// wait of a new ticket in colour bands, the counter's hours; live over the queueBoard
// subscription; optional chime and spoken calls.
import { el, gql, page, queueName, round, t, timeInJapan, waitBadge } from "./common.js";
import { LiveClient, statusLine } from "./live.js";
import { Announcer } from "./speech.js";

const BOARD = `subscription($queue: String!) { queueBoard(queue: $queue) {
  queue { code nameJa nameEn } waitingCount
  nowServing { window windowNameJa ticket status statusLabel { ja en } }
  predictedWaitForNewTicket { minutes low high } } }`;
const FRESH_MS = 60_000; // a call stays highlighted this long
const RECENT = 6;

const app = document.getElementById("app");
const announcer = new Announcer();
window.madoguchiAnnouncer = announcer;
const boards = new Map(); // queue code -> latest board
const seen = new Map(); // "queue|window|ticket" -> first seen (ms)
const recent = []; // [{ticket, window, at}] newest first
const status = statusLine();

function soundToggle() {
  const button = el("button", { type: "button", class: "toggle", "aria-pressed": "false" }, t("board.sound"));
  button.addEventListener("click", () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(on));
    announcer.enable(on);
  });
  return button;
}

const clock = el("p", { class: "clock" });
const tick = () => { clock.textContent = timeInJapan(); };
const recentList = el("ol", { class: "recent-calls" });
const sections = el("div", { class: "queues" });
app.append(
  el("div", { class: "board-bar" }, clock,
    el("p", { class: "hours" }, el("span", { class: "hours-label" }, t("board.hours")), " ", page.hours),
    soundToggle(), status.node),
  sections,
  el("section", { class: "recent", "aria-labelledby": "recent-title" },
    el("h2", { id: "recent-title" }, t("board.recent")), recentList),
);

function callKey(queue, call) {
  return `${queue}|${call.window}|${call.ticket}`;
}

function noteCalls(queue, board, first) {
  for (const call of board.nowServing) {
    const key = callKey(queue, call);
    if (seen.has(key) || call.status !== "CALLED") continue;
    seen.set(key, Date.now());
    recent.unshift({ ticket: call.ticket, window: call.window, at: Date.now() });
    recent.splice(RECENT);
    if (!first) announcer.say(t("board.announce", { ticket: call.ticket, window: call.window }));
  }
}

function renderQueue(section, board) {
  const code = board.queue.code;
  const wait = board.predictedWaitForNewTicket;
  const calls = board.nowServing.length
    ? el("ul", { class: "windows" }, board.nowServing.map((call) => {
      const fresh = Date.now() - (seen.get(callKey(code, call)) ?? 0) < FRESH_MS && call.status === "CALLED";
      return el("li", { class: `call${fresh ? " fresh" : ""}`, "data-ticket": call.ticket, "data-window": call.window },
        el("span", { class: "call-window" }, t("board.window", { n: call.window })),
        el("span", { class: "call-ticket" }, call.ticket),
        el("span", { class: "call-status" }, call.statusLabel[page.lang]));
    }))
    : el("p", { class: "empty" }, t("board.none"));
  section.replaceChildren(
    el("h2", { id: `q-${code}` }, queueName(board.queue)),
    el("div", { class: "queue-grid" },
      el("div", { class: "serving" }, el("h3", {}, t("board.nowServing")), calls),
      el("dl", { class: "facts" },
        el("div", {}, el("dt", {}, t("board.waiting")),
          el("dd", { class: "waiting-count" }, t("board.people", { n: board.waitingCount }))),
        el("div", {}, el("dt", {}, t("board.newWait")),
          el("dd", { class: "new-wait" }, waitBadge(wait.minutes),
            el("span", { class: "range" }, t("wait.range", { low: round(wait.low), high: round(wait.high) })))))));
}

function renderRecent() {
  recentList.replaceChildren(...recent.map((call, i) => el("li", { class: i === 0 ? "latest" : "" },
    el("span", { class: "call-ticket" }, call.ticket), " → ",
    el("span", {}, t("board.window", { n: call.window })))));
}

function render() {
  for (const [code, board] of boards) renderQueue(document.getElementById(`queue-${code}`), board);
  renderRecent();
}

async function start() {
  let codes = page.queues;
  if (!codes.length) codes = (await gql("{ queues { code } }")).queues.map((q) => q.code);
  const client = new LiveClient({ onStatus: status.update });
  window.madoguchiLive = client; // for the browser tests (they drop its connection)
  for (const code of codes) {
    sections.append(el("section", { class: "queue", id: `queue-${code}`, "aria-labelledby": `q-${code}` },
      el("h2", { id: `q-${code}` }, code)));
    let first = true;
    client.subscribe(BOARD, { queue: code }, (data) => {
      boards.set(code, data.queueBoard);
      noteCalls(code, data.queueBoard, first);
      first = false;
      if (codes.length === 1) {
        const heading = `${queueName(data.queueBoard.queue)} ${t("board.title")}`;
        document.getElementById("title").textContent = heading;
        document.title = `${heading} | ${t("site")}`;
      }
      render();
    }, () => {
      document.getElementById(`queue-${code}`).replaceChildren(
        el("h2", { id: `q-${code}` }, code), el("p", { class: "error", role: "alert" }, t("board.notfound")));
    });
  }
}

tick();
setInterval(() => { tick(); render(); }, 5000);
start();
