/* Show replay: a slider shows the timeline "up to minute N"; play advances N minute by minute.
 * Without this script every line is shown (the controls stay hidden). Strings come from the
 * page (json_script "replay-strings"), translated on the server like room.js's. */
(function () {
  "use strict";

  var root = document.querySelector("[data-replay]");
  if (!root) return;
  var T = JSON.parse(document.getElementById("replay-strings").textContent);
  var fmt = function (s, vars) { return s.replace(/%\((\w+)\)s/g, function (_, k) { return vars[k]; }); };
  var controls = root.querySelector("[data-replay-controls]");
  var range = root.querySelector("[data-replay-range]");
  var label = root.querySelector("[data-replay-label]");
  var count = root.querySelector("[data-replay-count]");
  var play = root.querySelector("[data-replay-play]");
  var items = Array.prototype.slice.call(root.querySelectorAll("[data-minute]"));
  var last = Number(root.dataset.lastMinute) || 0;
  var timer = null;
  var STEP_MS = 800;

  function show(upto) {
    var shown = 0;
    items.forEach(function (li) {
      var visible = Number(li.dataset.minute) <= upto;
      li.hidden = !visible;
      if (visible) shown += 1;
    });
    label.textContent = fmt(T.upto, { n: upto });
    count.textContent = fmt(T.shown, { n: shown });
  }

  function stop() {
    if (timer) window.clearInterval(timer);
    timer = null;
    play.textContent = T.play;
    play.setAttribute("aria-pressed", "false");
  }

  function start() {
    if (Number(range.value) >= last) range.value = 0;
    show(Number(range.value));
    play.textContent = T.pause;
    play.setAttribute("aria-pressed", "true");
    timer = window.setInterval(function () {
      var next = Number(range.value) + 1;
      if (next > last) { stop(); return; }
      range.value = next;
      show(next);
    }, STEP_MS);
  }

  // ?t=SECONDS (a comment pinned to a moment links here): show up to that minute and mark
  // the first line at or after that second (data-offset), scrolled into view.
  function seek(t) {
    var upto = Math.min(last, Math.floor(t / 60));
    range.value = upto;
    show(upto);
    var here = items.filter(function (li) { return Number(li.dataset.offset) >= t; })[0] || items[items.length - 1];
    items.forEach(function (li) { li.classList.remove("replay__item--here"); li.removeAttribute("aria-current"); });
    if (!here) return;
    here.hidden = false;
    here.classList.add("replay__item--here");
    here.setAttribute("aria-current", "true");
    here.scrollIntoView({ block: "center" });
    // the browser's own jump to a #fragment comes after this script: scroll again once loaded
    window.addEventListener("load", function () { here.scrollIntoView({ block: "center" }); });
  }

  range.addEventListener("input", function () { stop(); show(Number(range.value)); });
  play.addEventListener("click", function () { if (timer) stop(); else start(); });
  controls.hidden = false;
  var query = new URLSearchParams(window.location.search);
  var t = Number(query.get("t"));
  if (query.has("t") && query.get("t") !== "" && isFinite(t) && t >= 0) seek(t);
  else show(Number(range.value));
})();
