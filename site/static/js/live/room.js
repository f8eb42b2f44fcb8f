/* Live room client: one WebSocket, resume by sequence, jittered reconnect.
 * Protocol: docs/live-protocol.md. Used by the viewer page and the host console. */
(function () {
  "use strict";

  var root = document.querySelector("[data-live-room]");
  if (!root) return;
  var T = JSON.parse(document.getElementById("live-strings").textContent);
  var me = root.dataset.userId ? Number(root.dataset.userId) : null;
  var isConsole = root.dataset.console === "1";
  var $ = function (sel) { return root.querySelector(sel); };
  var $$ = function (sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); };
  var fmt = function (s, vars) { return s.replace(/%\((\w+)\)s/g, function (_, k) { return vars[k]; }); };

  var chatList = $("[data-live-chat]");
  var statusEl = $("[data-live-status]");
  var noticeEl = $("[data-live-notice]");
  var input = $("[data-live-chat-input]");
  var form = $("[data-live-chat-form]");

  var ws = null;
  var lastSeq = null;      // highest sequence applied; sent back as ?after= on reconnect
  var attempt = 0;
  var stopped = false;
  var you = { may_moderate: false };
  var refCounter = 0;
  var pendingTaps = {};
  var unansweredChat = {};  // ref -> text: chat written to the socket and not yet acked or refused
  var pingTimer = null;
  // Extensions (selling, camera) add their own message types: see window.ChoDemLive below.
  var plugins = { events: {}, welcome: [], replies: {} };
  function pluginEvent(ev, directed) {
    (plugins.events[ev.type] || []).forEach(function (fn) { fn(ev, directed); });
  }
  function pluginReply(frame) {
    var fn = frame.ref && plugins.replies[frame.ref];
    if (!fn) return false;
    delete plugins.replies[frame.ref];
    fn(frame);
    return true;
  }

  function setStatus(text, state) {
    statusEl.textContent = text;
    statusEl.dataset.state = state;
  }
  function notice(text) {
    noticeEl.textContent = text;
    noticeEl.hidden = !text;
  }
  function send(frame) {
    frame.v = 1;
    frame.ref = frame.ref || "r" + (++refCounter);
    if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame));
    return frame.ref;
  }

  // -- connection -----------------------------------------------------------
  function url() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var u = proto + location.host + root.dataset.wsPath;
    return lastSeq === null ? u : u + "?after=" + lastSeq;
  }

  function connect() {
    setStatus(attempt ? T.reconnecting : T.connecting, attempt ? "reconnecting" : "connecting");
    ws = new WebSocket(url());
    var pieces = {};  // part id -> text so far: a frame over the server's message cap comes in parts
    ws.onmessage = function (e) {
      var frame;
      try { frame = JSON.parse(e.data); } catch (err) { return; }
      if (frame.type === "part") {
        pieces[frame.id] = (pieces[frame.id] || "") + frame.data;
        if (!frame.last) return;
        var whole = pieces[frame.id];
        delete pieces[frame.id];
        try { frame = JSON.parse(whole); } catch (err) { return; }
      }
      handle(frame);
    };
    ws.onclose = function (e) {
      clearInterval(pingTimer);
      giveBackUnansweredChat();
      if (stopped) return;
      var final = { 4401: T.login, 4403: T.banned, 4404: T.not_found };
      if (final[e.code]) {
        stopped = true;
        setStatus(final[e.code], "closed");
        if (input) input.disabled = true;
        return;
      }
      if (e.code === 4409) { setStatus(T.too_many, "closed"); }
      // Full jitter: 0.5 s, 1 s, 2 s … up to 15 s (30 s after being rate limited).
      var cap = e.code === 4429 ? 30000 : 15000;
      var delay = Math.random() * Math.min(cap, 500 * Math.pow(2, attempt));
      attempt += 1;
      setStatus(T.reconnecting, "reconnecting");
      setTimeout(connect, Math.max(250, delay));
    };
  }

  function handle(frame) {
    switch (frame.type) {
      case "welcome":
        attempt = 0;
        you = frame.you;
        setStatus(T.connected, "open");
        renderState(frame.show.state);
        renderViewers(frame.viewers);
        renderSlow(frame.slow_mode, false);
        renderPinned(frame.pinned);
        renderTotals(frame.reactions);
        if (frame.reports) renderReports(frame.reports);
        plugins.welcome.forEach(function (fn) { fn(frame); });
        if (lastSeq === null) lastSeq = 0;
        clearInterval(pingTimer);
        pingTimer = setInterval(function () { send({ type: "ping" }); }, 25000);
        break;
      case "replay":
        if (!frame.complete) systemLine(T.older_omitted);
        frame.events.forEach(apply);
        if (frame.seq > lastSeq) lastSeq = frame.seq;
        break;
      case "batch":
        frame.events.forEach(apply);
        break;
      case "staff":
        frame.events.forEach(applyStaff);
        break;
      case "direct":
        frame.events.forEach(function (ev) { pluginEvent(ev, true); });
        break;
      case "error":
        if (!pluginReply(frame)) notice(frame.message);
        break;
      case "ack":
        pluginReply(frame);
        break;
    }
  }

  // -- events ---------------------------------------------------------------
  function apply(ev) {
    if (ev.seq !== undefined) {
      if (ev.seq <= lastSeq) return;  // already applied (resume overlap)
      lastSeq = ev.seq;
    }
    switch (ev.type) {
      case "chat": addChat(ev); break;
      case "chat.deleted": markDeleted(ev.message_seq); break;
      case "pin": renderPinned(ev.message); break;
      case "slow_mode": renderSlow(ev.seconds, true); break;
      case "show.state": renderState(ev.state); break;
      case "user.muted":
        if (ev.user_id === me) { notice(T.muted); if (input) input.disabled = true; }
        else if (you.may_moderate) systemLine(fmt(T.user_muted, ev));
        break;
      case "user.unmuted":
        if (ev.user_id === me) { notice(T.unmuted); if (input) input.disabled = false; }
        break;
      case "user.banned":
        if (you.may_moderate) systemLine(fmt(T.user_banned, ev));
        break;
      case "viewers": renderViewers(ev.count); break;
      case "reactions": renderTotals(ev.totals); break;
      default: pluginEvent(ev, false);
    }
  }

  function addChat(ev) {
    var li = document.createElement("li");
    li.className = "live-msg live-msg--" + ev.role;
    li.dataset.seq = ev.seq;
    li.dataset.userId = ev.user_id;
    var name = document.createElement("strong");
    name.textContent = ev.name;
    if (ev.role !== "viewer") {
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = T[ev.role] || ev.role;
      name.appendChild(document.createTextNode(" "));
      name.appendChild(badge);
    }
    var text = document.createElement("span");
    text.className = "live-msg__text";
    text.textContent = ev.deleted ? T.deleted : ev.text;
    li.appendChild(name);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(text);
    if (ev.deleted) li.classList.add("live-msg--deleted");
    else li.appendChild(actionsFor(ev));
    var atBottom = chatList.scrollHeight - chatList.scrollTop - chatList.clientHeight < 40;
    chatList.appendChild(li);
    while (chatList.children.length > 300) chatList.removeChild(chatList.firstChild);
    if (atBottom) chatList.scrollTop = chatList.scrollHeight;
  }

  function actionsFor(ev) {
    var box = document.createElement("span");
    box.className = "live-msg__actions";
    function button(label, onclick, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "link-action";
      b.textContent = label;
      b.dataset.action = action;
      b.addEventListener("click", onclick);
      box.appendChild(b);
    }
    if (you.may_moderate) {
      button(T.pin, function () { send({ type: "mod.pin", message_seq: ev.seq }); }, "pin");
      button(T.delete, function () { send({ type: "mod.delete", message_seq: ev.seq }); }, "delete");
      if (ev.user_id !== me && ev.role === "viewer") {
        button(T.mute, function () { send({ type: "mod.mute", user_id: ev.user_id, minutes: 10 }); }, "mute");
        button(T.ban, function () { if (window.confirm(T.confirm_ban)) send({ type: "mod.ban", user_id: ev.user_id }); }, "ban");
      }
    } else if (me !== null && ev.user_id !== me) {
      button(T.report, function () {
        var reason = window.prompt(T.report_reason) || "";
        send({ type: "report", message_seq: ev.seq, reason: reason.slice(0, 300) });
        notice(T.reported);
      }, "report");
    }
    return box;
  }

  function markDeleted(seq) {
    var li = chatList.querySelector('[data-seq="' + seq + '"]');
    if (!li) return;
    li.classList.add("live-msg--deleted");
    li.querySelector(".live-msg__text").textContent = T.deleted;
    var actions = li.querySelector(".live-msg__actions");
    if (actions) actions.remove();
  }

  function systemLine(text) {
    var li = document.createElement("li");
    li.className = "live-msg live-msg--system";
    li.textContent = text;
    chatList.appendChild(li);
  }

  function renderViewers(n) { $$("[data-live-viewers]").forEach(function (el) { el.textContent = n; }); }
  function renderState(state) {
    $$("[data-live-state]").forEach(function (el) { el.textContent = T["state_" + state]; el.dataset.state = state; });
    root.dataset.state = state;
  }
  function renderSlow(seconds, announce) {
    var select = $("[data-live-slow]");
    if (select) select.value = String(seconds);
    if (announce) systemLine(seconds ? fmt(T.slow_mode, { s: seconds }) : T.slow_off);
  }
  function renderPinned(message) {
    var box = $("[data-live-pinned]");
    box.hidden = !message;
    $("[data-live-pinned-text]").textContent = message ? message.name + ": " + message.text : "";
  }
  function renderTotals(totals) {
    Object.keys(totals || {}).forEach(function (kind) {
      $$('[data-live-react-count="' + kind + '"]').forEach(function (el) { el.textContent = totals[kind]; });
    });
  }

  // -- moderators' report queue ---------------------------------------------
  var reports = {};
  function renderReports(list) { list.forEach(function (r) { reports[r.id] = r; }); drawReports(); }
  function applyStaff(ev) {
    if (ev.type === "report.new") { reports[ev.report.id] = ev.report; drawReports(); }
    if (ev.type === "report.closed") { delete reports[ev.report_id]; drawReports(); }
  }
  function drawReports() {
    var ul = $("[data-live-reports]");
    if (!ul) return;
    syncList(ul, Object.keys(reports).map(function (id) { return reports[id]; }), {
      id: function (r) { return r.id; },
      key: function (r) { return JSON.stringify(r); },
      empty: T.no_reports,
      build: function (r) {
        var li = document.createElement("li");
        li.className = "live-report";
        li.textContent = "#" + r.message_seq + " «" + r.text + "» — " + r.reporter + (r.reason ? " (" + r.reason + ")" : "") + " ";
        [["resolved", T.resolve], ["dismissed", T.dismiss]].forEach(function (pair) {
          var b = document.createElement("button");
          b.type = "button";
          b.className = "button button--small button--ghost";
          b.textContent = pair[1];
          b.addEventListener("click", function () {
            if (pair[0] === "resolved") send({ type: "mod.delete", message_seq: r.message_seq });
            send({ type: "mod.report_resolve", report_id: r.id, status: pair[0] });
          });
          li.appendChild(b);
        });
        return li;
      }
    });
  }

  /**
   * Bring a list of items with buttons up to date in place. An item keeps its node while
   * ``opts.key(item)`` is unchanged and is rebuilt by ``opts.build(item, oldNode)`` when it
   * changed; an empty list shows ``opts.empty``. Rebuilding a whole list on every frame
   * replaced the buttons under the pointer (the host's board at each chốt đơn, the pins at
   * each purchase of a flash sale), and a press that straddled the swap did nothing.
   */
  function syncList(ul, items, opts) {
    var shown = {};
    Array.prototype.forEach.call(ul.children, function (li) {
      if (li.dataset.listId !== undefined) shown[li.dataset.listId] = li;
    });
    var nodes = items.map(function (item) {
      var id = String(opts.id(item)), key = opts.key(item), old = shown[id];
      if (old && old.dataset.listKey === key) return old;
      var li = opts.build(item, old || null);
      li.dataset.listId = id;
      li.dataset.listKey = key;
      return li;
    });
    if (!nodes.length) {
      var empty = ul.querySelector("li.muted:not([data-list-id])") || document.createElement("li");
      empty.className = "muted";
      empty.textContent = opts.empty;
      nodes.push(empty);
    }
    var keep = new Set(nodes);
    Array.prototype.slice.call(ul.children).forEach(function (child) {
      if (!keep.has(child)) ul.removeChild(child);
    });
    nodes.forEach(function (node, i) {
      if (ul.children[i] !== node) ul.insertBefore(node, ul.children[i] || null);
    });
  }

  // -- inputs ---------------------------------------------------------------
  // A message leaves the box only once it is on an open socket; one the room refused, or
  // whose socket closed before the room answered, comes back to the box with a notice,
  // so that a "chốt đơn" typed during a reconnect is never silently dropped.
  function giveBack(text, why) {
    if (input && !input.value.trim()) input.value = text;
    notice(why);
  }
  function giveBackUnansweredChat() {
    var refs = Object.keys(unansweredChat);
    if (!refs.length) return;
    var last = unansweredChat[refs[refs.length - 1]];
    refs.forEach(function (ref) { delete plugins.replies[ref]; });
    unansweredChat = {};
    giveBack(last, T.chat_unanswered);
  }
  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      if (!ws || ws.readyState !== 1) {
        notice(T.chat_offline);
        return;
      }
      notice("");
      var ref = send({ type: "chat.send", text: text });
      unansweredChat[ref] = text;
      plugins.replies[ref] = function (reply) {
        delete unansweredChat[ref];
        if (reply.type === "error") giveBack(text, reply.message);
      };
      input.value = "";
    });
  }
  // Taps are summed on the phone and sent at most twice a second, one frame for many taps.
  $$("[data-live-react]").forEach(function (b) {
    b.addEventListener("click", function () {
      var kind = b.dataset.liveReact;
      pendingTaps[kind] = Math.min(50, (pendingTaps[kind] || 0) + 1);
      b.classList.remove("pop"); void b.offsetWidth; b.classList.add("pop");
    });
  });
  setInterval(function () {
    Object.keys(pendingTaps).forEach(function (kind) { send({ type: "reaction", kind: kind, count: pendingTaps[kind] }); });
    pendingTaps = {};
  }, 500);
  // An action with data-confirm (ending the show) asks first, in the room's language.
  $$("[data-live-action]").forEach(function (b) {
    b.addEventListener("click", function () {
      if (b.dataset.confirm && !window.confirm(T[b.dataset.confirm] || b.textContent)) return;
      send({ type: b.dataset.liveAction });
    });
  });
  var slow = $("[data-live-slow]");
  if (slow) slow.addEventListener("change", function () { send({ type: "mod.slow_mode", seconds: Number(slow.value) }); });
  var camera = $("[data-live-camera]");
  if (camera && navigator.mediaDevices) {
    camera.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: true, audio: false }).then(function (stream) {
        var video = $("[data-live-preview]");
        video.srcObject = stream;
        video.hidden = false;
        $("[data-live-preview-placeholder]").hidden = true;
      }).catch(function (err) { notice(String(err && err.message || err)); });
    });
  }
  window.addEventListener("online", function () { if (ws && ws.readyState > 1 && !stopped) { attempt = 0; } });

  // For tests and curious engineers: the client's view of the room.
  root.liveClient = { lastSeq: function () { return lastSeq; }, isConsole: isConsole };

  // The extension interface. Extension scripts load after this one (defer keeps the
  // order) and register before the socket opens, which waits for DOMContentLoaded.
  window.ChoDemLive = {
    root: root,
    strings: T,
    fmt: fmt,
    notice: notice,
    syncList: syncList,
    systemLine: systemLine,
    you: function () { return you; },
    /** Call fn(event, directed) for every event of this type (sequenced or directed). */
    on: function (type, fn) { (plugins.events[type] = plugins.events[type] || []).push(fn); },
    /** Call fn(welcomeFrame) on every (re)connection: refresh state that may be stale. */
    onWelcome: function (fn) { plugins.welcome.push(fn); },
    /** Send a frame; onReply(ackOrError) gets the server's answer to it. */
    send: function (frame, onReply) {
      var ref = send(frame);
      if (onReply) plugins.replies[ref] = onReply;
      return ref;
    },
    /** A fresh idempotency key for an order-changing action (kept across retries by the caller). */
    key: function () {
      return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
    }
  };
  if (document.readyState === "complete") connect();
  else document.addEventListener("DOMContentLoaded", connect);
})();
