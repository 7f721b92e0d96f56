// The hall display: polls GET /v1/display, shows the newest call huge, the five before it and
// who is waiting, and speaks every new call through one queue: chime, then the announcement,
// one at a time on one <audio> element. A new call waits for the one being spoken to end (it
// never cuts it off, unlike NovoSGA panel-app #78); a recall is a new call and is spoken again.
//
// Which calls are new: each call has a (day, seq) key, seq counting the day's calls. The page
// remembers the highest key it has seen. On load it announces nothing (what was called before
// the TV came on is history); after a lost connection it announces every call made meanwhile
// that the server still lists (the newest ten), and never one it had already seen.
import { clockText, request } from "./api.js";

const root = document.getElementById("display");
const API = root.dataset.api;
const CHIME = root.dataset.chime;
const params = new URLSearchParams(location.search);
const POLL_MS = Number(params.get("poll") || root.dataset.pollMs || 250);
const SOUND = params.get("sound") !== "off";
const HISTORY = 5;
const PART_TIMEOUT_MS = 30000; // an element that never says "ended" must not stop the queue

const $ = (id) => document.getElementById(id);
const audio = $("announcer");

function keyOf(call) {
  return [String(call.called_at || "").slice(0, 10), Number(call.seq)];
}

function after(a, b) {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

export class Announcer {
  constructor(element, chimeUrl, urlOf, onChange) {
    this.audio = element;
    this.chimeUrl = chimeUrl;
    this.urlOf = urlOf;
    this.onChange = onChange;
    this.queue = [];
    this.speaking = null;
    this.events = []; // {type: queued|play|ended|error|timeout, part: chime|announcement, seq, number}
    this.blocked = null; // resolves when a tap allows sound (autoplay refused)
  }

  get idle() {
    return this.speaking === null && this.queue.length === 0;
  }

  enqueue(call) {
    this.queue.push(call);
    this.record("queued", "", call);
    if (this.speaking === null) this.run();
  }

  record(type, part, call) {
    this.events.push({ type, part, seq: call.seq, number: call.number, kind: call.kind, at: performance.now() });
  }

  async run() {
    while (this.queue.length) {
      const call = this.queue.shift();
      this.speaking = call;
      this.onChange();
      await this.play(this.chimeUrl, "chime", call);
      await this.play(this.urlOf(call), "announcement", call);
    }
    this.speaking = null;
    this.onChange();
  }

  // Plays one file to its end; resolves on ended, on an error (the number stays on screen), or
  // after a generous time-out. Never starts the next part before this one is over.
  play(src, part, call) {
    return new Promise((resolve) => {
      const element = this.audio;
      let timer = null;
      let over = false;
      const finish = (type) => {
        // A broken file says so twice (the "error" event and play() refusing): count it once.
        if (over) return;
        over = true;
        element.removeEventListener("ended", onEnded);
        element.removeEventListener("error", onError);
        element.removeEventListener("playing", onPlaying);
        clearTimeout(timer);
        this.record(type, part, call);
        resolve();
      };
      const onEnded = () => finish("ended");
      const onError = () => finish("error");
      const onPlaying = () => this.record("play", part, call);
      element.addEventListener("ended", onEnded);
      element.addEventListener("error", onError);
      element.addEventListener("playing", onPlaying, { once: true });
      timer = setTimeout(() => finish("timeout"), PART_TIMEOUT_MS);
      element.src = src;
      const start = () => element.play().catch((error) => {
        if (error && error.name === "NotAllowedError") {
          // The TV was started without --autoplay-policy=no-user-gesture-required: one tap fixes it.
          clearTimeout(timer);
          soundBlocked(() => { timer = setTimeout(() => finish("timeout"), PART_TIMEOUT_MS); start(); });
        } else if (error && error.name !== "AbortError") {
          finish("error");
        }
      });
      start();
    });
  }
}

function soundBlocked(retry) {
  const button = $("sound-off");
  button.hidden = false;
  button.addEventListener("click", () => { button.hidden = true; retry(); }, { once: true });
}

const state = {
  calls: [],
  waiting: {},
  services: {},
  lastKey: null, // highest (day, seq) seen; null until the first answer
  connection: "connecting", // connecting | ok | reconnecting
  polls: 0,
  failures: 0,
  shownAt: {}, // seq -> performance.now() when its number was first on screen (bench)
};
const announcer = new Announcer(audio, CHIME, (call) => API + "/announcements/" + encodeURIComponent(call.call_id) + ".wav", render);
window.hallDisplay = { state, announcer };

function text(id, value) {
  const node = $(id);
  if (node.textContent !== value) node.textContent = value;
}

function render() {
  const newest = state.calls[0] || null;
  text("now-number", newest ? newest.number : "–");
  text("now-counter", newest ? newest.counter_name : "\u00a0");
  text("now-service", newest ? state.services[newest.service] || newest.service : "\u00a0");
  root.dataset.number = newest ? newest.number : "";
  root.dataset.seq = newest ? String(newest.seq) : "";
  if (newest && !(newest.seq in state.shownAt)) state.shownAt[newest.seq] = performance.now();

  const list = $("history");
  const seen = new Set(newest ? [newest.ticket_id] : []);
  const items = [];
  for (const call of state.calls.slice(1)) {
    if (seen.has(call.ticket_id)) continue; // a recall is one line, not two
    seen.add(call.ticket_id);
    items.push(call);
    if (items.length === HISTORY) break;
  }
  const speaking = announcer.speaking;
  list.replaceChildren(...items.map((call) => {
    const item = document.createElement("li");
    item.dataset.seq = String(call.seq);
    if (speaking && speaking.ticket_id === call.ticket_id) item.className = "speaking";
    const number = document.createElement("span");
    number.textContent = call.number;
    const to = document.createElement("span");
    to.className = "to";
    to.textContent = call.counter_name;
    item.append(number, to);
    return item;
  }));

  const waiting = $("waiting");
  waiting.replaceChildren(...Object.entries(state.waiting).map(([code, count]) => {
    const item = document.createElement("li");
    item.dataset.service = code;
    item.append(state.services[code] || code);
    const value = document.createElement("b");
    value.textContent = String(count);
    item.append(value);
    return item;
  }));

  $("connection").hidden = state.connection !== "reconnecting";
  root.dataset.connection = state.connection;
  root.dataset.speaking = speaking ? String(speaking.seq) : "";
}

function take(data) {
  const calls = Array.isArray(data.calls) ? data.calls : [];
  const fresh = state.lastKey === null
    ? []
    : calls.filter((call) => after(keyOf(call), state.lastKey)).sort((a, b) => (after(keyOf(a), keyOf(b)) ? 1 : -1));
  for (const call of calls) {
    if (state.lastKey === null || after(keyOf(call), state.lastKey)) state.lastKey = keyOf(call);
  }
  if (state.lastKey === null) state.lastKey = ["", 0];
  const changed = fresh.length > 0 && (!state.calls[0] || calls[0].call_id !== state.calls[0].call_id);
  state.calls = calls;
  state.waiting = data.waiting || {};
  state.services = data.services || state.services;
  if (changed) {
    const now = root.querySelector(".now");
    now.classList.remove("flash");
    void now.offsetWidth; // restart the animation
    now.classList.add("flash");
  }
  render();
  if (SOUND) for (const call of fresh) announcer.enqueue(call);
}

async function poll() {
  const started = performance.now();
  let wait = POLL_MS;
  try {
    take(await request(API, "GET", "/display", { timeoutMs: 5000 }));
    state.failures = 0;
    state.connection = "ok";
    wait = Math.max(0, POLL_MS - (performance.now() - started)); // one poll every POLL_MS, not POLL_MS + answer time
  } catch (error) {
    state.failures += 1;
    state.connection = state.lastKey === null && state.failures < 2 ? "connecting" : "reconnecting";
    wait = Math.min(5000, 500 * 2 ** Math.min(state.failures - 1, 4));
  }
  state.polls += 1;
  render();
  setTimeout(poll, wait);
}

function tick() {
  text("clock", clockText());
}

tick();
setInterval(tick, 10000);
render();
poll();
