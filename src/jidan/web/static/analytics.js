/* Draws the charts of the dashboard and the figures page with the vendored Apache ECharts.
   Each element [data-chart=name] takes its numbers from the JSON in #chart-data:
   {type: "bar" | "line" | "pareto", labels: [...], series: [{name, values}], percent: bool}.
   The tables beside the charts hold the same numbers, so nothing is lost without script. */
(function () {
  "use strict";

  function option(spec) {
    var pct = spec.percent ? "{value} %" : "{value}";
    var base = {
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: spec.type === "pareto" ? 48 : 16, top: 32, bottom: 56 },
      legend: { top: 0 },
      xAxis: { type: "category", data: spec.labels, axisLabel: { interval: 0, rotate: spec.labels.length > 6 ? 30 : 0 } },
    };
    if (spec.type === "pareto") {
      base.yAxis = [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value} %" } }];
      base.series = [
        { type: "bar", name: spec.series[0].name, data: spec.series[0].values, itemStyle: { color: "#c2410c" } },
        { type: "line", name: spec.series[1].name, yAxisIndex: 1, data: spec.series[1].values, itemStyle: { color: "#1d4ed8" } },
      ];
      return base;
    }
    base.yAxis = { type: "value", axisLabel: { formatter: pct }, max: spec.percent ? 100 : null };
    base.series = spec.series.map(function (s) {
      return { type: spec.type, name: s.name, data: s.values, connectNulls: true,
               itemStyle: { color: spec.type === "line" ? "#15803d" : "#c2410c" } };
    });
    return base;
  }

  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data[el.getAttribute("data-chart")];
      if (!spec) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(spec));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
