/* Products on show and flash sales in the room (uses window.ChoDemLive from js/live/room.js).
 *
 * State comes from welcome.selling (offers.room_state) on every (re)connection, then from the
 * sequenced events offers, product.pinned, sale.scheduled, sale.progress and sale.ended, applied
 * in order (a replay re-applies older events on top of the snapshot, which ends in the same state).
 * The countdown runs on the server's clock: sale.clock measures the skew (half the round trip). */
(function () {
  "use strict";

  var L = window.ChoDemLive;
  var box = document.querySelector("[data-selling-offers]");
  if (!L || !box) return;
  var S = JSON.parse(document.getElementById("selling-offers-strings").textContent);
  var fmt = L.fmt;
  var isConsole = box.dataset.console === "1";
  var $ = function (sel) { return box.querySelector(sel); };

  var state = { offers: [], pinned: null, sale: null };
  var myTiers = {};        // offer id -> this buyer's wholesale tiers (offer.prices): what chốt đơn charges them
  var skew = 0;            // server clock minus this device's clock, in ms
  var bestRtt = Infinity;  // round trip of the best clock sample so far
  var buyKey = null;       // kept across retries of one tap until the server answers
  var ticker = null;

  function vnd(n) { return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ".") + " ₫"; }
  function parseTime(iso) { return iso ? Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1")) : NaN; }
  function serverNow() { return Date.now() + skew; }
  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(s / 60);
    s = s % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function offerById(id) {
    for (var i = 0; i < state.offers.length; i++) if (state.offers[i].id === id) return state.offers[i];
    return null;
  }
  function show(el, on) { if (el) el.hidden = !on; }

  // -- clock ------------------------------------------------------------------
  function syncClock() {
    var t0 = Date.now();
    L.send({ type: "sale.clock" }, function (reply) {
      var t1 = Date.now();
      var at = parseTime(reply.now);
      if (reply.type !== "ack" || isNaN(at)) return;
      if (t1 - t0 <= bestRtt) { bestRtt = t1 - t0; skew = at - (t0 + t1) / 2; }
    });
  }

  // -- state ------------------------------------------------------------------
  function fromSnapshot(selling) {
    if (!selling) return;
    if (bestRtt === Infinity && selling.now) skew = parseTime(selling.now) - Date.now();  // rough, until sale.clock answers
    state.offers = selling.offers || [];
    state.pinned = selling.pinned_offer_id;
    state.sale = selling.sale;
    render();
  }
  // A verified distributor or retailer pays its tier price by chốt đơn: the card says so.
  function askPrices() {
    if (!(L.you() && L.you().user_id)) return;
    L.send({ type: "offer.prices" }, function (reply) {
      if (reply.type !== "ack") return;
      myTiers = reply.prices || {};
      renderCard();
    });
  }
  L.onWelcome(function (welcome) {
    fromSnapshot(welcome.selling);
    askPrices();
    syncClock();
    setTimeout(syncClock, 1500);
  });
  L.on("offers", function (ev) {
    state.offers = ev.offers || [];
    state.pinned = ev.pinned_offer_id;
    render();
    askPrices();
  });
  L.on("product.pinned", function (ev) {
    state.pinned = ev.offer_id;
    state.offers.forEach(function (o) { o.pinned = o.id === ev.offer_id; });
    if (ev.card) {
      var known = offerById(ev.card.id);
      if (known) Object.assign(known, ev.card); else state.offers.push(ev.card);
    }
    render();
  });
  L.on("sale.scheduled", function (ev) {
    state.sale = ev.sale;
    setResult("");
    renderSale();
  });
  L.on("sale.progress", function (ev) {
    var offer = offerById(ev.offer_id);
    if (offer && ev.stock_left !== undefined) offer.stock_left = ev.stock_left;
    if (state.sale && state.sale.id === ev.sale_id) {
      state.sale.sold = ev.sold;
      state.sale.remaining = ev.remaining;
    }
    render();
  });
  L.on("offer.stock", function (ev) {
    var offer = offerById(ev.offer_id);
    if (offer) offer.stock_left = ev.stock_left;
    render();
  });
  L.on("sale.ended", function (ev) {
    if (!state.sale || state.sale.id !== ev.sale_id) return;
    state.sale.ended_at = state.sale.ended_at || new Date(serverNow()).toISOString();
    state.sale.end_reason = ev.reason;
    if (ev.sold !== undefined) { state.sale.sold = ev.sold; state.sale.remaining = ev.remaining; }
    renderSale();
  });

  // -- drawing ----------------------------------------------------------------
  function render() {
    renderCard();
    renderSale();
    if (isConsole) { renderPins(); renderSaleOffers(); }
  }

  function renderCard() {
    var card = state.pinned ? offerById(state.pinned) : null;
    show($("[data-offers-card]"), !!card);
    show($("[data-offers-none]"), !card);
    if (!card) return;
    var photo = $("[data-offers-photo]");
    if (card.photo) { if (photo.getAttribute("src") !== card.photo) photo.src = card.photo; photo.hidden = false; }
    else { photo.removeAttribute("src"); photo.hidden = true; }
    $("[data-offers-code]").textContent = card.code;
    $("[data-offers-name]").textContent = card.name;
    $("[data-offers-price]").textContent = vnd(card.price);
    var tiers = myTiers[card.id] || [];
    show($("[data-offers-tiers]"), tiers.length > 0);
    var tierList = $("[data-offers-tier-list]");
    tierList.replaceChildren.apply(tierList, tiers.map(function (t) {
      var li = document.createElement("li");
      li.textContent = fmt(S.tier, { n: t.min_quantity, unit: card.unit, price: vnd(t.unit_price) });
      return li;
    }));
    $("[data-offers-stars]").textContent = new Array(card.stars + 1).join("★") + " " + fmt(S.stars, { n: card.stars });
    show($("[data-offers-verified]"), !!card.verified);
    $("[data-offers-stock]").textContent = card.stock_left > 0 ? fmt(S.stock_left, { n: card.stock_left, unit: card.unit }) : S.out_of_stock;
  }

  function phase(sale) {
    if (!sale) return "none";
    if (sale.ended_at) return "ended";
    var now = serverNow();
    if (now < parseTime(sale.opens_at)) return "counting";
    if (now >= parseTime(sale.closes_at)) return "ended";
    return "open";
  }

  function renderSale() {
    var panel = $("[data-flash-sale]");
    var sale = state.sale;
    show(panel, !!sale);
    if (!sale) { stopTicker(); return; }
    var p = phase(sale);
    panel.dataset.phase = p;
    $("[data-sale-name]").textContent = sale.code + " · " + sale.name;
    $("[data-sale-price]").textContent = vnd(sale.sale_price);
    $("[data-sale-was]").textContent = vnd(sale.price);
    $("[data-sale-sold]").textContent = fmt(S.sale_sold, { sold: sale.sold, quantity: sale.quantity, remaining: sale.remaining });
    $("[data-sale-cap]").textContent = fmt(S.sale_cap, { n: sale.per_buyer_cap });
    $("[data-sale-bar]").style.width = (sale.quantity ? Math.round(100 * sale.sold / sale.quantity) : 0) + "%";
    var clockEl = $("[data-sale-clock]");
    if (p === "counting") clockEl.textContent = fmt(S.sale_counting, { t: clock(parseTime(sale.opens_at) - serverNow()) });
    else if (p === "open") clockEl.textContent = fmt(S.sale_open, { t: clock(parseTime(sale.closes_at) - serverNow()) });
    else clockEl.textContent = sale.end_reason === "sold_out" || sale.remaining === 0 ? S.sale_sold_out
      : sale.end_reason === "cancelled" ? S.sale_cancelled : S.sale_ended;
    var buy = $("[data-sale-buy]");
    if (buy) {
      show(buy, p === "open");
      var qty = $("[data-sale-qty]");
      qty.max = String(Math.max(1, Math.min(sale.per_buyer_cap, sale.remaining)));
    }
    show($("[data-sale-cancel]"), p === "counting" || p === "open");
    if (p === "counting" || p === "open") startTicker(); else stopTicker();
  }

  function startTicker() { if (!ticker) ticker = setInterval(renderSale, 250); }
  function stopTicker() { if (ticker) { clearInterval(ticker); ticker = null; } }

  function setResult(text, ok) {
    var el = $("[data-sale-result]");
    el.textContent = text;
    el.hidden = !text;
    el.dataset.ok = ok ? "1" : "0";
  }

  // -- buying -----------------------------------------------------------------
  var buyForm = $("[data-sale-buy]");
  if (buyForm) {
    buyForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var sale = state.sale;
      if (!sale || phase(sale) !== "open") return;
      var button = $("[data-sale-buy-button]");
      var quantity = Math.max(1, parseInt($("[data-sale-qty]").value, 10) || 1);
      buyKey = buyKey || L.key();
      button.disabled = true;
      button.textContent = S.buying;
      var retry = setTimeout(function () { button.disabled = false; button.textContent = S.buy; }, 6000);
      L.send({ type: "sale.buy", sale_id: sale.id, quantity: quantity, unit_price: sale.sale_price, key: buyKey }, function (reply) {
        clearTimeout(retry);
        button.disabled = false;
        button.textContent = S.buy;
        if (reply.type === "ack") {
          buyKey = null;
          setResult(fmt(S.bought, { n: reply.quantity }), true);
          return;
        }
        if (reply.code !== "internal") buyKey = null;  // a refusal is final; an internal error may be retried as the same tap
        setResult(reply.message, false);
      });
    });
  }

  // -- the host's console -------------------------------------------------------
  function renderPins() {
    var ul = $("[data-offers-pins]");
    if (!ul) return;
    L.syncList(ul, state.offers, {
      id: function (o) { return o.id; },
      // Not the stock: a flash sale changes it with every purchase (set below, in place).
      key: function (o) { return JSON.stringify([o.id, o.code, o.name, o.price, o.unit, o.id === state.pinned]); },
      empty: S.no_offers,
      build: function (o) {
        var li = document.createElement("li");
        li.className = "selling-offers__pin" + (o.id === state.pinned ? " is-pinned" : "");
        var label = document.createElement("span");
        label.dataset.pinLabel = "";
        var b = document.createElement("button");
        b.type = "button";
        b.className = "button button--small" + (o.id === state.pinned ? " button--ghost" : "");
        b.textContent = o.id === state.pinned ? S.unpin : S.pin;
        b.dataset.offerPin = o.id;
        b.addEventListener("click", function () {
          L.send({ type: "offer.pin", offer_id: o.id === state.pinned ? null : o.id }, function (reply) {
            if (reply.type === "error") L.notice(reply.message);
          });
        });
        li.appendChild(label);
        li.appendChild(b);
        return li;
      }
    });
    state.offers.forEach(function (o) {
      var label = ul.querySelector('[data-list-id="' + o.id + '"] [data-pin-label]');
      if (label) label.textContent = o.code + " · " + o.name + " · " + vnd(o.price) + " · " + fmt(S.stock_left, { n: o.stock_left, unit: o.unit });
    });
  }

  function renderSaleOffers() {
    var select = $("[data-sale-offer]");
    if (!select) return;
    var chosen = select.value;
    select.textContent = "";
    state.offers.forEach(function (o) {
      var opt = document.createElement("option");
      opt.value = o.id;
      opt.textContent = o.code + " · " + o.name + " (" + vnd(o.price) + ")";
      select.appendChild(opt);
    });
    if (chosen && offerById(Number(chosen))) select.value = chosen;
    else if (state.pinned) select.value = String(state.pinned);
  }

  var picker = $("[data-offers-picker]");
  if (picker) {
    picker.addEventListener("submit", function (e) {
      e.preventDefault();
      var ids = Array.prototype.slice.call(picker.querySelectorAll("input[name=product]:checked")).map(function (i) { return Number(i.value); });
      L.send({ type: "offer.set", product_ids: ids }, function (reply) {
        L.notice(reply.type === "ack" ? S.saved : reply.message);
      });
    });
  }

  var saleForm = $("[data-sale-form]");
  if (saleForm) {
    saleForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var frame = { type: "sale.start" };
      ["offer_id", "sale_price", "quantity", "per_buyer_cap", "countdown_seconds", "duration_seconds"].forEach(function (name) {
        frame[name] = parseInt(saleForm.elements[name].value, 10) || 0;
      });
      Array.prototype.forEach.call(saleForm.querySelectorAll("[data-field-error]"), function (el) { el.textContent = ""; });
      $("[data-sale-form-error]").textContent = "";
      L.send(frame, function (reply) {
        if (reply.type === "ack") { L.notice(S.sale_started); return; }
        $("[data-sale-form-error]").textContent = reply.message;
        Object.keys(reply.fields || {}).forEach(function (name) {
          var el = saleForm.querySelector('[data-field-error="' + name + '"]');
          if (el) el.textContent = reply.fields[name];
        });
      });
    });
  }

  var cancel = $("[data-sale-cancel]");
  if (cancel) {
    cancel.addEventListener("click", function () {
      if (!state.sale || !window.confirm(S.confirm_cancel)) return;
      L.send({ type: "sale.cancel", sale_id: state.sale.id }, function (reply) {
        if (reply.type === "error") L.notice(reply.message);
      });
    });
  }

  // For tests and curious engineers: this script's view of the room.
  box.sellingOffers = { state: function () { return state; }, skew: function () { return skew; } };
})();
