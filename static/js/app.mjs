import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// Warn before the idle time-out, counting down the time left, and let the user stay signed in
// with one click (WCAG 2.2.1). When the time runs out the screen is cleared and the session
// signed out (a few seconds before the server would end it), landing on the signed-out page.
// The page counts from the time the session had left when it was drawn (activity is recorded
// at most once a minute), and from the whole idle limit again after "Stay signed in".
const warning = document.getElementById("session-warning");
if (warning) {
  const idle = Number(warning.dataset.idleSeconds) * 1000;
  const leftAtLoad = Number(warning.dataset.idleLeftSeconds) * 1000;
  const lead = Number(warning.dataset.warningSeconds) * 1000;
  const form = document.getElementById("session-extend-form");
  const countdown = document.getElementById("session-countdown");
  const spoken = document.getElementById("session-countdown-spoken");
  const signOut = document.getElementById("sign-out-form");
  let timer;
  let ticker;
  let deadline;
  const inWords = (ms) => {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const minutes = Math.floor(total / 60);
    const seconds = total % 60;
    const parts = [];
    if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
    if (seconds || !minutes) parts.push(`${seconds} second${seconds === 1 ? "" : "s"}`);
    return `You will be signed out in ${parts.join(" ")}.`;
  };
  const expire = () => {
    clearInterval(ticker);
    document.getElementById("main-content").replaceChildren();
    if (signOut) {
      const next = document.createElement("input");
      next.type = "hidden";
      next.name = "next";
      next.value = warning.dataset.signedOutUrl;
      signOut.append(next);
      signOut.submit();
    } else {
      window.location.replace(warning.dataset.signedOutUrl);
    }
  };
  const tick = () => {
    const left = deadline - Date.now();
    if (left <= 0) {
      expire();
      return;
    }
    countdown.textContent = inWords(left);
    // Screen readers hear it every 30 seconds, not every second.
    if (Math.ceil(left / 1000) % 30 === 0) spoken.textContent = inWords(left);
  };
  const arm = (remaining) => {
    clearTimeout(timer);
    clearInterval(ticker);
    warning.hidden = true;
    deadline = Date.now() + remaining - 5000;
    timer = setTimeout(() => {
      warning.hidden = false;
      spoken.textContent = inWords(deadline - Date.now());
      tick();
      ticker = setInterval(tick, 1000);
      warning.querySelector("button").focus();
    }, Math.max(deadline - Date.now() - lead, 1000));
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
      arm(idle);
    } else {
      form.submit();
    }
  });
  arm(leftAtLoad);
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

// The checklist score as items are ticked (the referral form): the number answered yes and
// whether it reaches visible high risk. The server works it out again when the form is saved.
const score = document.getElementById("risk-score");
const items = document.querySelectorAll('input[type="checkbox"][name="dash_yes"]');
if (score && items.length) {
  const threshold = Number(score.dataset.threshold);
  const group = items[0].closest(".govuk-checkboxes");
  group.after(score);
  const show = () => {
    const ticked = [...items].filter((item) => item.checked).length;
    const high = ticked >= threshold ? "visible high risk" : `below the visible high-risk threshold of ${threshold}`;
    score.textContent = `Checklist score: ${ticked} of ${items.length}, ${high}.`;
  };
  items.forEach((item) => item.addEventListener("change", show));
  score.hidden = false;
  show();
}

// A table wider than the screen scrolls sideways inside its box; keyboard users can only scroll
// it if the box can take focus (WCAG 2.1.1), so a box that overflows becomes a focusable region
// named after its table's caption. A box that fits stays out of the tab order.
const scrollBoxes = document.querySelectorAll(".app-table-scroll");
const markScrolling = () => {
  scrollBoxes.forEach((box) => {
    if (box.scrollWidth > box.clientWidth) {
      const caption = box.querySelector("caption");
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", `${caption ? caption.textContent.trim() : "Table"} (scrolls sideways)`);
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  });
};
if (scrollBoxes.length) {
  markScrolling();
  window.addEventListener("resize", markScrolling);
}
