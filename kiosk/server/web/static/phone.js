// The phone page: the server already drew the ticket; this refreshes it every few seconds from
// GET /v1/public/tickets/{id} (no personal data in it), and says when the server is out of reach.
import { clockText, HTTP, request } from "./api.js";

const root = document.getElementById("phone");
const API = root.dataset.api;
const TICKET = root.dataset.ticket;
const REFRESH_MS = Number(new URLSearchParams(location.search).get("refresh") || root.dataset.refreshMs || 15000);
const STATES = JSON.parse(root.dataset.states || "{}");
const $ = (id) => document.getElementById(id);
const state = { ticket: null, refreshes: 0 };
window.phonePage = state;

function waitText(minutes) {
  if (minutes === null || minutes === undefined) return "–";
  return minutes < 1 ? "sebentar lagi" : "sekitar " + minutes + " menit";
}

function show(ticket) {
  $("ticket").hidden = false;
  $("problem").hidden = true;
  $("number").textContent = ticket.number;
  $("service").textContent = ticket.service_name || ticket.service;
  const stateNode = $("state");
  stateNode.textContent = STATES[ticket.state] || "";
  stateNode.className = "state state-" + ticket.state;
  $("serving").textContent = ticket.serving || "–";
  $("ahead").textContent = ticket.ahead === null || ticket.ahead === undefined ? "–" : String(ticket.ahead);
  $("wait").textContent = waitText(ticket.wait_minutes);
  root.dataset.state = ticket.state;
  document.title = "Nomor " + ticket.number + " · Disdukcapil Kabupaten Magetan";
}

async function refresh() {
  try {
    const ticket = await request(API, "GET", "/public/tickets/" + encodeURIComponent(TICKET), { timeoutMs: 8000 });
    state.ticket = ticket;
    show(ticket);
    if (ticket.state === "served" && !document.getElementById("rating")) {
      location.reload(); // served now: the server draws the rating faces (kiosk.server.rating)
      return;
    }
    $("updated").textContent = "Diperbarui pukul " + clockText() + ". Halaman ini memperbarui diri sendiri.";
  } catch (error) {
    const text = error.kind === HTTP && error.title ? error.title : "Server antrean tidak terjangkau; halaman ini mencoba lagi sendiri.";
    $("updated").textContent = text;
  }
  state.refreshes += 1;
  root.dataset.refreshes = String(state.refreshes);
  if (state.ticket && (state.ticket.state === "served" || state.ticket.state === "no_show")) return; // nothing more will change
  setTimeout(refresh, REFRESH_MS);
}

if (TICKET) setTimeout(refresh, REFRESH_MS);
