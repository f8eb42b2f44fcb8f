/* A show's analytics: three Chart.js charts (viewers per minute, revenue per product, order
 * intents per state) drawn from the same rows as the tables beside them (json_script
 * "show-analytics-data"; CSP: no inline script). Without this script the tables are the figures. */
(function () {
  "use strict";

  var node = document.getElementById("show-analytics-data");
  if (!node || !window.Chart) return;
  var data = JSON.parse(node.textContent);
  var css = getComputedStyle(document.documentElement);
  function color(name, fallback) { return (css.getPropertyValue(name) || "").trim() || fallback; }
  var BRAND = color("--brand", "#b3261e");
  var STATES = {
    "status-pending": color("--accent", "#c98a00"),
    "status-claimed": "#3569b8",
    "status-confirmed": color("--ok", "#2f6f4f"),
    "status-declined": BRAND,
    "status-cancelled": color("--muted", "#7a7368")
  };
  var money = new Intl.NumberFormat("vi-VN");

  function chart(key, config) {
    var canvas = document.querySelector('canvas[data-chart="' + key + '"]');
    if (!canvas || !data[key] || !data[key].labels.length) return;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    new window.Chart(canvas, config);
  }

  chart("viewers", {
    type: "line",
    data: {
      labels: data.viewers.labels,
      datasets: [{ label: data.viewers.label, data: data.viewers.data, borderColor: BRAND, backgroundColor: "rgba(179, 38, 30, .14)", fill: true, pointRadius: 0, tension: 0.2 }]
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 8 } } }, plugins: { legend: { display: false } } }
  });

  chart("revenue", {
    type: "bar",
    data: { labels: data.revenue.labels, datasets: [{ label: data.revenue.label, data: data.revenue.data, backgroundColor: BRAND }] },
    options: {
      indexAxis: "y",
      scales: { x: { beginAtZero: true, ticks: { callback: function (v) { return money.format(v); } } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (ctx) { return data.revenue.shown[ctx.dataIndex]; } } }
      }
    }
  });

  chart("status", {
    type: "bar",
    data: {
      labels: data.status.labels,
      datasets: [{ label: data.status.label, data: data.status.data, backgroundColor: data.status.css.map(function (c) { return STATES[c] || BRAND; }) }]
    },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } }
  });
})();
