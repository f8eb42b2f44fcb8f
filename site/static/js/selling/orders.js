/* Order intents, the confirmation card and the order board (uses window.ChoDemLive).
 *
 * Viewer page: one card per intent of mine (quantity, delivery details, note, Save,
 * Cancel while pending; status and decline reason live) and the shop's polite replies.
 * Host console: the order board (new intents appear at once; Claim, Release, Confirm,
 * Decline with a reason; who has claimed what; totals).
 * Each press makes one idempotency key, reused if that press is retried, and its button
 * waits disabled for the answer. Directed frames are not replayed, so every welcome
 * (first connection or reconnect) re-reads the state: board.sync / order.mine. */
(function () {
  "use strict";

  var L = window.ChoDemLive;
  var stringsEl = document.getElementById("selling-orders-strings");
  if (!L || !stringsEl) return;
  var S = JSON.parse(stringsEl.textContent);
  var root = L.root;
  var boardEl = root.querySelector("[data-selling-board]");
  var mineEl = root.querySelector("[data-selling-mine]");
  if (!boardEl && !mineEl) return;

  var RETRY_AFTER_MS = 10000;
  var intents = {};       // id -> latest intent frame
  var profile = null;     // the buyer's remembered delivery details
  var keys = {};          // "action:id" -> idempotency key of the last press not yet answered
  var inflight = {};      // "action:id" -> true while its button waits for the answer

  function money(n) { return Number(n || 0).toLocaleString("vi-VN") + " " + S.currency; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function statusText(status) { return S["status_" + status] || status; }
  function isOpen(it) { return it.status === "pending" || it.status === "claimed"; }
  function me() { return (L.you() || {}).user_id; }

  /** Send one order-changing action: one key per press, kept for a retry of that press. */
  function act(button, action, intentId, extra, onDone) {
    var slot = action + ":" + intentId;
    var key = keys[slot] || L.key();
    keys[slot] = key;
    inflight[slot] = true;
    var frame = { type: action, intent_id: intentId, key: key };
    Object.keys(extra || {}).forEach(function (k) { frame[k] = extra[k]; });
    button.disabled = true;
    var timer = setTimeout(function () {  // no answer (socket down?): let the person press again, same key
      delete inflight[slot];
      button.disabled = false;
      L.notice(S.try_again);
    }, RETRY_AFTER_MS);
    L.send(frame, function (reply) {
      clearTimeout(timer);
      delete keys[slot];
      delete inflight[slot];
      button.disabled = false;
      if (reply.type === "error") {
        var details = reply.fields ? Object.keys(reply.fields).map(function (f) { return reply.fields[f]; }).filter(Boolean) : [];
        L.notice([reply.message].concat(details).join(" "));
        if (onDone) onDone(reply);
        return;
      }
      L.notice("");
      if (reply.intent) update(reply.intent);
      if (onDone) onDone(reply);
    });
  }

  function update(it) {
    intents[it.id] = it;
    if (boardEl) renderBoard();
    if (mineEl && it.buyer_id === me()) renderCard(it);
  }

  // -- the order board --------------------------------------------------------------------------
  var boardList = boardEl && boardEl.querySelector("[data-selling-board-list]");
  var totalsEl = boardEl && boardEl.querySelector("[data-selling-board-totals]");

  function boardItem(it) {
    var li = el("li", "selling-intent selling-intent--" + it.status);
    li.dataset.intentId = it.id;
    var head = el("div", "selling-intent__head");
    head.appendChild(el("strong", null, it.code));
    head.appendChild(document.createTextNode(" × " + it.quantity + " · " + it.name + " "));
    head.appendChild(el("span", "badge selling-status", statusText(it.status)));
    li.appendChild(head);
    var who = el("p", "selling-intent__who");
    who.appendChild(el("strong", null, it.buyer_name));
    who.appendChild(document.createTextNode(" · " + money(it.total) + " · " + (it.source === "flash_sale" ? S.from_sale : S.from_chat)));
    li.appendChild(who);
    if (it.comment) li.appendChild(el("p", "selling-intent__comment muted", "“" + it.comment + "”"));
    var d = it.delivery || {};
    if (d.name || d.phone || d.address) {
      li.appendChild(el("p", "selling-intent__delivery muted", [d.name, d.phone, d.address].filter(Boolean).join(" · ")));
    }
    if (it.note) li.appendChild(el("p", "selling-intent__note muted", it.note));
    if (it.status === "claimed") {
      li.appendChild(el("p", "selling-intent__claimed", it.claimed_by_id === me() ? S.claimed_by_me : L.fmt(S.claimed_by, { name: it.claimed_by_name })));
    }
    if (it.status === "declined" && it.decline_reason) li.appendChild(el("p", "selling-intent__reason", L.fmt(S.reason, { reason: it.decline_reason })));
    var mineOrFree = it.status === "pending" || it.claimed_by_id === me();
    if (isOpen(it)) {
      var actions = el("div", "selling-intent__actions");
      if (it.status === "pending") actions.appendChild(boardButton(it, "board.claim", S.claim, "button--ghost"));
      if (it.status === "claimed") actions.appendChild(boardButton(it, "board.release", S.release, "button--ghost"));
      if (mineOrFree) {
        actions.appendChild(boardButton(it, "board.confirm", S.confirm, ""));
        var decline = el("button", "button button--small button--ghost", S.decline);
        decline.type = "button";
        decline.dataset.action = "decline-open";
        decline.addEventListener("click", function () { openDecline(li, it); });
        actions.appendChild(decline);
      }
      li.appendChild(actions);
    }
    return li;
  }

  function boardButton(it, action, label, extraClass) {
    var b = el("button", "button button--small " + extraClass, label);
    b.type = "button";
    b.dataset.action = action;
    if (inflight[action + ":" + it.id]) b.disabled = true;
    b.addEventListener("click", function () { act(b, action, it.id); });
    return b;
  }

  function openDecline(li, it) {
    if (li.querySelector("form")) { li.querySelector("input").focus(); return; }
    var form = el("form", "selling-intent__decline");
    var label = el("label", null, S.decline_reason);
    var input = el("input");
    input.name = "reason";
    input.maxLength = 300;
    input.required = true;
    label.appendChild(input);
    form.appendChild(label);
    var submit = el("button", "button button--small", S.decline);
    submit.type = "submit";
    form.appendChild(submit);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var reason = input.value.trim();
      if (!reason) { L.notice(S.reason_required); input.focus(); return; }
      act(submit, "board.decline", it.id, { reason: reason }, function (reply) {
        if (reply.type !== "error" && form.parentNode) form.parentNode.removeChild(form);
      });
    });
    li.appendChild(form);
    input.focus();
  }

  /** Bring the board up to date in place (``L.syncList``), keeping a decline reason being typed. */
  function renderBoard() {
    var list = Object.keys(intents).map(function (id) { return intents[id]; });
    list.sort(function (a, b) { return (isOpen(b) - isOpen(a)) || (a.id - b.id); });
    L.syncList(boardList, list, {
      id: function (it) { return it.id; },
      key: function (it) { return JSON.stringify([it, me()]); },
      empty: S.no_intents,
      build: function (it, old) {
        var li = boardItem(it);
        var form = old && old.querySelector("form");
        if (form && isOpen(it) && (it.status === "pending" || it.claimed_by_id === me())) li.appendChild(form);
        return li;
      }
    });
    var counts = { pending: 0, claimed: 0, confirmed: 0 }, revenue = 0;
    list.forEach(function (it) {
      if (counts[it.status] !== undefined) counts[it.status] += 1;
      if (it.status === "confirmed") revenue += it.total;
    });
    totalsEl.textContent = L.fmt(S.totals, { pending: counts.pending, claimed: counts.claimed, confirmed: counts.confirmed, revenue: money(revenue) });
  }

  // -- the buyer's confirmation cards -----------------------------------------------------------
  var mineList = mineEl && mineEl.querySelector("[data-selling-mine-list]");
  var replyEl = mineEl && mineEl.querySelector("[data-selling-order-reply]");

  function field(form, labelText, name, tag, attrs) {
    var label = el("label", "selling-card__field");
    label.appendChild(el("span", null, labelText));
    var input = el(tag || "input");
    input.name = name;
    Object.keys(attrs || {}).forEach(function (k) { input.setAttribute(k, attrs[k]); });
    input.addEventListener("input", function () { form.dataset.dirty = "1"; });
    label.appendChild(input);
    form.appendChild(label);
    return input;
  }

  function buildCard(it) {
    var li = el("li", "selling-card");
    li.dataset.intentId = it.id;
    var head = el("div", "selling-card__head");
    head.appendChild(el("strong", "selling-card__code"));
    head.appendChild(el("span", "selling-card__name"));
    head.appendChild(el("span", "badge selling-status"));
    li.appendChild(head);
    li.appendChild(el("p", "selling-card__reason"));
    var form = el("form", "selling-card__form");
    var fs = el("fieldset");
    form.appendChild(fs);
    field(form, S.quantity, "quantity", "input", { type: "number", min: "1", max: "999", inputmode: "numeric", required: "" });
    field(form, S.name, "name", "input", { type: "text", autocomplete: "name", maxlength: "120" });
    field(form, S.phone, "phone", "input", { type: "tel", autocomplete: "tel", inputmode: "tel", maxlength: "30" });
    field(form, S.address, "address", "textarea", { autocomplete: "street-address", maxlength: "300", rows: "2" });
    field(form, S.note, "note", "input", { type: "text", maxlength: "300" });
    Array.prototype.slice.call(form.querySelectorAll("label")).forEach(function (l) { fs.appendChild(l); });
    fs.appendChild(el("p", "selling-card__total"));
    var row = el("div", "selling-card__actions");
    var save = el("button", "button button--small", S.save);
    save.type = "submit";
    save.dataset.action = "order.update";
    var cancel = el("button", "button button--small button--ghost", S.cancel);
    cancel.type = "button";
    cancel.dataset.action = "order.cancel";
    row.appendChild(save);
    row.appendChild(cancel);
    fs.appendChild(row);
    li.appendChild(form);
    // Once the shop has answered, the card reads as a receipt: the details as given, no greyed-out form.
    var summary = el("dl", "selling-card__summary");
    summary.hidden = true;
    li.appendChild(summary);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var q = Number(form.elements.quantity.value);
      var extra = { quantity: q, note: form.elements.note.value };
      var d = { name: form.elements.name.value.trim(), phone: form.elements.phone.value.trim(), address: form.elements.address.value.trim() };
      if (d.name || d.phone || d.address) extra.delivery = d;
      act(save, "order.update", it.id, extra, function (reply) {
        if (reply.type !== "error") {
          form.dataset.dirty = "";
          if (extra.delivery) profile = reply.intent ? reply.intent.delivery : profile;
          L.notice(S.saved);
        }
      });
    });
    cancel.addEventListener("click", function () {
      if (window.confirm(S.confirm_cancel)) act(cancel, "order.cancel", it.id);
    });
    return li;
  }

  function renderCard(it) {
    mineEl.hidden = false;
    var li = mineList.querySelector('li[data-intent-id="' + it.id + '"]');
    if (!li) { li = buildCard(it); mineList.appendChild(li); }
    li.className = "selling-card selling-card--" + it.status;
    li.querySelector(".selling-card__code").textContent = it.code;
    li.querySelector(".selling-card__name").textContent = " " + it.name + " ";
    li.querySelector(".selling-status").textContent = statusText(it.status);
    var reason = li.querySelector(".selling-card__reason");
    reason.textContent = it.status === "declined" && it.decline_reason ? L.fmt(S.reason, { reason: it.decline_reason }) : "";
    reason.hidden = !reason.textContent;
    var form = li.querySelector("form");
    var d = it.delivery || {};
    var fill = d.name || d.phone || d.address ? d : (profile || {});
    if (!form.dataset.dirty) {
      form.elements.quantity.value = it.quantity;
      form.elements.name.value = fill.name || "";
      form.elements.phone.value = fill.phone || "";
      form.elements.address.value = fill.address || "";
      form.elements.note.value = it.note || "";
    }
    li.querySelector(".selling-card__total").textContent = S.total + ": " + money(it.total) + " (" + money(it.unit_price) + " × " + it.quantity + ")";
    var pending = it.status === "pending";
    form.querySelector("fieldset").disabled = !pending;
    li.querySelector(".selling-card__actions").style.display = pending ? "" : "none";  // .button sets display
    li.querySelector(".selling-status").dataset.status = it.status;
    form.hidden = !pending;
    var summary = li.querySelector(".selling-card__summary");
    summary.hidden = pending;
    if (!pending) {
      summary.textContent = "";
      [[S.quantity, String(it.quantity)], [S.name, d.name], [S.phone, d.phone], [S.address, d.address], [S.note, it.note],
       [S.total, money(it.total) + " (" + money(it.unit_price) + " × " + it.quantity + ")"]].forEach(function (row) {
        if (!row[1]) return;
        summary.appendChild(el("dt", null, row[0]));
        summary.appendChild(el("dd", null, row[1]));
      });
    }
    li.querySelector(".selling-card__total").hidden = !pending;
  }

  // -- wiring -------------------------------------------------------------------------------------
  L.on("intent", function (ev) {
    if (mineEl && !boardEl && ev.buyer_id !== me()) return;  // a host watching the viewer page sees only their own
    update(ev);
  });
  L.on("order.reply", function (ev) {
    if (!mineEl) return;
    mineEl.hidden = false;
    replyEl.textContent = ev.text;
    replyEl.hidden = !ev.text;
    L.notice(ev.text);
  });
  L.onWelcome(function (welcome) {
    if (boardEl && welcome.you && welcome.you.may_host) {
      L.send({ type: "board.sync" }, function (reply) {
        if (reply.type !== "ack") return;
        intents = {};
        (reply.intents || []).forEach(function (it) { intents[it.id] = it; });
        renderBoard();
      });
    }
    if (mineEl && welcome.you && welcome.you.user_id) {
      L.send({ type: "order.mine" }, function (reply) {
        if (reply.type !== "ack") return;
        profile = reply.delivery;
        (reply.intents || []).forEach(function (it) { intents[it.id] = it; renderCard(it); });
      });
    }
  });
})();
