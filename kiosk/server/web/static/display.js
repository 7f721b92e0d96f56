// The hall display: shows the calls and speaks every one of them, one at a time on one <audio>
// element. A new call waits for the one being spoken to end (it never cuts it off, unlike
// NovoSGA panel-app #78); a recall is a new call and is spoken again.
//
// Keeping up with a burst: a call alone is spoken in full (chime, "Nomor antrean A, nol, nol,
// satu, silakan ke Loket 1"). When calls are waiting to be spoken, the group gets one chime and
// then each call its short form ("A nol nol satu Loket 1"); a recall is always said in full.
// The big number is the one being spoken (the newest when the hall is quiet), marked as such.
//
// Never a silent skip: each call's audio (both forms) is fetched the moment the call arrives,
// kept as a blob, and fetched again with backoff until it comes. A call whose audio is still
// missing at its turn is shown and chimed, and spoken as soon as its audio arrives.
//
// Which calls are new: each call has a (day, seq) key. The page remembers the highest it has
// seen and asks the server for every call after it (`after=DAY:SEQ`, no limit of ten), as a long
// poll (`wait`): a call reaches the TV as soon as it is made. If the server does not wait, the
// page polls every POLL_MS. On load it announces nothing (what was called before the TV came on
// is history); a call older than STALE_MS when first seen (a TV asleep for an hour) is shown,
// not spoken.
import { clockText, request } from "./api.js";

const root = document.getElementById("display");
const API = root.dataset.api;
const CHIME = root.dataset.chime;
const params = new URLSearchParams(location.search);
const POLL_MS = Number(params.get("poll") || root.dataset.pollMs || 250);
const LONG_POLL_S = Number(params.get("wait") ?? root.dataset.waitS ?? 8); // 0: plain polling
const SOUND = params.get("sound") !== "off";
const HISTORY = 5;
const PART_TIMEOUT_MS = 30000; // an element that never says "ended" must not stop the queue
const AUDIO_WAIT_MS = 3000; // at its turn, how long a call waits for audio still on its way
const STALE_MS = 10 * 60 * 1000;
const RETRY_MAX_MS = 15000;

const $ = (id) => document.getElementById(id);
const audio = $("announcer");

function keyOf(call) {
  return [String(call.called_at || "").slice(0, 10), Number(call.seq)];
}

function after(a, b) {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

// One sound file, fetched as soon as it is known and again with backoff until it comes.
class Clip {
  constructor(src, onReady) {
    this.src = src;
    this.url = null; // a blob: URL once fetched
    this.tries = 0;
    this.gone = false; // the server does not know it (404): nothing to retry
    this.onReady = onReady;
    this.listeners = [];
    this.born = performance.now();
    this.load();
  }

  async load() {
    try {
      const answer = await fetch(this.src);
      if (answer.ok) {
        this.url = URL.createObjectURL(await answer.blob());
        this.changed();
        if (this.onReady) this.onReady(this);
        return;
      }
      if (answer.status === 404) {
        this.gone = true;
        this.changed();
        return;
      }
    } catch (error) { /* the server is out of reach: try again below */ }
    this.tries += 1;
    if (performance.now() - this.born > STALE_MS) {
      // Ten minutes on, the call is history: said now it would only mislead (and a day of
      // calls retrying against a server without espeak-ng would be a load of its own).
      this.gone = true;
      this.changed();
      return;
    }
    this.changed();
    setTimeout(() => this.load(), Math.min(RETRY_MAX_MS, 500 * 2 ** Math.min(this.tries - 1, 5)));
  }

  changed() {
    for (const listener of this.listeners.splice(0)) listener();
  }

  // Resolves when the clip is here, gone, has failed `tries` more times, or after `ms`.
  settle(ms, tries = 2) {
    const until = this.tries + tries;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      const check = () => {
        if (this.url || this.gone || this.tries >= until) {
          clearTimeout(timer);
          resolve();
        } else {
          this.listeners.push(check);
        }
      };
      check();
    });
  }
}

