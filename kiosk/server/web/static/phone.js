// The phone page: the server already drew the ticket, in the page's language; this refreshes it
// from GET /v1/public/tickets/{id} (no personal data in it) every few seconds, at once when the
// phone comes back to the tab (a background tab's timers are slowed or stopped), and says when
// it last updated and when the server is out of reach.
import { HTTP, request } from "./api.js";

const root = document.getElementById("phone");
const API = root.dataset.api;
const TICKET = root.dataset.ticket;
const REFRESH_MS = Number(new URLSearchParams(location.search).get("refresh") || root.dataset.refreshMs || 15000);
const STATES = JSON.parse(root.dataset.states || "{}");
const TEXTS = JSON.parse(root.dataset.texts || "{}");
const FINISHED = new Set(["served", "no_show"]);
const $ = (id) => document.getElementById(id);
const state = { ticket: null, refreshes: 0, updatedAt: null, timer: null, inFlight: false };
window.phonePage = state;

function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function timeText(date) {
  const parts = new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Jakarta" })
    .formatToParts(date);
  const part = (type) => (parts.find((p) => p.type === type) || { value: "" }).value;
  return part("hour") + "." + part("minute");
}

function waitText(minutes) {
  if (minutes === null || minutes === undefined) return "–";
  return minutes < 1 ? TEXTS.soon : fill(TEXTS.minutes, { minutes });
}

function show(ticket) {
  $("ticket").hidden = false;
  $("problem").hidden = true;
  $("number").textContent = ticket.number;
  $("service").textContent = ticket.service_name || ticket.service;
  const stateNode = $("state");
  stateNode.textContent = fill(STATES[ticket.state], { counter: ticket.counter_name || TEXTS.counter });
  stateNode.className = "state state-" + ticket.state;
  // Called or finished: "0 ahead" would only confuse; the sentence above says what to do.
  $("line").hidden = ticket.state === "called" || FINISHED.has(ticket.state);
  $("serving").textContent = ticket.serving || "–";
  $("ahead").textContent = ticket.ahead === null || ticket.ahead === undefined ? "–" : String(ticket.ahead);
  $("wait").textContent = waitText(ticket.wait_minutes);
  root.dataset.state = ticket.state;
  document.title = fill(TEXTS.number, { number: ticket.number }) + " · Disdukcapil Kabupaten Magetan";
}

async function refresh() {
  clearTimeout(state.timer);
  if (state.inFlight) return;
  state.inFlight = true;
  try {
    const ticket = await request(API, "GET", "/public/tickets/" + encodeURIComponent(TICKET), { timeoutMs: 8000 });
    state.ticket = ticket;
    state.updatedAt = new Date();
    show(ticket);
    if (ticket.state === "served" && !document.getElementById("rating")) {
      location.reload(); // served now: the server draws the rating faces (kiosk.server.rating)
      return;
    }
    $("updated").textContent = fill(TEXTS.updated, { time: timeText(state.updatedAt) });
  } catch (error) {
    const last = state.updatedAt ? timeText(state.updatedAt) : "–";
    $("updated").textContent = error.kind === HTTP && error.title ? error.title : fill(TEXTS.unreachable, { time: last });
  } finally {
    state.inFlight = false;
  }
  state.refreshes += 1;
  root.dataset.refreshes = String(state.refreshes);
  if (state.ticket && FINISHED.has(state.ticket.state)) return; // nothing more will change
  state.timer = setTimeout(refresh, REFRESH_MS);
}

// Back to the tab (or the phone unlocked): what it shows may be minutes old, ask now.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && TICKET && !(state.ticket && FINISHED.has(state.ticket.state))) refresh();
});

if (TICKET) state.timer = setTimeout(refresh, REFRESH_MS);
