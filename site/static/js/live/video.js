/* The room's video: a stream URL (YouTube/Facebook embed, HLS, MP4) or the host's camera.
 * Camera mode is a WebRTC mesh signalled over the room socket (rtc.* in docs/live-protocol.md):
 * a viewer sends rtc.join, the streaming host's browser answers with one peer connection
 * per viewer. Uses window.ChoDemLive (room.js) for the socket. */
(function () {
  "use strict";

  var L = window.ChoDemLive;
  var box = document.querySelector("[data-live-video]");
  if (!L || !box) return;
  var cfg = JSON.parse(document.getElementById("live-video-config").textContent);
  var T = cfg.strings;
  var stage = box.querySelector("[data-live-video-stage]");
  var unmuteButton = box.querySelector("[data-live-video-unmute]");
  var form = document.querySelector("[data-live-video-form]");
  var fmt = L.fmt;

  var state = JSON.parse(document.getElementById("live-video-state").textContent);
  // The server drew embeds, MP4 and "nothing" already; HLS and camera need this script.
  var rendered = state.mode === "hls" || state.mode === "camera" ? null : keyOf(state);
  var hls = null;
  var hlsLoading = null;

  // Camera, the sending side (host console).
  var localStream = null;
  var peers = {};       // viewer conn -> {pc, remoteSet, queued: [candidates]}
  var myConns = {};     // every conn id this page has had: answers may still name an old one

  // Camera, the receiving side.
  var viewer = null;    // {pc, host: conn, remoteSet, queued}
  var joinTimer = null;
  var joinDelay = 8000;

  // -- signalling: paced (the socket allows 10 frames/s), candidates batched -----
  var outbox = [];
  var tokens = 8;
  setInterval(function () {
    tokens = Math.min(8, tokens + 1);
    drain();
  }, 200);
  function rtcSend(frame) {
    outbox.push(frame);
    drain();
  }
  function drain() {
    while (outbox.length && tokens >= 1) {
      tokens -= 1;
      L.send(outbox.shift(), function () {});
    }
  }
  var candidateBatches = {};
  function queueCandidate(to, candidate) {
    if (!candidate || !candidate.candidate) return;
    var batch = candidateBatches[to];
    if (!batch) {
      batch = candidateBatches[to] = [];
      setTimeout(function () {
        var all = candidateBatches[to] || [];
        delete candidateBatches[to];
        for (var i = 0; i < all.length; i += 20) rtcSend({ type: "rtc.candidate", to: to, candidates: all.slice(i, i + 20) });
      }, 250);
    }
    var c = candidate.toJSON ? candidate.toJSON() : candidate;
    var clean = { candidate: c.candidate };
    if (c.sdpMid !== null && c.sdpMid !== undefined) clean.sdpMid = c.sdpMid;
    if (c.sdpMLineIndex !== null && c.sdpMLineIndex !== undefined) clean.sdpMLineIndex = c.sdpMLineIndex;
    if (c.usernameFragment) clean.usernameFragment = c.usernameFragment;
    batch.push(clean);
  }
  function addRemoteCandidates(peer, list) {
    list.forEach(function (c) {
      if (!peer.remoteSet) { peer.queued.push(c); return; }
      peer.pc.addIceCandidate(c).catch(function () {});
    });
  }
  function remoteDescriptionSet(peer) {
    peer.remoteSet = true;
    addRemoteCandidates(peer, peer.queued.splice(0));
  }

  // -- what is on the stage ------------------------------------------------------
  function keyOf(s) { return s.mode + "|" + (s.src || ""); }
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function placeholder(text) {
    var div = el("div", { "class": "live-video__placeholder", "data-live-video-wait": "" });
    var p = document.createElement("p");
    p.textContent = text;
    div.appendChild(p);
    return div;
  }
  function videoElement(extra) {
    var v = el("video", extra || {});
    v.autoplay = true; v.muted = true; v.playsInline = true;
    v.setAttribute("playsinline", "");
    return v;
  }
  function teardownStage() {
    if (hls) { hls.destroy(); hls = null; }
    unmuteButton.hidden = true;
  }
  function render(s) {
    var key = keyOf(s) + (s.mode === "camera" ? (localStream ? "|local" : "|remote") : "");
    if (key === rendered) return;
    teardownStage();
    rendered = key;
    stage.dataset.mode = s.mode;
    stage.textContent = "";
    if (s.mode === "embed") {
      stage.appendChild(el("iframe", {
        src: s.src, title: T.title, "data-provider": s.provider, allowfullscreen: "",
        allow: "autoplay; encrypted-media; picture-in-picture; fullscreen",
        referrerpolicy: "strict-origin-when-cross-origin"
      }));
    } else if (s.mode === "mp4") {
      var mp4 = videoElement({ controls: "" });
      mp4.src = s.src;
      stage.appendChild(mp4);
      offerUnmute(mp4);
    } else if (s.mode === "hls") {
      var v = videoElement({ controls: "", "data-hls": s.src });
      stage.appendChild(v);
      attachHls(v, s.src);
    } else if (s.mode === "camera" && localStream) {
      var preview = videoElement({ "data-live-video-local": "" });
      preview.srcObject = localStream;
      stage.appendChild(preview);
    } else if (s.mode === "camera") {
      stage.appendChild(videoElement({ "data-live-video-remote": "" }));
      stage.appendChild(placeholder(cfg.may_host ? T.camera_off : T.waiting));
    } else {
      stage.appendChild(placeholder(T.none));
    }
  }
  function offerUnmute(video) {
    unmuteButton.hidden = false;
    unmuteButton.onclick = function () {
      video.muted = false;
      video.play().catch(function () {});
      unmuteButton.hidden = true;
    };
  }
  function attachHls(video, src) {
    // hls.js wherever Media Source Extensions exist (the same player everywhere, low-latency
    // live); the iPhone's Safari has no MSE and plays the playlist itself.
    var native = video.canPlayType("application/vnd.apple.mpegurl");
    if (!window.MediaSource && !window.ManagedMediaSource) {
      if (native) { video.src = src; offerUnmute(video); }
      else { stage.textContent = ""; stage.appendChild(placeholder(T.hls_unsupported)); }
      return;
    }
    loadHls(function () {
      if (video.parentNode !== stage) return;  // switched away meanwhile
      if (!window.Hls || !window.Hls.isSupported()) {
        if (native) { video.src = src; offerUnmute(video); return; }
        stage.textContent = "";
        stage.appendChild(placeholder(T.hls_unsupported));
        return;
      }
      hls = new window.Hls({ workerPath: box.dataset.hlsWorker, lowLatencyMode: true });
      hls.loadSource(src);
      hls.attachMedia(video);
      offerUnmute(video);
    });
  }
  function loadHls(done) {
    if (window.Hls) { done(); return; }
    if (!hlsLoading) {
      hlsLoading = [];
      var script = document.createElement("script");
      script.src = box.dataset.hlsScript;
      script.onload = script.onerror = function () {
        var waiting = hlsLoading; hlsLoading = null;
        waiting.forEach(function (fn) { fn(); });
      };
      document.head.appendChild(script);
    }
    hlsLoading.push(done);
  }

  // -- state changes: the welcome snapshot and the `video` event ----------------
  var pendingState = null, pendingRestart = false, applyTimer = null;
  function schedule(s, restart) {
    // A (re)connection brings the snapshot then maybe older `video` events in the replay:
    // settle on the last one before acting.
    pendingState = s;
    pendingRestart = pendingRestart || restart;
    clearTimeout(applyTimer);
    applyTimer = setTimeout(function () {
      var restartNow = pendingRestart;
      pendingRestart = false;
      apply(pendingState, restartNow);
    }, 150);
  }
  function apply(s, restart) {
    state = { mode: s.mode, provider: s.provider, url: s.url, src: s.src };
    if (state.mode !== "camera" && localStream) stopSending(false);
    render(state);
    if (state.mode !== "camera") { stopWatching(true); return; }
    if (localStream) return;  // this page is the camera
    if (restart || !viewer) watch();
  }

  // -- camera, receiving -------------------------------------------------------
  function remoteVideo() { return stage.querySelector("[data-live-video-remote]"); }
  function showWaiting(text) {
    var wait = stage.querySelector("[data-live-video-wait]");
    if (wait) { wait.hidden = !text; if (text) wait.firstChild.textContent = text; }
  }
  function watch() {
    stopWatching(false);
    joinDelay = 8000;
    join();
  }
  function join() {
    clearTimeout(joinTimer);
    if (state.mode !== "camera" || localStream) return;
    rtcSend({ type: "rtc.join" });
    // No offer (no host streaming yet, or it reloaded): ask again, less and less often.
    joinTimer = setTimeout(join, joinDelay);
    joinDelay = Math.min(30000, joinDelay * 2);
  }
  function stopWatching(sayBye) {
    clearTimeout(joinTimer);
    if (!viewer) return;
    if (sayBye) rtcSend({ type: "rtc.leave", to: viewer.host });
    viewer.pc.close();
    viewer = null;
  }
  function onOffer(ev) {
    if (localStream || state.mode !== "camera") return;
    stopWatching(false);
    var pc = new RTCPeerConnection({ iceServers: cfg.ice_servers });
    var peer = viewer = { pc: pc, host: ev.from, remoteSet: false, queued: [] };
    pc.ontrack = function (e) {
      var video = remoteVideo();
      if (!video) return;
      if (video.srcObject !== e.streams[0]) video.srcObject = e.streams[0] || new MediaStream([e.track]);
      showWaiting("");
      if (e.track.kind === "audio") offerUnmute(video);
    };
    pc.onicecandidate = function (e) { queueCandidate(peer.host, e.candidate); };
    pc.onconnectionstatechange = function () {
      if (viewer !== peer) return;
      if (pc.connectionState === "connected") clearTimeout(joinTimer);
      if (pc.connectionState === "failed") {
        stopWatching(false);
        showWaiting(T.waiting);
        joinDelay = 2000;
        joinTimer = setTimeout(join, 2000);
      }
    };
    pc.setRemoteDescription({ type: "offer", sdp: ev.sdp })
      .then(function () { remoteDescriptionSet(peer); return pc.createAnswer(); })
      .then(function (answer) { return pc.setLocalDescription(answer); })
      .then(function () { rtcSend({ type: "rtc.answer", to: peer.host, sdp: pc.localDescription.sdp }); })
      .catch(function () { stopWatching(true); });
  }

  // -- camera, sending (host console) -------------------------------------------
  function peersChanged() {
    var out = document.querySelector("[data-live-video-peers]");
    var n = Object.keys(peers).length;
    if (out) out.textContent = localStream ? fmt(T.peers, { n: n }) : "";
    box.dataset.peers = String(n);
  }
  function closePeer(conn, sayBye) {
    var p = peers[conn];
    if (!p) return;
    delete peers[conn];
    if (sayBye) rtcSend({ type: "rtc.leave", to: conn });
    p.pc.close();
    peersChanged();
  }
  function onJoin(ev) {
    if (!localStream || myConns[ev.from]) return;
    closePeer(ev.from, false);  // it asks again: its old connection is gone
    if (Object.keys(peers).length >= cfg.max_peers) {
      rtcSend({ type: "rtc.leave", to: ev.from, reason: "full" });
      return;
    }
    var pc = new RTCPeerConnection({ iceServers: cfg.ice_servers });
    var peer = peers[ev.from] = { pc: pc, remoteSet: false, queued: [] };
    localStream.getTracks().forEach(function (track) { pc.addTrack(track, localStream); });
    pc.onicecandidate = function (e) { queueCandidate(ev.from, e.candidate); };
    pc.onconnectionstatechange = function () {
      if (peers[ev.from] !== peer) return;
      if (pc.connectionState === "failed" || pc.connectionState === "closed") closePeer(ev.from, false);
    };
    pc.createOffer()
      .then(function (offer) { return pc.setLocalDescription(offer); })
      .then(function () { rtcSend({ type: "rtc.offer", to: ev.from, sdp: pc.localDescription.sdp }); })
      .catch(function () { closePeer(ev.from, false); });
    peersChanged();
  }
  function capBitrate(pc) {
    // One 720p copy per viewer: ~1.2 Mbit/s each keeps a home uplink serving a few.
    pc.getSenders().forEach(function (sender) {
      if (!sender.track || sender.track.kind !== "video" || !sender.getParameters) return;
      var params = sender.getParameters();
      if (!params.encodings || !params.encodings.length) return;
      params.encodings[0].maxBitrate = 1200000;
      sender.setParameters(params).catch(function () {});
    });
  }
  function onAnswer(ev) {
    var peer = myConns[ev.to] && peers[ev.from];
    if (!peer) return;
    peer.pc.setRemoteDescription({ type: "answer", sdp: ev.sdp })
      .then(function () { remoteDescriptionSet(peer); capBitrate(peer.pc); })
      .catch(function () { closePeer(ev.from, true); });
  }
  function startSending() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showError(fmt(T.no_camera, { error: "getUserMedia" }));
      return;
    }
    navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 } },
      audio: { echoCancellation: true, noiseSuppression: true }
    }).then(function (stream) {
      localStream = stream;
      stopWatching(false);
      toggleCameraButtons();
      peersChanged();
      L.send({ type: "video.set", mode: "camera" }, function (reply) {
        if (reply.type === "error") { stopSending(false); showError(reply.message); return; }
        showError("");
        apply(reply.video || { mode: "camera" }, false);
      });
    }).catch(function (err) {
      showError(fmt(T.no_camera, { error: String((err && (err.message || err.name)) || err) }));
    });
  }
  function stopSending(announce) {
    Object.keys(peers).forEach(function (conn) { closePeer(conn, true); });
    if (localStream) localStream.getTracks().forEach(function (t) { t.stop(); });
    localStream = null;
    toggleCameraButtons();
    peersChanged();
    if (announce) setSource({ mode: "none" });
    else rendered = null;
  }

  // -- the console's controls ----------------------------------------------------
  function showError(text) {
    var p = form && form.querySelector("[data-live-video-error]");
    if (!p) { if (text) L.notice(text); return; }
    p.textContent = text;
    p.hidden = !text;
  }
  function toggleCameraButtons() {
    if (!form) return;
    form.querySelector("[data-live-video-camera]").hidden = !!localStream;
    form.querySelector("[data-live-video-stop]").hidden = !localStream;
  }
  function setSource(frame) {
    frame.type = "video.set";
    L.send(frame, function (reply) {
      if (reply.type === "error") {
        showError((reply.fields && reply.fields.url) || reply.message);
        return;
      }
      showError("");
      if (reply.video) apply(reply.video, false);
    });
  }
  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      setSource({ mode: "url", url: form.elements.url.value.trim() });
    });
    form.querySelector("[data-live-video-camera]").addEventListener("click", startSending);
    form.querySelector("[data-live-video-stop]").addEventListener("click", function () { stopSending(true); });
    form.querySelector("[data-live-video-clear]").addEventListener("click", function () {
      if (localStream) stopSending(false);
      setSource({ mode: "none" });
    });
  }

  // -- the socket ------------------------------------------------------------------
  L.onWelcome(function (w) {
    if (w.you && w.you.conn) myConns[w.you.conn] = true;
    if (w.video) schedule(w.video, false);
  });
  L.on("video", function (ev, directed) { if (!directed) schedule(ev, true); });
  L.on("rtc.join", function (ev, directed) { if (directed) onJoin(ev); });
  L.on("rtc.offer", function (ev, directed) { if (directed) onOffer(ev); });
  L.on("rtc.answer", function (ev, directed) { if (directed) onAnswer(ev); });
  L.on("rtc.candidate", function (ev, directed) {
    if (!directed) return;
    if (localStream) {
      if (myConns[ev.to] && peers[ev.from]) addRemoteCandidates(peers[ev.from], ev.candidates);
    } else if (viewer && viewer.host === ev.from) {
      addRemoteCandidates(viewer, ev.candidates);
    }
  });
  L.on("rtc.leave", function (ev, directed) {
    if (!directed) return;
    if (localStream) { if (!ev.to || myConns[ev.to]) closePeer(ev.from, false); return; }
    if (!viewer && ev.reason !== "full") return;
    if (viewer && viewer.host !== ev.from) return;
    stopWatching(false);
    showWaiting(ev.reason === "full" ? T.full : T.waiting);
    var video = remoteVideo();
    if (video) video.srcObject = null;
    clearTimeout(joinTimer);
    joinDelay = 30000;
    joinTimer = setTimeout(join, ev.reason === "full" ? 30000 : 3000);
  });

  render(state);
  window.addEventListener("pagehide", function () {
    if (localStream) Object.keys(peers).forEach(function (conn) { closePeer(conn, true); });
    else stopWatching(true);
  });
})();
