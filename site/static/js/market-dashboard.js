/* The organizers' dashboard of the weekly market: one Chart.js chart per section, drawn from the
 * same rows as the table beside it (json_script "market-dashboard-data"; CSP: no inline script).
 * Without this script, or without Chart.js, the tables and their CSV files are the dashboard. */
(function () {
  "use strict";

  var node = document.getElementById("market-dashboard-data");
  if (!node || !window.Chart) return;
  var data = JSON.parse(node.textContent);
  var COLORS = ["#b3261e", "#2f6f4f", "#3569b8", "#c98a00", "#4b2a91", "#7a7368", "#d9534f", "#2a9d8f", "#8d5524", "#5c677d"];
  var money = new Intl.NumberFormat("vi-VN");

  function short(label) {
    label = String(label);
    return label.length > 24 ? label.slice(0, 23) + "…" : label;
  }

  function draw(canvas, spec) {
    var type = spec.type === "hbar" ? "bar" : spec.type;
    var round = spec.type === "doughnut";
    var datasets = spec.datasets.map(function (set, i) {
      var color = COLORS[i % COLORS.length];
      return {
        label: set.label,
        data: set.data,
        borderColor: round ? "#fff" : color,
        backgroundColor: round ? COLORS.slice(0, set.data.length) : color,
        yAxisID: spec.type === "line" && i > 0 ? "people" : undefined,
        tension: 0.2
      };
    });
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { position: "bottom", display: round || datasets.length > 1 },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var v = ctx.parsed && typeof ctx.parsed === "object" ? (spec.type === "hbar" ? ctx.parsed.x : ctx.parsed.y) : ctx.parsed;
              return ctx.dataset.label + ": " + money.format(v) + (spec.money && ctx.datasetIndex === 0 ? " ₫" : "");
            }
          }
        }
      }
    };
    if (!round) {
      options.indexAxis = spec.type === "hbar" ? "y" : "x";
      options.scales = spec.type === "hbar"
        ? { x: { beginAtZero: true }, y: { ticks: { autoSkip: false, font: { size: 11 }, callback: function (v) { return short(this.getLabelForValue(v)); } } } }
        : { y: { beginAtZero: true } };
      if (spec.type === "line" && datasets.length > 1) {
        options.scales.people = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } };
      }
    }
    canvas.closest(".dash-chart").classList.add("is-drawn");
    return new window.Chart(canvas, { type: type, data: { labels: spec.labels.map(short), datasets: datasets }, options: options });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = data.charts[canvas.dataset.chart];
    if (spec) draw(canvas, spec);
  });
})();
