// The office page: a supervisor signs in with an office token, sees today as the office runs it
// (services, quotas, counters, the notice, the audit log) and changes it. Every change is one
// call to /v1/office/...; the server checks it, audits it and answers with the new status.
import { ApiError, NETWORK, request } from "./api.js";

const app = document.getElementById("office-app");
const API = app.dataset.api;
const STORE = "antrian.office";
const REFRESH_MS = Number(new URLSearchParams(location.search).get("refresh") || 5000);

// The page's words in the supervisor's language (kiosk/server/office_page.py renders them into
// data-texts); Indonesian if they are missing. ``{name}`` placeholders are filled by ``fill``.
const TEXTS = JSON.parse(app.dataset.texts || "{}");
const LANG = app.dataset.lang || "id";
const MESSAGES = TEXTS.messages || {};
const ACTIONS = TEXTS.actions || {};
// The printer states a kiosk reports (POST /v1/kiosks/health), in words.
const PRINTER = TEXTS.printer || {};
// Why a synced offline ticket is listed, and what the supervisor does about it, by reason code.
const CONFLICT_WHAT = TEXTS.conflictWhat || {};
const CONFLICT_TODO = TEXTS.conflictTodo || {};

function fill(template, values = {}) {
  return String(template || "").replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function minutes(value) {
  return value === null || value === undefined ? "–" : fill(MESSAGES.minutes, { minutes: value });
}

function clock(iso) {
  return iso ? iso.slice(11, 16) : "–";
}

const $ = (id) => document.getElementById(id);
const state = { token: null, status: null, busy: false, refreshes: 0 };
window.officePage = state;
// What the supervisor is typing (a reason, a quota), by field: the tables are drawn again at every
// refresh, and a half-typed reason must survive that, with the cursor where it was.
const drafts = new Map();

function drafted(input, key, fallback) {
  input.dataset.key = key;
  input.value = drafts.has(key) ? drafts.get(key) : fallback;
  input.addEventListener("input", () => drafts.set(key, input.value));
  return input;
}

function keepFocus(draw) {
  const active = document.activeElement;
  const key = active && active.dataset ? active.dataset.key : undefined;
  let caret = null;
  try { caret = key ? [active.selectionStart, active.selectionEnd] : null; } catch { caret = null; }
  draw();
  const again = key ? document.querySelector(`[data-key="${CSS.escape(key)}"]`) : null;
  if (!again) return;
  again.focus();
  try { if (caret && caret[0] !== null) again.setSelectionRange(caret[0], caret[1]); } catch { /* a number field has no caret */ }
}

function say(text, kind = "") {
  $("message").textContent = text;
  $("message").className = "message" + (kind ? " " + kind : "");
}

function errorText(error) {
  if (!(error instanceof ApiError) || error.kind === NETWORK) return MESSAGES.network;
  if (error.status === 401) return MESSAGES.unauthorized;
  if (error.status === 403) return MESSAGES.forbidden;
  return error.title || MESSAGES.network;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function button(text, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "small";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

function render() {
  keepFocus(draw);
}

function draw() {
  const status = state.status;
  if (!status) return;
  $("office-title").textContent = fill(MESSAGES.todayOf, { day: status.day });
  const services = $("services").tBodies[0];
  services.replaceChildren();
  for (const s of status.services) {
    const row = services.insertRow();
    row.dataset.service = s.code;
    cell(row, s.code + " · " + s.name);
    cell(row, s.issued + " / " + s.quota);
    cell(row, String(s.quota_left));
    cell(row, String(s.waiting));
    const longest = cell(row, minutes(s.longest_wait_minutes));
    const standard = s.standard_wait_minutes;
    if (standard && s.longest_wait_minutes > standard) longest.className = "closed";
    const figures = cell(row, (s.median_wait_minutes === null ? "–" : s.median_wait_minutes + " / " + minutes(s.p90_wait_minutes))
      + (standard ? " " + fill(MESSAGES.standard, { minutes: standard }) : ""));
    if (standard && s.p90_wait_minutes > standard) figures.className = "closed";
    cell(row, s.open ? MESSAGES.open : fill(MESSAGES.closedBecause, { reason: s.closed_reason })).className = s.open ? "" : "closed";
    const actions = cell(row, "");
    if (s.open) {
      const reason = drafted(document.createElement("input"), "reason:" + s.code, "");
      reason.placeholder = MESSAGES.reason;
      reason.maxLength = 160;
      reason.className = "reason";
      reason.setAttribute("aria-label", fill(MESSAGES.reasonLabel, { service: s.code }));
      actions.append(reason, button(MESSAGES.closeToday, () => {
        if (!reason.value.trim()) return say(MESSAGES.reasonNeeded, "error");
        change("/office/services/" + s.code + "/close", { reason: reason.value.trim() }, ["reason:" + s.code]);
      }));
    } else {
      actions.append(button(MESSAGES.openAgain, () => change("/office/services/" + s.code + "/open")));
    }
    const quota = document.createElement("input");
    quota.type = "number";
    quota.min = "0";
    drafted(quota, "quota:" + s.code, String(s.quota));
    quota.className = "quota";
    quota.setAttribute("aria-label", fill(MESSAGES.quotaLabel, { service: s.code }));
    actions.append(quota, button(MESSAGES.changeQuota, () => change("/office/services/" + s.code + "/quota", { quota: Number(quota.value) }, ["quota:" + s.code])));
  }
  const counters = $("counters").tBodies[0];
  counters.replaceChildren();
  for (const c of status.counters) {
    const row = counters.insertRow();
    row.dataset.counter = c.id;
    cell(row, c.name);
    cell(row, c.paused_since ? fill(MESSAGES.pausedSince, { time: c.paused_since }) : MESSAGES.serving);
    const actions = cell(row, "");
    if (c.paused_since) actions.append(button(MESSAGES.resume, () => change("/office/counters/" + c.id + "/resume")));
    else actions.append(button(MESSAGES.pause, () => pause(c.id)));
  }
  const kiosks = $("kiosks").tBodies[0];
  kiosks.replaceChildren();
  for (const k of status.kiosks || []) {
    const row = kiosks.insertRow();
    row.dataset.kiosk = k.id;
    cell(row, k.id);
    const seen = k.last_seen ? clock(k.last_seen) : null;
    const text = !seen ? MESSAGES.neverSeen : fill(k.online ? MESSAGES.onlineLast : MESSAGES.notSeenSince, { time: seen });
    cell(row, text).className = k.online ? "" : "closed";
    const printer = cell(row, k.printer ? (PRINTER[k.printer] || PRINTER.unknown) : "–");
    if (k.printer && k.printer !== "ready") printer.className = "closed";
    cell(row, k.unsynced === null || k.unsynced === undefined ? "–" : String(k.unsynced));
    cell(row, clock(k.kiosk_time));
  }
  drawConflicts(status.conflicts || [], status.services);
  const notice = status.notice;
  const said = notice ? [notice.text, notice.text_en, notice.text_jv].filter(Boolean).join(" / ") : "";
  $("notice-now").textContent = notice
    ? fill(MESSAGES.noticeNow, { text: said }) + (notice.until ? " " + fill(MESSAGES.noticeUntil, { time: notice.until }) : "")
    : MESSAGES.noNotice;
  const audit = $("audit").tBodies[0];
  audit.replaceChildren();
  for (const e of status.audit.slice().reverse()) {
    const row = audit.insertRow();
    cell(row, e.at.slice(11, 16));
    cell(row, e.who);
    cell(row, ACTIONS[e.action] || e.action);
    cell(row, e.target + (e.action === "quota" ? " → " + e.detail : ""));
    cell(row, e.why);
  }
}

// The offline tickets a sync kept otherwise than printed: the number stands; the page says why and
// what to do (the same words for each reason, once per ticket).
function drawConflicts(conflicts, services) {
  const names = new Map(services.map((s) => [s.code, s.name]));
  const body = $("conflicts").tBodies[0];
  body.replaceChildren();
  $("conflicts").hidden = conflicts.length === 0;
  $("no-conflicts").textContent = conflicts.length === 0 ? MESSAGES.noConflicts : "";
  for (const c of conflicts) {
    const row = body.insertRow();
    row.dataset.number = c.number;
    const values = { number: c.number, kiosk: c.kiosk_id };
    cell(row, c.number);
    cell(row, c.service_code + (names.has(c.service_code) ? " · " + names.get(c.service_code) : ""));
    cell(row, c.kiosk_id);
    cell(row, [...new Set(c.reasons.map((code) => CONFLICT_WHAT[code] || code))].join("; "));
    cell(row, [...new Set(c.reasons.map((code) => fill(CONFLICT_TODO[code] || CONFLICT_TODO[""], values)))].join(" "));
    cell(row, clock(c.synced_at));
  }
}

async function call(method, path, body) {
  return request(API, method, path, { token: state.token, body, language: LANG });
}

async function refresh() {
  if (!state.token) return;
  try {
    state.status = await call("GET", "/office/status");
    $("connection").textContent = MESSAGES.connected;
    render();
    state.refreshes += 1;
  } catch (error) {
    $("connection").textContent = errorText(error);
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) signOut(errorText(error));
  }
}

// One change; the refusal (or null) is returned, never thrown: a click handler has nobody to catch it.
// ``done`` names the drafts the change used up (a refused change keeps them, to be corrected).
async function change(path, body = {}, done = []) {
  if (state.busy) return null;
  state.busy = true;
  try {
    state.status = await call("POST", path, body);
    for (const key of done) drafts.delete(key);
    render();
    say(MESSAGES.done, "ok");
    return null;
  } catch (error) {
    say(errorText(error), "error");
    return error;
  } finally {
    state.busy = false;
  }
}

async function pause(counterId) {
  const refused = await change("/office/counters/" + counterId + "/pause", {});
  if (refused instanceof ApiError && refused.code === "last_open_counter" && window.confirm(MESSAGES.confirmLast)) {
    await change("/office/counters/" + counterId + "/pause", { force: true });
  }
}

function signOut(text = "") {
  state.token = null;
  sessionStorage.removeItem(STORE);
  $("desk").hidden = true;
  $("signin").hidden = false;
  $("signin-message").textContent = text;
}

async function signIn(token) {
  state.token = token;
  try {
    state.status = await call("GET", "/office/status");
  } catch (error) {
    signOut(errorText(error));
    return;
  }
  sessionStorage.setItem(STORE, token);
  $("signin").hidden = true;
  $("desk").hidden = false;
  render();
}

$("signin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn($("office-token").value.trim());
});
$("signout").addEventListener("click", () => signOut());
$("notice-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const until = $("notice-until").value;
  change("/office/notice", {
    text: $("notice-text").value.trim(),
    text_en: $("notice-text-en").value.trim(),
    text_jv: $("notice-text-jv").value.trim(),
    until: until || null,
  });
});

const saved = sessionStorage.getItem(STORE);
if (saved) signIn(saved);
setInterval(() => { if (!state.busy) refresh(); }, REFRESH_MS);
