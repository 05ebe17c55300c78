/* The planning board's details on click or tap (issue 24): a bar opens a panel with its order,
   step, customer, work center and times; Escape or × closes it. Enter or Space on a focused bar
   does the same, so the keyboard reaches it too. The chart itself is drawn on the server. */
(function () {
  "use strict";
  function setup(figure) {
    var panel = figure.querySelector(".gantt-detail");
    if (!panel) return;
    var selected = null;
    function close() {
      panel.hidden = true;
      if (selected) selected.classList.remove("selected");
      selected = null;
    }
    function open(bar) {
      if (selected) selected.classList.remove("selected");
      selected = bar;
      bar.classList.add("selected");
      var d = bar.dataset;
      panel.querySelector('[data-field="order"]').textContent = (d.urgent ? "急 " : "") + d.order;
      ["name", "customer", "resource", "start", "end", "was"].forEach(function (key) {
        panel.querySelector('[data-field="' + key + '"]').textContent = d[key] || "";
      });
      panel.querySelector('[data-when="was"]').hidden = !d.was;
      var link = panel.querySelector('[data-field="link"]');
      link.hidden = !d.orderId;
      link.href = "/orders/" + d.orderId;
      panel.querySelector('[data-field="focus"]').href =
        figure.dataset.base + "&focus=" + encodeURIComponent(d.order);
      panel.hidden = false;
    }
    figure.addEventListener("click", function (event) {
      var bar = event.target.closest(".gantt-bar");
      if (bar) open(bar);
    });
    figure.addEventListener("keydown", function (event) {
      var bar = event.target.closest && event.target.closest(".gantt-bar");
      if (bar && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        open(bar);
      } else if (event.key === "Escape") {
        close();
      }
    });
    panel.querySelector(".gantt-detail-close").addEventListener("click", close);
  }
  function start() {
    document.querySelectorAll('figure[data-testid="gantt"]').forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
