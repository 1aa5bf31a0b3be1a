// DX推進ダッシュボード (/dx) for the working group: an analyst's token (kept in this
// tab's sessionStorage only) calls the dashboards through GraphQL with Authorization.
// Per department: procedures online against the plans, plans planned/overdue with
// owner and date, the channel mix, processing times; links to the CSV exports.
import { el, gql, GraphQLError, t, todayInJapan } from "./common.js";
import { dataTable, groupedBars, stackedBars } from "./charts.js";

const KEY = "madoguchi.dx.token";
const FIELDS = `department departmentNameJa months { month procedures proceduresOnline onlineRate planned plannedOverdue
  applications applicationsOnline applicationsCounter applicationsMail completed medianDays p90Days }
  plans { procedureCode procedureNameJa department state owner targetDate }`;
const QUERY = `query($from: Date!, $to: Date!) { cityDashboard(from: $from, to: $to) { ${FIELDS} }
  departmentDashboards(from: $from, to: $to) { ${FIELDS} } }`;

const app = document.getElementById("app");
const to = todayInJapan();
const start = new Date(`${to}T00:00:00Z`);
start.setUTCMonth(start.getUTCMonth() - 5, 1);
const from = start.toISOString().slice(0, 10);

const tokenInput = el("input", { id: "token", type: "password", autocomplete: "off", "aria-describedby": "token-help",
  value: sessionStorage.getItem(KEY) ?? "" });
const fromInput = el("input", { id: "from", type: "date", value: from });
const toInput = el("input", { id: "to", type: "date", value: to });
const message = el("p", { class: "message", role: "status" });
const results = el("div", { class: "dx-results" });
const form = el("form", { class: "dx-form" },
  el("div", { class: "field" }, el("label", { for: "token" }, t("dx.token")), tokenInput,
    el("p", { id: "token-help", class: "help" }, t("dx.tokenHelp"))),
  el("div", { class: "field" }, el("label", { for: "from" }, t("dx.from")), fromInput),
  el("div", { class: "field" }, el("label", { for: "to" }, t("dx.to")), toInput),
  el("div", { class: "actions" }, el("button", { type: "submit" }, t("dx.load")),
    el("button", { type: "button", class: "secondary", onclick: forget }, t("dx.signout"))));
form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
app.append(form, message, results);

function forget() {
  sessionStorage.removeItem(KEY);
  tokenInput.value = "";
  results.replaceChildren();
  message.textContent = t("dx.forgotten");
}

const last = (d) => d.months[d.months.length - 1];
const sum = (d, key) => d.months.reduce((a, m) => a + (m[key] ?? 0), 0);
const name = (d) => d.departmentNameJa ?? t("dx.city");
const pct = (r) => (r === null || r === undefined ? "—" : `${Math.round(r * 1000) / 10}%`);

function onlineSection(departments) {
  const series = ["online", "planned", "overdue", "rest"].map((k) => ({ label: t(`dx.legend.${k}`), cls: `s-${k}` }));
  const rows = departments.map((d) => {
    const m = last(d);
    const onTrack = m.planned - m.plannedOverdue;
    return { label: name(d), values: [m.proceduresOnline, onTrack, m.plannedOverdue,
      Math.max(0, m.procedures - m.proceduresOnline - m.planned)] };
  });
  return el("section", { "aria-labelledby": "h-online" }, el("h2", { id: "h-online" }, t("dx.online")),
    stackedBars(rows, series, t("dx.online")),
    dataTable(t("dx.online"), [t("dx.col.dept"), ...series.map((s) => s.label), t("dx.col.rate")],
      departments.map((d, i) => [name(d), ...rows[i].values, pct(last(d).onlineRate)])));
}

function plansSection(departments) {
  const plans = departments.flatMap((d) => d.plans.map((p) => ({ ...p, dept: name(d) })))
    .filter((p) => p.state === "overdue" || p.state === "on_track")
    .sort((a, b) => (a.state === b.state ? (a.targetDate ?? "").localeCompare(b.targetDate ?? "") : a.state === "overdue" ? -1 : 1));
  const body = plans.length ? el("table", { class: "plans", "aria-labelledby": "h-plans" },
    el("thead", {}, el("tr", {}, ["dept", "proc", "state", "owner", "target"].map((c) => el("th", { scope: "col" }, t(`dx.col.${c}`))))),
    el("tbody", {}, plans.map((p) => el("tr", { class: `state-${p.state}` }, el("td", {}, p.dept),
      el("th", { scope: "row" }, p.procedureNameJa), el("td", {}, el("span", { class: `state state-${p.state}` }, t(`dx.state.${p.state}`))),
      el("td", {}, p.owner ?? t("dx.ownerHidden")), el("td", {}, p.targetDate ?? "—")))))
    : el("p", {}, t("dx.noPlans"));
  return el("section", { "aria-labelledby": "h-plans" }, el("h2", { id: "h-plans" }, t("dx.plans")), body);
}

