// The running timer on started tasks (issue 24): the server renders the time so far, this counts
// on each second; after htmx swaps the list in, each timer starts again from the server's value.
(function () {
  function tick() {
    document.querySelectorAll(".ex-timer[data-running-seconds]").forEach(function (el) {
      if (!el.dataset.t0) el.dataset.t0 = String(Date.now());
      var s = Math.floor(Number(el.dataset.runningSeconds) + (Date.now() - Number(el.dataset.t0)) / 1000);
      var clock = el.querySelector("[data-clock]");
      var mm = String(Math.floor(s / 60) % 60).padStart(2, "0"), ss = String(s % 60).padStart(2, "0");
      if (clock) clock.textContent = Math.floor(s / 3600) + ":" + mm + ":" + ss;
    });
  }
  tick();
  setInterval(tick, 1000);
})();