export class Announcer {
  constructor(element, chimeUrl, urlOf, onChange, shownNow = () => false) {
    this.audio = element;
    this.chime = new Clip(chimeUrl);
    this.chimeUrl = chimeUrl;
    this.urlOf = urlOf; // (call, form) -> URL of its WAV
    this.onChange = onChange;
    this.shownNow = shownNow; // (call) -> is its number on screen, marked as being spoken
    this.queue = [];
    this.speaking = null;
    this.running = false;
    this.inGroup = false;
    this.clips = new Map(); // call_id -> {full, short}
    this.owed = new Map(); // call_id -> call whose voice is still owed (no audio at its turn)
    // {type: queued|play|ended|error|timeout|stale, part: chime|announcement, seq, number, form, duration, shown}
    this.events = [];
  }

  get idle() {
    return this.speaking === null && this.queue.length === 0;
  }

  enqueue(call) {
    this.fetchVoice(call);
    this.queue.push(call);
    this.record("queued", "", call);
    if (!this.running) this.run();
  }

  // Both forms at once, as the call arrives: by its turn the audio is here, server or not.
  fetchVoice(call) {
    if (this.clips.has(call.call_id)) return this.clips.get(call.call_id);
    const ready = () => {
      const owed = this.owed.get(call.call_id);
      if (owed) {
        this.owed.delete(call.call_id);
        this.enqueue({ ...owed, late: true });
      }
    };
    const clips = { full: new Clip(this.urlOf(call, "full"), ready) };
    clips.short = call.kind === "recall" ? clips.full : new Clip(this.urlOf(call, "short"), ready);
    this.clips.set(call.call_id, clips);
    return clips;
  }

  record(type, part, call, extra = {}) {
    this.events.push({
      type, part, seq: call.seq, number: call.number, kind: call.kind, late: Boolean(call.late),
      at: performance.now(), ...extra,
    });
  }

  async run() {
    this.running = true;
    while (this.queue.length) {
      const call = this.queue.shift();
      const alone = !this.inGroup && this.queue.length === 0;
      this.speaking = call;
      this.onChange();
      let form = "full";
      if (alone) {
        await this.play(this.chime.url || this.chimeUrl, "chime", call);
      } else {
        if (!this.inGroup) {
          this.inGroup = true; // one chime for the whole group
          await this.play(this.chime.url || this.chimeUrl, "chime", call);
        }
        if (call.kind !== "recall") form = "short";
      }
      const src = await this.voice(call, form);
      if (src) {
        await this.play(src.url, "announcement", call, src.form);
      } else {
        // Shown and chimed; its voice comes when its audio does (Clip retries), never skipped.
        this.record("error", "announcement", call, { form });
        this.owed.set(call.call_id, call);
      }
    }
    this.inGroup = false;
    this.speaking = null;
    this.running = false;
    this.onChange();
  }

  async voice(call, form) {
    const clips = this.fetchVoice(call);
    const other = form === "full" ? "short" : "full";
    const pick = () => (clips[form].url ? { url: clips[form].url, form } : clips[other].url ? { url: clips[other].url, form: other } : null);
    if (!pick()) await Promise.race([clips[form].settle(AUDIO_WAIT_MS), clips[other].settle(AUDIO_WAIT_MS)]);
    return pick();
  }

  // Plays one file to its end; resolves on ended, on an error (the number stays on screen), or
  // after a generous time-out. Never starts the next part before this one is over.
  play(src, part, call, form = "") {
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
        this.record(type, part, call, { form });
        resolve();
      };
      const onEnded = () => finish("ended");
      const onError = () => finish("error");
      const onPlaying = () => this.record("play", part, call, { form, duration: element.duration, shown: this.shownNow(call) });
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
  longPolls: 0,
  failures: 0,
  shownAt: {}, // seq -> performance.now() when its number was first on screen (bench)
  nowSeq: null,
  notice: null, // the office's notice shown now ({text, text_en, text_jv, until}); null when none
};
const announcer = new Announcer(
  audio,
  CHIME,
  (call, form) => API + "/announcements/" + encodeURIComponent(call.call_id) + ".wav" + (form === "short" ? "?form=short" : ""),
  render,
  (call) => root.dataset.speakingNumber === call.number && $("now-number").textContent === call.number,
);
window.hallDisplay = { state, announcer };

