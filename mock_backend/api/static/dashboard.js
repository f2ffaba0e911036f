// The dashboard's only script: reset buttons (control writes must be JSON) and the journal's live refresh.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-reset]")) {
    button.addEventListener("click", async () => {
      const scenario = button.dataset.reset;
      const status = document.getElementById("reset-status");
      status.textContent = `Building ${scenario}…`;
      const answer = await fetch("/_mock/reset", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ scenario }),
      });
      const body = await answer.json();
      if (answer.ok) {
        status.textContent = `Built ${scenario}: ${body.accounts} accounts, ${body.records} records.`;
        window.location.reload();
      } else {
        status.textContent = `Reset failed: ${body.message} ${body.detail || ""}`;
      }
    });
  }
  const live = document.getElementById("live");
  if (live) {
    live.checked = sessionStorage.getItem("journal-live") === "on";
    live.addEventListener("change", () => sessionStorage.setItem("journal-live", live.checked ? "on" : "off"));
    setInterval(() => { if (live.checked) window.location.reload(); }, 2000);
  }
});
