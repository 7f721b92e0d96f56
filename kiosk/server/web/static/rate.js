// The counter's rating tablet: a tap on a face is sent without a page load (the form works
// without this script too), the thanks shows at once, and the next ticket done at this counter
// comes up by itself (GET /rate/{counter}/offer, no personal data in it).
const root = document.getElementById("rate");
const COUNTER = root.dataset.counter;
const REFRESH_MS = Number(new URLSearchParams(location.search).get("refresh") || root.dataset.refreshMs || 5000);
const THANKS_MS = 6000;
const state = { sent: 0, polls: 0, shown: root.dataset.ticket || "" };
window.ratePage = state;

function say(answer) {
  const status = document.getElementById("status");
  const others = Object.values(answer.others || {});
  status.textContent = [answer.text, ...others].filter(Boolean).join(" · ");
}

async function send(form, value) {
  const body = new URLSearchParams(new FormData(form));
  body.set("value", value);
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  try {
    const answer = await fetch(form.action, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
    const data = await answer.json();
    state.sent += 1;
    if (data.ok) {
      document.getElementById("ask").hidden = true;
      document.getElementById("thanks").hidden = false;
      root.dataset.ticket = "";
    } else {
      say(data);
    }
    setTimeout(() => location.replace(location.pathname), THANKS_MS);
  } catch (error) {
    for (const button of form.querySelectorAll("button")) button.disabled = false;
    document.getElementById("status").textContent = root.dataset.notSent; // in the three languages
  }
}

for (const form of document.querySelectorAll("form[data-rate-form]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = event.submitter ? event.submitter.value : "";
    if (value) send(form, value);
  });
}

async function poll() {
  try {
    const answer = await fetch("/rate/" + encodeURIComponent(COUNTER) + "/offer", {
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
    const data = await answer.json();
    const offer = data.offer;
    const waiting = offer && !offer.rated ? offer.ticket_id : "";
    state.polls += 1;
    root.dataset.polls = String(state.polls);
    if (waiting !== state.shown && !state.sent) {
      location.replace(location.pathname); // a new ticket to rate, or the shown one is gone
      return;
    }
  } catch (error) {
    // the server is out of reach: keep the page as it is and try again
  }
  setTimeout(poll, REFRESH_MS);
}

if (COUNTER) setTimeout(poll, REFRESH_MS);