function channelSection(departments) {
  const keys = ["applicationsOnline", "applicationsCounter", "applicationsMail"];
  const series = ["online", "counter", "mail"].map((k) => ({ label: t(`dx.channel.${k}`), cls: `c-${k}` }));
  const rows = departments.map((d) => ({ label: name(d), values: keys.map((k) => sum(d, k)) }));
  return el("section", { "aria-labelledby": "h-channels" }, el("h2", { id: "h-channels" }, t("dx.channels")),
    stackedBars(rows, series, t("dx.channels"), { percent: true }),
    dataTable(t("dx.channels"), [t("dx.col.dept"), ...series.map((s) => s.label)], rows.map((r) => [r.label, ...r.values])));
}

function processingSection(departments) {
  const series = [{ label: t("dx.median"), cls: "p-median" }, { label: t("dx.p90"), cls: "p-p90" }];
  const latest = (d, key) => [...d.months].reverse().find((m) => m[key] !== null)?.[key] ?? null;
  const rows = departments.map((d) => ({ label: name(d), values: [latest(d, "medianDays"), latest(d, "p90Days")] }));
  const days = (v) => t("dx.days", { d: Math.round(v * 10) / 10 });
  return el("section", { "aria-labelledby": "h-processing" }, el("h2", { id: "h-processing" }, t("dx.processing")),
    groupedBars(rows, series, t("dx.processing"), days),
    dataTable(t("dx.processing"), [t("dx.col.dept"), ...series.map((s) => s.label)],
      rows.map((r) => [r.label, ...r.values.map((v) => (v === null ? "—" : days(v)))])));
}

function exportLink(scope, text) {
  const href = `/exports/dashboards/${scope}.csv?from=${fromInput.value}&to=${toInput.value}`;
  const link = el("a", { href, class: "export" }, text);
  link.addEventListener("click", async (event) => { // the export needs the token: fetch, then save
    event.preventDefault();
    const response = await fetch(href, { headers: { authorization: `Bearer ${tokenInput.value.trim()}` } });
    if (!response.ok) { message.textContent = t("dx.error.auth"); return; }
    const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? `dx-${scope}.csv`;
    const save = el("a", { href: URL.createObjectURL(await response.blob()), download: name });
    save.click();
    URL.revokeObjectURL(save.href);
  });
  return el("li", {}, link);
}

async function load() {
  const token = tokenInput.value.trim();
  if (!token) { message.textContent = t("dx.needToken"); return; }
  sessionStorage.setItem(KEY, token);
  message.textContent = t("dx.loading");
  try {
    const data = await gql(QUERY, { from: fromInput.value, to: toInput.value }, token);
    const departments = data.departmentDashboards;
    const city = last(data.cityDashboard);
    results.replaceChildren(
      el("section", { "aria-labelledby": "h-summary", class: "summary" }, el("h2", { id: "h-summary" }, t("dx.summary", { month: city.month })),
        el("dl", { class: "facts" },
          [["dx.sum.rate", pct(city.onlineRate)], ["dx.sum.online", `${city.proceduresOnline} / ${city.procedures}`],
            ["dx.sum.planned", city.planned], ["dx.sum.overdue", city.plannedOverdue]]
            .map(([k, v]) => el("div", {}, el("dt", {}, t(k)), el("dd", {}, v))))),
      onlineSection(departments), plansSection(departments), channelSection(departments), processingSection(departments),
      el("section", { "aria-labelledby": "h-exports" }, el("h2", { id: "h-exports" }, t("dx.exports")),
        el("ul", {}, exportLink("city", t("dx.export.city")), exportLink("department", t("dx.export.department")))));
    message.textContent = t("dx.loaded");
  } catch (error) {
    const refused = error instanceof GraphQLError && error.codes.some((c) => c === "UNAUTHENTICATED" || c === "FORBIDDEN");
    message.textContent = refused ? t("dx.error.auth") : t("dx.error.other");
  }
}

if (tokenInput.value) load();
