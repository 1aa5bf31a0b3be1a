// 混雑状況 (/congestion): per queue, the wait now (people waiting, the predicted wait of
// a ticket taken now) and the expected wait by hour today (congestionForecast), for
// citizens choosing when to come. Refreshed every minute.
import { el, gql, page, queueName, round, t, timeInJapan, todayInJapan, waitBadge } from "./common.js";
import { dataTable, hourBars } from "./charts.js";

const QUERY = `query($queue: String!, $date: Date!) {
  queueBoard(queue: $queue) { queue { code nameJa nameEn } waitingCount predictedWaitForNewTicket { minutes low high } }
  congestionForecast(queue: $queue, date: $date) { weeks hours { hour expectedWaitMinutes samples } } }`;

const app = document.getElementById("app");
const updated = el("p", { class: "updated", role: "status" });
const list = el("div", { class: "congestion-list" });
app.append(el("p", { class: "intro" }, t("congestion.intro")),
  el("p", { class: "hours" }, el("span", { class: "hours-label" }, t("board.hours")), " ", page.hours),
  el("p", { class: "legend-bands" }, t("congestion.bands"), " ",
    ["short", "medium", "long"].map((b) => el("span", { class: `band band-${b}` }, el("span", { class: "band-label" }, t(`band.${b}`)), " ", t(`band.${b}.range`)))),
  updated, list);

function hourInJapan() {
  return Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tokyo", hour: "2-digit", hourCycle: "h23" }).format(new Date()));
}

function card({ queueBoard: board, congestionForecast: forecast }) {
  const code = board.queue.code;
  const wait = board.predictedWaitForNewTicket;
  const name = queueName(board.queue);
  const chartName = t("congestion.chart", { queue: name });
  return el("section", { class: "queue-card", "aria-labelledby": `c-${code}`, "data-queue": code },
    el("h2", { id: `c-${code}` }, name),
    el("dl", { class: "facts" },
      el("div", {}, el("dt", {}, t("board.waiting")), el("dd", {}, t("board.people", { n: board.waitingCount }))),
      el("div", {}, el("dt", {}, t("congestion.now")), el("dd", {}, waitBadge(wait.minutes),
        el("span", { class: "range" }, t("wait.range", { low: round(wait.low), high: round(wait.high) }))))),
    el("h3", {}, t("congestion.byHour", { weeks: forecast.weeks })),
    hourBars(forecast.hours, hourInJapan(), chartName),
    dataTable(chartName, [t("congestion.col.hour"), t("congestion.col.wait")],
      forecast.hours.map((h) => [t("congestion.hour", { h: h.hour }),
        h.expectedWaitMinutes === null ? t("congestion.noData") : t("wait.minutes", { m: round(h.expectedWaitMinutes) })])));
}

async function refresh() {
  try {
    const { queues } = await gql("{ queues { code } }");
    const date = todayInJapan();
    const results = await Promise.all(queues.map((q) => gql(QUERY, { queue: q.code, date })));
    list.replaceChildren(...results.map(card));
    updated.textContent = t("congestion.updated", { time: timeInJapan() });
  } catch {
    updated.textContent = t("live.reconnecting");
  }
}

refresh();
setInterval(refresh, 60_000);
