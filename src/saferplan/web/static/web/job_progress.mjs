// A job's page: ask the server for the job's progress every second and move the bar. The
// page is complete without this (it shows the state as the server had it); once the job
// has finished, the page is loaded again so that its result or errors are shown.
const box = document.querySelector("[data-job-progress]");

function show(found) {
  const bar = document.getElementById("job-progress");
  const percent = found.percent === null ? null : Math.round(found.percent);
  if (percent === null) {
    bar.removeAttribute("value");
  } else {
    bar.value = percent;
    bar.textContent = `${percent}%`;
  }
  document.getElementById("job-phase").textContent = found.phase || "Waiting for a worker";
  document.getElementById("job-percent").textContent =
    percent === null ? "not started" : `${percent}%`;
  document.getElementById("job-rows").textContent =
    found.rows === null ? "" : `, ${found.rows.toLocaleString("en-GB")} rows`;
  document.getElementById("job-elapsed").textContent =
    found.elapsed === null ? "" : ` (${found.elapsed.toLocaleString("en-GB")} s so far)`;
  document.getElementById("job-state").textContent = found.state_label;
}

async function poll() {
  try {
    const response = await fetch(box.dataset.jobProgress, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) return true; // signed out or gone: the page as it is stays
    const found = await response.json();
    show(found);
    if (found.finished) {
      window.location.reload();
      return false;
    }
  } catch {
    // The server is busy or restarting: try again at the next tick.
  }
  return true;
}

if (box && box.dataset.finished === "false") {
  const timer = window.setInterval(async () => {
    if (!(await poll())) window.clearInterval(timer);
  }, 1000);
}
