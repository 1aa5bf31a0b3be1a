// Shared by every page: the page's data and strings (rendered by api/pages/render.py),
// element building, GraphQL over HTTP, minutes and wait bands.
export const page = JSON.parse(document.getElementById("page-data").textContent);
export const lang = page.lang;

/** The string `key` in the page's language, with {name} placeholders filled in. */
export function t(key, vars = {}) {
  const text = page.strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** el("p", {class: "x"}, "text", child…): attributes starting with "on" are listeners. */
export function el(tag, attrs = {}, ...children) {
  const svg = ["svg", "g", "rect", "text", "line", "title", "desc", "path"].includes(tag);
  const node = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A label object {ja, en} of the API in the page's language. */
export const label = (l) => (l ? l[lang] ?? l.ja : "");

/** A queue's name: Japanese, or English when the page is in English. */
export const queueName = (q) => (lang === "en" ? q.nameEn || q.nameJa : q.nameJa);

export class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join("; "));
    this.codes = errors.map((e) => e.extensions?.code);
  }
}

/** POST a GraphQL query to this app; throws GraphQLError on errors. */
export async function gql(query, variables = {}, token = null) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors?.length) throw new GraphQLError(body.errors);
  return body.data;
}

/** Wait bands of the board and the congestion page: < 20, 20–40, ≥ 40 minutes. */
export function band(minutes) {
  if (minutes === null || minutes === undefined) return "none";
  if (minutes < 20) return "short";
  if (minutes < 40) return "medium";
  return "long";
}

export const round = (m) => Math.max(0, Math.round(m));

/** "約25分" and its band as a badge. */
export function waitBadge(minutes) {
  const b = band(minutes);
  return el("span", { class: `band band-${b}` },
    el("span", { class: "band-minutes" }, minutes === null ? t("wait.none") : t("wait.minutes", { m: round(minutes) })),
    b === "none" ? null : el("span", { class: "band-label" }, t(`band.${b}`)));
}

/** Today in Japan (YYYY-MM-DD), whatever the device's time zone. */
export function todayInJapan(date = new Date()) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(date);
}

export function timeInJapan(date = new Date()) {
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "ja-JP",
    { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" }).format(date);
}

/** Keep the language link's other query parameters (e.g. ?queues=). */
export function keepQueryInLanguageLink() {
  const link = document.querySelector("nav.lang a");
  if (!link) return;
  const params = new URLSearchParams(location.search);
  params.set("lang", link.getAttribute("hreflang"));
  link.setAttribute("href", `?${params}`);
}
keepQueryInLanguageLink();
