// The booking pages work without this script: it only saves taps and says how many digits are typed.
// Choosing a service or a day goes on at once (the "Lanjut" button is hidden); the booking button
// cannot be pressed twice while the first press travels.
document.documentElement.classList.add("js");

const form = document.getElementById("booking-form");
if (form) {
  const step = form.querySelector("[data-step-button]");
  for (const radio of form.querySelectorAll("input[data-advance]")) {
    radio.addEventListener("change", () => step && step.click());
  }
  const nik = document.getElementById("nik");
  const count = document.getElementById("nik-count");
  if (nik && count) {
    nik.addEventListener("input", () => {
      const digits = nik.value.replace(/[^0-9]/g, "").length;
      count.textContent = digits ? `${digits} / 16` : "";
    });
  }
}

for (const any of document.querySelectorAll("form[method=post]")) {
  any.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!button || button.getAttribute("formmethod") === "get") return;
    if (any.dataset.sent) {
      event.preventDefault();
      return;
    }
    any.dataset.sent = "1";
    setTimeout(() => { button.disabled = true; }, 0);
  });
}
