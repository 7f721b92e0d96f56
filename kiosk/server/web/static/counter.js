// The counter page: sign in with the counter's id and token, then call, recall, mark absent,
// finish or transfer the current ticket. Every step is one POST with an Idempotency-Key; when
// the server could not be reached, the next click of the same step sends the same key again,
// so a retried "call next" can never call two people.
import { ApiError, HTTP, NETWORK, newKey, request } from "./api.js";

const app = document.getElementById("counter-app");
const API = app.dataset.api;
const STORE = "antrian.counter";
const REFRESH_MS = Number(new URLSearchParams(location.search).get("refresh") || 3000);

// The page's words in the officer's language (kiosk/server/counter_page.py renders them into
// data-texts, with {placeholders}); the same language goes to the API as Accept-Language, so a
// refusal from the server comes back in it too.
const MESSAGES = JSON.parse(app.dataset.texts || "{}");
const LANG = app.dataset.lang || "id";

function fill(template, values = {}) {
  return String(template || "").replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

const $ = (id) => document.getElementById(id);
const el = {
  signin: $("signin"), signinForm: $("signin-form"), signinMessage: $("signin-message"),
  counterId: $("counter-id"), token: $("counter-token"), desk: $("desk"), name: $("counter-name"),
  connection: $("connection"), message: $("message"), number: $("current-number"),
  service: $("current-service"), state: $("current-state"), waiting: $("waiting"),
  dialog: $("transfer-dialog"), transferService: $("transfer-service"), transferForm: $("transfer-form"),
  line: $("line"), lineEmpty: $("line-empty"),
  takeBack: $("take-back-dialog"), takeBackForm: $("take-back-form"), takeBackNumber: $("take-back-number"),
};
// "Nobody called yet", as the page was served in its language.
const NOBODY = el.service.textContent;
const buttons = Array.from(document.querySelectorAll("button[data-action]"));

// What tests and the technician can read: the page's own idea of its state.
const state = {
  session: null, // {counterId, token}
  counter: null,
  current: null,
  waiting: {},
  line: [], // the tickets waiting for this counter's services, in calling order: {number, service, priority}
  services: {},
  networkMessage: false, // the message shown is "Server tidak terjangkau": it goes when the server is back
  pending: null, // {action, bodyText, key}: a step sent without an answer; retried with the same key
  busy: false,
  reachable: true,
  sent: [], // every POST: {action, key}
};
window.counterPage = state;

function loadSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
    if (saved && typeof saved.counterId === "string" && typeof saved.token === "string") return saved;
  } catch (error) { /* a broken entry is the same as none */ }
  return null;
}

function say(text, kind = "", network = false) {
  state.networkMessage = network;
  el.message.textContent = text;
  el.message.className = "message" + (kind ? " " + kind : "");
}

function titleOf(error, fallback) {
  return error instanceof ApiError && error.title ? error.title : fallback;
}

function serviceName(code) {
  return state.services[code] || code;
}

function render() {
  const current = state.current;
  el.name.textContent = state.counter ? state.counter.name : fill(MESSAGES.counterOf, { counter: state.session ? state.session.counterId : "" });
  if (current) {
    el.number.textContent = current.number;
    el.service.textContent = serviceName(current.service);
    const at = current.called_at ? new Date(current.called_at).toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta" }) : "";
    const recall = current.kind === "recall";
    el.state.textContent = at
      ? fill(recall ? MESSAGES.recalledAt : MESSAGES.calledAt, { time: at })
      : recall ? MESSAGES.recalled : MESSAGES.called;
  } else {
    el.number.textContent = "–";
    el.service.textContent = NOBODY;
    el.state.textContent = "";
  }
  const body = el.waiting.tBodies[0];
  body.replaceChildren();
  const codes = state.counter && state.counter.services ? state.counter.services : Object.keys(state.waiting);
  for (const code of codes) {
    const row = body.insertRow();
    row.dataset.service = code;
    row.insertCell().textContent = serviceName(code);
    const count = row.insertCell();
    count.className = "count";
    count.textContent = String(state.waiting[code] ?? 0);
  }
  el.line.replaceChildren(...state.line.map((ticket) => {
    const item = document.createElement("li");
    item.textContent = ticket.number;
    item.dataset.service = ticket.service;
    if (ticket.priority) {
      item.className = "priority";
      item.title = MESSAGES.priority;
      item.setAttribute("aria-label", fill(MESSAGES.numberPriority, { number: ticket.number }));
    }
    return item;
  }));
  el.lineEmpty.hidden = state.line.length > 0;
  for (const button of buttons) {
    button.disabled = state.busy || (button.hasAttribute("data-needs-current") && !current);
  }
  el.connection.textContent = state.reachable ? "" : MESSAGES.reconnecting;
  app.dataset.current = current ? current.number : "";
  app.dataset.busy = state.busy ? "1" : "";
}

