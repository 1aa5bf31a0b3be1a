// Charts drawn as SVG in the browser (no chart library, nothing fetched). Each chart
// is an image with a text alternative, and its numbers are also given as a table.
import { band, el, t } from "./common.js";

const W = 640;

/** Vertical bars of the expected wait per hour, coloured by wait band; `now` marked. */
export function hourBars(hours, nowHour, name) {
  const H = 220, top = 28, bottom = 34, left = 8;
  const max = Math.max(40, ...hours.map((h) => h.expectedWaitMinutes ?? 0));
  const slot = (W - left * 2) / hours.length;
  const bars = hours.map((h, i) => {
    const x = left + i * slot + 6;
    const m = h.expectedWaitMinutes;
    const height = m === null ? 0 : Math.max(2, ((H - top - bottom) * m) / max);
    const y = H - bottom - height;
    const current = h.hour === nowHour;
    return el("g", { class: `bar bar-${band(m)}${current ? " now" : ""}` },
      el("rect", { x, y, width: slot - 12, height, rx: 3 }),
      el("text", { x: x + (slot - 12) / 2, y: m === null ? H - bottom - 6 : y - 6, "text-anchor": "middle", class: "value" },
        m === null ? "—" : Math.round(m)),
      el("text", { x: x + (slot - 12) / 2, y: H - bottom + 18, "text-anchor": "middle", class: current ? "axis now" : "axis" },
        t("congestion.hour", { h: h.hour })));
  });
  return el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": name, class: "chart" },
    el("line", { x1: left, x2: W - left, y1: H - bottom, y2: H - bottom, class: "baseline" }), bars);
}

/** A legend row: a swatch and the series' name each, spaced by the names' length. */
function legendOf(series, left) {
  let x = left;
  return series.map((s) => {
    const item = el("g", { class: `seg ${s.cls}` }, el("rect", { x, y: 6, width: 14, height: 14 }),
      el("text", { x: x + 20, y: 19, class: "legend" }, s.label));
    x += 44 + [...s.label].reduce((w, c) => w + (c.charCodeAt(0) > 255 ? 17 : 10), 0);
    return item;
  });
}

/** Horizontal stacked bars: rows [{label, values}], series [{label, cls}]; totals at the end. */
export function stackedBars(rows, series, name, { percent = false } = {}) {
  const rowH = 34, labelW = 170, legendH = 30;
  const H = legendH + rows.length * rowH + 8;
  const plotW = W - labelW - 60;
  const legend = legendOf(series, 8);
  const bars = rows.map((row, r) => {
    const total = row.values.reduce((a, b) => a + b, 0);
    const scale = total === 0 ? 0 : plotW / (percent ? total : Math.max(...rows.map((x) => x.values.reduce((a, b) => a + b, 0))));
    let x = labelW;
    const y = legendH + r * rowH;
    const segs = row.values.map((v, i) => {
      const w = v * scale;
      const seg = el("rect", { x, y, width: w, height: rowH - 10, class: `seg ${series[i].cls}` },
        el("title", {}, `${row.label} ${series[i].label}: ${v}`));
      x += w;
      return seg;
    });
    return el("g", {},
      el("text", { x: labelW - 8, y: y + rowH / 2, "text-anchor": "end", class: "label" }, row.label),
      segs, el("text", { x: x + 6, y: y + rowH / 2, class: "value" }, percent ? "" : total));
  });
  return el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": name, class: "chart" }, legend, bars);
}

/** Horizontal grouped bars (e.g. median and 90th percentile days) per row. */
export function groupedBars(rows, series, name, unit) {
  const barH = 17, rowH = series.length * (barH + 3) + 14, labelW = 170, legendH = 30;
  const H = legendH + rows.length * rowH;
  const max = Math.max(1, ...rows.flatMap((row) => row.values.map((v) => v ?? 0)));
  const plotW = W - labelW - 70;
  const legend = legendOf(series, 8);
  const bars = rows.map((row, r) => {
    const y = legendH + r * rowH;
    return el("g", {},
      el("text", { x: labelW - 8, y: y + rowH / 2, "text-anchor": "end", class: "label" }, row.label),
      row.values.map((v, i) => {
        const by = y + i * (barH + 3);
        const w = ((v ?? 0) * plotW) / max;
        return el("g", { class: `seg ${series[i].cls}` },
          el("rect", { x: labelW, y: by, width: w, height: barH }),
          el("text", { x: labelW + w + 6, y: by + barH - 2, class: "value" }, v === null ? "—" : unit(v)));
      }));
  });
  return el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": name, class: "chart" }, legend, bars);
}

/** The chart's numbers as a table, behind a disclosure. */
export function dataTable(caption, columns, rows) {
  return el("details", { class: "chart-table" }, el("summary", {}, t("chart.table")),
    el("table", {}, el("caption", {}, caption),
      el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col" }, c)))),
      el("tbody", {}, rows.map((row) => el("tr", {}, row.map((cell, i) => (i === 0
        ? el("th", { scope: "row" }, cell) : el("td", {}, cell))))))));
}