function text(id, value) {
  const node = $(id);
  if (node.textContent !== value) node.textContent = value;
}

function render() {
  const speaking = announcer.speaking;
  const newest = state.calls[0] || null;
  const now = speaking || newest; // the number being said is the big one, newest or not
  text("now-number", now ? now.number : "–");
  text("now-counter", now ? now.counter_name : "\u00a0");
  text("now-service", now ? state.services[now.service] || now.service : "\u00a0");
  const box = root.querySelector(".now");
  box.classList.toggle("speaking", Boolean(speaking));
  $("now-speaking").hidden = !speaking;
  root.dataset.number = now ? now.number : "";
  root.dataset.seq = now ? String(now.seq) : "";
  root.dataset.speakingNumber = speaking ? speaking.number : "";
  if (now && now.seq !== state.nowSeq) {
    state.nowSeq = now.seq;
    box.classList.remove("flash");
    void box.offsetWidth; // restart the animation
    box.classList.add("flash");
  }

  const seen = new Set(now ? [now.ticket_id] : []);
  const items = [];
  for (const call of state.calls) {
    if (seen.has(call.ticket_id)) continue; // a recall is one line, not two
    seen.add(call.ticket_id);
    items.push(call);
    if (items.length === HISTORY) break;
  }
  const stamp = performance.now();
  for (const call of now ? [now, ...items] : items) if (!(call.seq in state.shownAt)) state.shownAt[call.seq] = stamp;
  $("history").replaceChildren(...items.map((call) => {
    const item = document.createElement("li");
    item.dataset.seq = String(call.seq);
    const number = document.createElement("span");
    number.textContent = call.number;
    const to = document.createElement("span");
    to.className = "to";
    to.textContent = call.counter_name;
    item.append(number, to);
    return item;
  }));

  $("waiting").replaceChildren(...Object.entries(state.waiting).map(([code, count]) => {
    const item = document.createElement("li");
    item.dataset.service = code;
    item.append(state.services[code] || code);
    const value = document.createElement("b");
    value.textContent = String(count);
    item.append(value);
    return item;
  }));

  // The notice in Indonesian, with the English and Javanese texts under it when the office gave
  // them: all three at once, so nobody in the hall waits for their language to come round.
  const notice = state.notice || {};
  text("notice-id", notice.text || "");
  for (const [id, said] of [["notice-en", notice.text_en], ["notice-jv", notice.text_jv]]) {
    text(id, said || "");
    $(id).hidden = !said;
  }
  $("notice").hidden = !state.notice;

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
  if (state.lastKey === null) state.lastKey = [String(data.day || ""), 0];
  state.calls = calls;
  state.waiting = data.waiting || {};
  state.services = data.services || state.services;
  state.notice = data.notice && data.notice.text ? data.notice : null;
  render();
  const serverNow = Date.parse(data.now || "");
  for (const call of fresh) {
    if (!SOUND) continue;
    if (serverNow - Date.parse(call.called_at) > STALE_MS) announcer.record("stale", "", call); // shown, not said an hour late
    else announcer.enqueue(call);
  }
}

function query() {
  if (state.lastKey === null || !state.lastKey[0]) return "";
  const wait = LONG_POLL_S > 0 && state.connection === "ok" ? "&wait=" + LONG_POLL_S : "";
  return "?after=" + encodeURIComponent(state.lastKey[0] + ":" + state.lastKey[1]) + wait;
}

async function poll() {
  const started = performance.now();
  let wait = POLL_MS;
  try {
    const data = await request(API, "GET", "/display" + query(), { timeoutMs: (LONG_POLL_S + 10) * 1000 });
    take(data);
    state.failures = 0;
    state.connection = "ok";
    if (data.long_poll) {
      state.longPolls += 1;
      wait = 0; // the server waited for a call: ask again at once
    } else {
      wait = Math.max(0, POLL_MS - (performance.now() - started)); // one poll every POLL_MS
    }
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