function showDesk(signedIn) {
  el.signin.hidden = signedIn;
  el.desk.hidden = !signedIn;
  if (!signedIn) el.counterId.focus();
}

function signOut(text = "") {
  sessionStorage.removeItem(STORE);
  state.session = null;
  state.counter = null;
  state.current = null;
  state.pending = null;
  el.signinMessage.textContent = text;
  showDesk(false);
}

async function refresh() {
  if (!state.session) return;
  const { counterId, token } = state.session;
  try {
    const data = await request(API, "GET", "/counters/" + encodeURIComponent(counterId), { token, timeoutMs: 5000, language: LANG });
    state.counter = data.counter || state.counter;
    state.current = data.current || null;
    state.waiting = data.waiting || {};
    state.line = Array.isArray(data.line) ? data.line : [];
    state.reachable = true;
    // The connection is back: the red line must not stay. A step still unanswered is safe to send again.
    if (state.networkMessage) say(state.pending ? MESSAGES.back : "");
  } catch (error) {
    if (error.kind === HTTP && error.status === 401) return signOut(MESSAGES.signedOut);
    state.reachable = error.kind !== NETWORK;
  }
  render();
}

async function loadServices() {
  try {
    const data = await request(API, "GET", "/display", { timeoutMs: 5000, language: LANG });
    state.services = data.services || {};
  } catch (error) { /* names are a nicety: codes are shown until the next sign-in */ }
}

async function signIn(counterId, token) {
  el.signinMessage.textContent = "";
  try {
    const data = await request(API, "GET", "/counters/" + encodeURIComponent(counterId), { token, timeoutMs: 8000, language: LANG });
    state.session = { counterId, token };
    sessionStorage.setItem(STORE, JSON.stringify(state.session));
    state.counter = data.counter;
    state.current = data.current || null;
    state.waiting = data.waiting || {};
    state.line = Array.isArray(data.line) ? data.line : [];
    await loadServices();
    showDesk(true);
    say("");
    render();
  } catch (error) {
    if (error.kind === NETWORK) el.signinMessage.textContent = MESSAGES.signinNetwork;
    else if (error.status === 401) el.signinMessage.textContent = MESSAGES.unauthorized;
    else el.signinMessage.textContent = titleOf(error, MESSAGES.failed);
  }
}

function doneText(action, call, body) {
  const number = call ? call.number : state.current ? state.current.number : "";
  switch (action) {
    case "next": return fill(MESSAGES.doneNext, { number });
    case "recall": return fill(MESSAGES.doneRecall, { number });
    case "absent": return fill(call && call.state === "no_show" ? MESSAGES.doneNoShow : MESSAGES.doneAbsent, { number });
    case "take-back": return fill(MESSAGES.doneTakeBack, { number });
    case "done": return fill(MESSAGES.doneDone, { number });
    case "transfer": return fill(MESSAGES.doneTransfer, { number, service: serviceName(body.service) });
    default: return "";
  }
}

