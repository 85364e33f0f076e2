// Corpus charts drawn with the vendored ECharts (no network): data comes from the page, not a request.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var L = JSON.parse(document.getElementById("chart-labels").textContent);
  var charts = [];
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return;
    var c = echarts.init(el, null, { renderer: "canvas" });
    c.setOption(Object.assign({ animation: false, tooltip: { trigger: "item" } }, option));
    el.dataset.drawn = "1";
    charts.push(c);
  }
  draw("chart-outcome", {
    grid: { left: 190, right: 30, top: 10, bottom: 30 },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: data.outcome.map(function (d) { return d.name; }),
             axisLabel: { width: 180, overflow: "truncate" } },
    series: [{ type: "bar", data: data.outcome.map(function (d) { return d.value; }), itemStyle: { color: "#9b1c1c" } }]
  });
  draw("chart-applicant", {
    legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.applicant.map(function (d) { return { name: d.name, value: d.value }; }),
               label: { formatter: "{b}: {d}%" } }]
  });
  draw("chart-trend", {
    tooltip: { trigger: "axis" }, legend: { bottom: 0 },
    grid: { left: 60, right: 60, top: 20, bottom: 50 },
    xAxis: { type: "category", data: data.years.map(function (d) { return String(d.year); }) },
    yAxis: [{ type: "value", name: L.new }, { type: "value", name: L.reports }],
    series: [
      { name: L.new, type: "line", data: data.years.map(function (d) { return d.new; }) },
      { name: L.processed, type: "line", data: data.years.map(function (d) { return d.processed; }) },
      { name: L.reports, type: "bar", yAxisIndex: 1, data: data.years.map(function (d) { return d.reports; }), itemStyle: { opacity: 0.35 } }
    ]
  });
  draw("chart-rules", {
    grid: { left: 190, right: 40, top: 10, bottom: 30 },
    tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (p.value * 100).toFixed(1) + "%"; } },
    xAxis: { type: "value", max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } },
    yAxis: { type: "category", inverse: true, data: data.rules.map(function (d) { return d.rule; }) },
    series: [{ name: L.share, type: "bar", data: data.rules.map(function (d) { return d.rate; }), itemStyle: { color: "#d89b00" } }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
