// A page address that does not exist (a malformed ticket id or queue code).
import { el, t } from "./common.js";

document.getElementById("app").append(el("p", { class: "error" }, t("notfound.body")),
  el("p", {}, el("a", { href: "/congestion" }, t("congestion.title"))));