async function act(action, body = {}) {
  if (!state.session || state.busy) return;
  const bodyText = JSON.stringify(body);
  const same = state.pending && state.pending.action === action && state.pending.bodyText === bodyText;
  if (!same) state.pending = { action, bodyText, key: newKey("counter") };
  const { key } = state.pending;
  state.busy = true;
  render();
  const { counterId, token } = state.session;
  state.sent.push({ action, key });
  try {
    const answer = await request(API, "POST", "/counters/" + encodeURIComponent(counterId) + "/" + action, { token, body, key, language: LANG });
    state.pending = null;
    state.reachable = true;
    const call = answer && answer.call ? answer.call : null;
    say(doneText(action, call, body), "ok");
    if (action === "next" || action === "recall") state.current = call;
  } catch (error) {
    if (error.kind === NETWORK) {
      state.reachable = false;
      say(MESSAGES.network, "error", true); // the same click again resends the same key
      state.busy = false;
      render();
      return; // the periodic refresh tells when the server is back
    } else {
      state.pending = null;
      if (error.status === 401) { state.busy = false; return signOut(MESSAGES.signedOut); }
      if (error.status === 409) {
        const fallback = error.code === "nothing_waiting" ? MESSAGES.nothingWaiting : MESSAGES.stale;
        say(titleOf(error, fallback), "error");
      } else {
        say(titleOf(error, MESSAGES.failed), "error");
      }
    }
  } finally {
    state.busy = false;
  }
  render();
  await refresh();
}

function openTransfer() {
  if (!state.current) return;
  el.transferService.replaceChildren();
  const codes = Object.keys(state.services).length ? Object.keys(state.services) : Object.keys(state.waiting);
  for (const code of codes) {
    if (code === state.current.service) continue;
    const option = document.createElement("option");
    option.value = code;
    option.textContent = code + " · " + serviceName(code);
    el.transferService.append(option);
  }
  el.dialog.showModal();
  el.transferService.focus();
}

el.signinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  signIn(el.counterId.value.trim(), el.token.value.trim());
});
$("signout").addEventListener("click", () => signOut(""));
$("transfer-cancel").addEventListener("click", () => el.dialog.close());
// Enter anywhere in the dialog submits it: on the <select> it would open the list instead.
el.dialog.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.target instanceof HTMLButtonElement) return;
  event.preventDefault();
  el.transferForm.requestSubmit();
});
function openTakeBack() {
  el.takeBackNumber.value = "";
  el.takeBack.showModal();
  el.takeBackNumber.focus();
}
$("take-back-cancel").addEventListener("click", () => el.takeBack.close());
el.takeBackForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const number = el.takeBackNumber.value.trim().toUpperCase();
  if (!number) return say(MESSAGES.typeNumber, "error");
  el.takeBack.close();
  act("take-back", { number });
});
el.transferForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const service = el.transferService.value;
  if (!service) return say(MESSAGES.pickService, "error");
  el.dialog.close();
  if (state.current) act("transfer", { service, ticket_id: state.current.ticket_id });
});
for (const button of buttons) {
  button.addEventListener("click", () => {
    const action = button.dataset.action;
    if (action === "transfer") openTransfer();
    else if (action === "take-back") openTakeBack();
    else if (action === "next") act("next");
    else if (state.current) act(action, { ticket_id: state.current.ticket_id }); // the ticket this page shows
  });
}
document.addEventListener("keydown", (event) => {
  if (el.desk.hidden || el.dialog.open || el.takeBack.open || event.ctrlKey || event.altKey || event.metaKey) return;
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  const button = buttons.find((b) => b.dataset.key === event.key.toLowerCase());
  if (button && !button.disabled) {
    event.preventDefault();
    button.click();
  }
});

state.session = loadSession();
if (state.session) {
  showDesk(true);
  render();
  loadServices().then(refresh);
} else {
  showDesk(false);
}
setInterval(() => { if (!state.busy) refresh(); }, REFRESH_MS);
