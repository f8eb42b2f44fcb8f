// The market lobby (market/sessions/lobby.html): keeps the buyer's place and the stalls fresh.
// * One tap on a stall opens its room; the lobby remembers where the buyer was (scroll, last
//   stall) for this tab, so coming back ("← Sảnh chợ" or the back button) lands in the same place.
// * Every few seconds (signed-in buyers) the lobby API says which stalls are on and how many
//   watch each: counts change in place; when a stall goes on or off air the lists are re-read
//   from the page itself (server-rendered, already translated).
(function () {
  "use strict";
  const root = document.querySelector("[data-market-lobby]");
  if (!root) return;
  const key = "market-lobby:" + root.dataset.session;
  const configNode = document.getElementById("market-lobby-refresh");
  const config = configNode ? JSON.parse(configNode.textContent) : {};

  function remember(stall) {
    try {
      sessionStorage.setItem(key, JSON.stringify({ y: window.scrollY, stall: stall, q: location.search }));
    } catch (e) { /* private mode: nothing to remember */ }
  }

  function restore() {
    let place = null;
    try { place = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { place = null; }
    if (!place) return;
    if (place.stall) {
      const item = root.querySelector('[data-stall="' + String(place.stall).replace(/[^0-9]/g, "") + '"]');
      if (item) item.classList.add("mk-stall--visited");
    }
    if (place.q === location.search && typeof place.y === "number") window.scrollTo(0, place.y);
  }

  root.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-room-link][href]");
    if (!link) return;
    const item = link.closest("[data-stall]");
    remember(item ? item.dataset.stall : null);
  });
  window.addEventListener("pagehide", function () {
    let place = null;
    try { place = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { place = null; }
    remember(place && place.q === location.search ? place.stall : null);
  });
  restore();

  if (!config.api) return;
  const every = Math.max(10, Number(config.every) || 20) * 1000;

  function signature(states) { return states.sort().join(","); }

  function domStates() {
    return Array.from(root.querySelectorAll('[data-list="live"] [data-stall], [data-list="upcoming"] [data-stall]')).map((el) => el.dataset.stall + ":" + el.dataset.state);
  }

  async function swapLists() {
    const response = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    root.querySelectorAll("[data-list]").forEach((list) => {
      const fresh = doc.querySelector('[data-market-lobby] [data-list="' + list.dataset.list + '"]');
      if (fresh) list.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
    });
    restore();
  }

  async function refresh() {
    if (document.hidden) return;
    try {
      const url = config.api + location.search;
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      const stalls = [].concat(data.live, data.upcoming);
      const fresh = stalls.map((s) => s.slot + ":" + s.state);
      if (signature(fresh) !== signature(domStates())) {
        await swapLists();
        return;
      }
      stalls.forEach((s) => {
        const n = root.querySelector('[data-stall="' + s.slot + '"] [data-viewers-n]');
        if (n && s.viewers !== null) n.textContent = String(s.viewers);
      });
    } catch (e) { /* offline for a moment: try again next time */ }
  }

  window.setInterval(refresh, every);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
})();
