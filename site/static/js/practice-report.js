/* The practice report: Chart.js charts of the score's breakdown and of the trainee's history
 * (each has its data table on the page; without this script the tables are the report), and,
 * for instructors, a click on a replay line's time puts that moment into the comment form.
 * Data comes from json_script "practice-report-data" (CSP: no inline script). */
(function () {
  "use strict";

  var dataNode = document.getElementById("practice-report-data");
  if (!dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var BRAND = "#b3261e";
  var MUTED = "#c9c3b5";
  var GRADE = "#4b2a91";

  // Long Vietnamese labels on two lines, so a phone's narrow chart does not cut them off.
  function wrap(label) {
    if (label.length <= 16) return label;
    var words = label.split(" "), first = [], rest = [];
    words.forEach(function (w) { (first.join(" ").length + w.length < label.length / 2 + 2 ? first : rest).push(w); });
    return rest.length ? [first.join(" "), rest.join(" ")] : label;
  }

  function charts() {
    if (!window.Chart) return;
    var breakdown = document.getElementById("chart-breakdown");
    if (breakdown && data.breakdown.labels.length) {
      new window.Chart(breakdown, {
        type: "bar",
        data: {
          labels: data.breakdown.labels.map(wrap),
          datasets: [
            { label: data.breakdown.series[0], data: data.breakdown.points, backgroundColor: BRAND },
            { label: data.breakdown.series[1], data: data.breakdown.max, backgroundColor: MUTED }
          ]
        },
        options: {
          indexAxis: "y",
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { x: { beginAtZero: true, suggestedMax: 25 }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
          plugins: { legend: { position: "bottom" } }
        }
      });
    }
    var history = document.getElementById("chart-history");
    if (history && data.history.labels.length) {
      var radius = data.history.scores.map(function (_, i) { return i === data.history.current ? 7 : 4; });
      new window.Chart(history, {
        type: "line",
        data: {
          labels: data.history.labels,
          datasets: [
            { label: data.history.series[0], data: data.history.scores, borderColor: BRAND, backgroundColor: BRAND, pointRadius: radius, spanGaps: true },
            { label: data.history.series[1], data: data.history.grades, borderColor: GRADE, backgroundColor: GRADE, borderDash: [6, 4], spanGaps: true }
          ]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { y: { min: 0, max: 100 } },
          plugins: { legend: { position: "bottom" } }
        }
      });
    }
  }

  function pickMoments() {
    var input = document.querySelector("[data-comment-at]");
    if (!input) return;
    document.querySelectorAll("[data-replay] [data-offset] .replay__time").forEach(function (time) {
      var li = time.closest("[data-offset]");
      var offset = Math.max(0, Number(li.dataset.offset) || 0);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button replay__time";
      button.textContent = time.textContent;
      button.addEventListener("click", function () {
        var m = Math.floor(offset / 60), s = offset % 60;
        input.value = (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
        input.focus();
      });
      time.textContent = "";
      time.appendChild(button);
    });
  }

  charts();
  pickMoments();
})();
