import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// Warn before the idle time-out and let the user stay signed in with one click (WCAG 2.2.1).
const warning = document.getElementById("session-warning");
if (warning) {
  const idle = Number(warning.dataset.idleSeconds) * 1000;
  const lead = Number(warning.dataset.warningSeconds) * 1000;
  const form = document.getElementById("session-extend-form");
  let timer;
  const arm = () => {
    clearTimeout(timer);
    warning.hidden = true;
    timer = setTimeout(() => {
      warning.hidden = false;
      warning.querySelector("button").focus();
    }, Math.max(idle - lead, 1000));
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) {
      arm();
    } else {
      form.submit();
    }
  });
  arm();
}

// A background job's progress (an import being checked or written): the page works without
// script (a link to refresh it); with script the bar moves and the page reloads when it is done.
const progress = document.querySelector("[data-progress-url]");
if (progress) {
  const bar = progress.querySelector("progress");
  const text = progress.querySelector("[data-progress-text]");
  const poll = async () => {
    const response = await fetch(progress.dataset.progressUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const state = await response.json();
    if (state.status !== progress.dataset.status) {
      window.location.reload();
      return;
    }
    bar.value = state.percent;
    text.textContent = `${state.checked} of ${state.total} rows checked`;
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 2000);
}
