"""The room socket: authenticate, check limits, validate, delegate. Nothing else.

Business rules live in ``live.services``; ordering, fan-out and resume live in
``live.hub``. Every inbound frame is answered (ack or error); none can crash the socket.
"""

from __future__ import annotations

import logging
import secrets
import time
from functools import partial
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.errors import ApplicationError
from core.http import scope_client_ip
from live import admission, extensions, gc_tuning, services
from live import hub as hubs
from live import protocol as p
from live.database import room_db
from live.limits import TokenBucket, address_frames, backoff, caps, extension_lane, live_setting, offenders
from live.wire import wire_for

logger = logging.getLogger(__name__)


class RoomConsumer(AsyncWebsocketConsumer):
    # No per-socket channel: the process's RoomHub holds the room's one channel.
    channel_layer_alias = "live:no-per-socket-channel"

    hub = None
    participant = None
    _capped = False
    _counted = False  # in gc_tuning's count of open sockets
    wire = None  # live.wire: frames straight onto the socket's transport

    async def dispatch(self, message):
        """Channels' dispatch without its ``aclose_old_connections`` before every message.

        Channels (4.2+) closes stale database connections before each handler, through
        its one sync thread: every inbound frame (a ping, a reaction, each of a flood's
        frames) became a thread hop, queued behind whatever database call held that thread
        (py-spy, flash sale at 3,000 viewers: 8 % of the event loop in creating those
        hops' futures). Every database call of this consumer runs through ``room_db``,
        which closes stale connections on its own thread around the call.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message):
        """Channels' ``websocket_disconnect`` without its ``aclose_old_connections`` (as ``dispatch``).

        A socket that leaves made one more hop to the sync thread: a crowd leaving at the
        end of a show, or a storm's sockets dropping, queued a hop each behind the room's
        database work (py-spy, the drill's connection storm, 7 Dec 2026). The room joins no
        Channels group (the hub does, once per process), so there is nothing to discard.
        """
        await self.disconnect(message["code"])
        raise StopConsumer()

    async def connect(self):
        gc_tuning.socket_opened()
        self._counted = True
        self.hub_state = hubs.HubState()
        self.conn_id = secrets.token_urlsafe(9)
        self.room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        self.lang = _language(self.scope)
        # The site's one rule for the client (TRUSTED_PROXY_COUNT from the right of X-Forwarded-For),
        # worked out once by live.security.ConnectionGuard.
        self.address = self.scope.get("live_client") or scope_client_ip(self.scope) or None
        self._send = _raw_send(self.base_send)
        self.wire = wire_for(self._send) if live_setting("DIRECT_WRITE") else None
        self.bucket = TokenBucket(live_setting("CONNECTION_BURST"), live_setting("CONNECTION_RATE"))
        self.violations, self.last_violation = 0, 0.0
        admitted = admission.admit_anonymous(self.room_id, self.scope)
        if admitted is None:
            admitted = await room_db(admission.admit)(self.room_id, self.scope)
        verdict, participant = admitted
        await self.accept()
        if verdict is not None:
            await self._refuse(*verdict)
            return
        self.participant = participant
        if not caps.acquire(user_id=participant.user_id, address=self.address):
            await self._refuse(
                p.CloseCode.TOO_MANY_CONNECTIONS, p.ErrorCode.RATE_LIMITED, _("Bạn đã mở quá nhiều kết nối.")
            )
            return
        self._capped = True
        try:
            self.hub = await hubs.hub_for(self.room_id)
        except Exception:
            logger.warning("live: cannot start hub for room %s", self.room_id, exc_info=True)
            await self.close(code=p.CloseCode.TRY_AGAIN_LATER)
            return
        await self.hub.attach(self, after=_after(self.scope))

    async def disconnect(self, code):
        if self.hub is not None:
            self.hub.detach(self)
        offenders.forget(self.address, self)
        if self._counted:
            self._counted = False
            gc_tuning.socket_closed()  # what daphne leaves of the socket waits for a full collection
        if self._capped:
            caps.release(user_id=self.participant.user_id, address=self.address)
            self._capped = False

    async def receive(self, text_data=None, bytes_data=None):
        if self.hub is None or self.hub_state.closing:
            return
        with translation.override(self.lang):
            if text_data is None:
                await self._violation(
                    p.ErrorCode.BAD_MESSAGE, gettext_lazy("Chỉ nhận khung văn bản JSON."), p.CloseCode.MESSAGE_TOO_LARGE
                )
                return
            if len(text_data) > live_setting("MAX_FRAME_BYTES") or len(text_data.encode("utf-8")) > live_setting(
                "MAX_FRAME_BYTES"
            ):
                await self._violation(
                    p.ErrorCode.TOO_LARGE, gettext_lazy("Khung tin quá lớn."), p.CloseCode.MESSAGE_TOO_LARGE
                )
                return
            # This socket's budget, then its address's (all its sockets), then the room's (this
            # process): a flood spread over many sockets is refused like one socket's. A refusal
            # by the room's budget is no sign of the address's own flooding, so it does not count
            # towards closing the address's sockets together.
            own = self.bucket.take() and address_frames.take(self.address)
            if not (own and self.hub.inbound.take()):
                await self._violation(
                    p.ErrorCode.RATE_LIMITED,
                    gettext_lazy("Bạn gửi nhanh quá, hãy chậm lại."),
                    p.CloseCode.RATE_LIMITED,
                    by_address=not own,
                )
                return
            try:
                message = p.parse_inbound(text_data)
            except p.ProtocolError as exc:
                await self.send_frame(p.error_frame(exc.code, exc.message, ref=exc.ref, fields=exc.fields))
                return
            try:
                await self._dispatch(message)
            except ApplicationError as exc:
                await self.send_frame(p.error_frame(exc.code, exc.message, ref=message.ref, fields=exc.fields))
            except Exception:
                logger.exception("live: %s failed in room %s", message.type, self.room_id)
                await self.send_frame(p.error_frame(p.ErrorCode.INTERNAL, _("Có lỗi, hãy thử lại."), ref=message.ref))

    async def _dispatch(self, m) -> None:
        actor, room_id = self.participant, self.room_id
        call = room_db
        handler = extensions.handler_for(m.type) if m.type not in p.ENGINE_TYPES else None
        if handler is not None:
            ctx = extensions.RoomContext(room_id=room_id, actor=actor, conn_id=self.conn_id, lang=self.lang)
            if extensions.is_async(handler):
                reply = await handler(ctx=ctx, message=m)
            else:
                reply = await extension_lane.run(call(_in_language(handler, self.lang)), ctx=ctx, message=m)
            await self.send_frame({"v": p.VERSION, "type": "ack", "ref": m.ref, **(reply or {})})
            return
        if m.type == "ping":
            await self.send_frame({"v": p.VERSION, "type": "pong", "ref": m.ref, "seq": self.hub.flushed_seq})
            return
        services.login_check(m.type, actor)  # here, on the event loop: no thread hop to be told to log in
        if m.type == "reaction":
            self.hub.react(m.kind, m.count)
            return
        if m.type == "report":
            report = await call(services.report_create)(
                room_id=room_id, actor=actor, message_seq=m.message_seq, reason=m.reason
            )
            await self.send_frame({"v": p.VERSION, "type": "ack", "ref": m.ref, "report_id": report.pk})
            return
        if m.type == "mod.report_resolve":
            await call(services.report_resolve)(room_id=room_id, actor=actor, report_id=m.report_id, status=m.status)
            await self.send_frame({"v": p.VERSION, "type": "ack", "ref": m.ref})
            return
        action = {
            "chat.send": partial(services.chat_post, text=getattr(m, "text", "")),
            "mod.delete": partial(services.chat_delete, message_seq=getattr(m, "message_seq", 0)),
            "mod.pin": partial(services.chat_pin, message_seq=getattr(m, "message_seq", None)),
            "mod.slow_mode": partial(services.room_slow_mode_set, seconds=getattr(m, "seconds", 0)),
            "mod.mute": partial(
                services.user_mute, user_id=getattr(m, "user_id", 0), minutes=getattr(m, "minutes", None)
            ),
            "mod.unmute": partial(services.user_unmute, user_id=getattr(m, "user_id", 0)),
            "mod.ban": partial(services.user_ban, user_id=getattr(m, "user_id", 0), reason=getattr(m, "reason", "")),
            "mod.unban": partial(services.user_unban, user_id=getattr(m, "user_id", 0)),
            "show.start": services.show_start,
            "show.end": services.show_end,
        }[m.type]
        frame = await call(action)(room_id=room_id, actor=actor)
        await self.send_frame({"v": p.VERSION, "type": "ack", "ref": m.ref, "seq": frame["seq"]})

    # -- the hub's side (live.hub.Subscriber) --------------------------------

    async def send_raw(self, text: str) -> None:
        """One frame to this socket; over the message cap, as ``part`` frames (``hubs.parts_under``)."""
        for piece in hubs.parts_under(text, live_setting("MAX_FRAME_BYTES")):
            if self.hub_state.closing:
                return
            if self.wire is not None and self.wire.write(hubs.ws_text_frame(piece)):
                continue
            await self._send({"type": "websocket.send", "text": piece})

    def write_now(self, wire: bytes) -> bool:
        """Write a tick's frame, already in WebSocket wire form, straight to this socket.

        False where that is not known to be safe (a server ``live.wire`` does not know, a
        message under way, compression, TLS ...): the hub then uses ``send_raw``.
        """
        if self.hub_state.closing:
            return True
        return self.wire is not None and self.wire.write(wire)

    async def send_frame(self, frame: dict) -> None:
        await self.send_raw(hubs.encode(frame))

    async def close_with(self, code: int) -> None:
        if self.hub_state.closing:
            return
        self.hub_state.closing = True
        if self.hub is not None:
            self.hub.detach(self)
        if self.wire is not None and self.wire.close_now():
            return  # a client that stopped reading: cut, never waited on (live.wire.UvicornWire)
        await self.close(code=code)

    def backlog_bytes(self) -> int:
        """Bytes waiting in the socket's write buffer; 0 where unknown."""
        return self.wire.backlog() if self.wire is not None else 0

    # -- helpers -------------------------------------------------------------

    async def _refuse(self, close_code: int, error_code: str, message: str) -> None:
        with translation.override(self.lang):
            await self.send(text_data=hubs.encode(p.error_frame(error_code, str(message))))
        await self.close(code=close_code)

    async def _violation(self, code: str, message, close_code: int, *, by_address: bool = True) -> None:
        """Tell the client; close it once it keeps on (``VIOLATIONS_BEFORE_CLOSE``).

        With it go the sockets of its address refused lately, and all of them go once the
        address's refusals reach ``ADDRESS_VIOLATIONS_BEFORE_CLOSE`` (``live.limits.Offenders``):
        a flood spread over many sockets ends at once, not at each socket's own count.
        ``message`` is lazy, so each of them is told in its own language; ``by_address`` False
        (refused by the room's budget, not its own or its address's) leaves the address's count alone.
        """
        now = time.monotonic()
        if now - self.last_violation > 10:
            self.violations = 0
        self.violations += 1
        self.last_violation = now
        address_flooding = by_address and offenders.note(self.address, self)
        if address_flooding or self.violations >= live_setting("VIOLATIONS_BEFORE_CLOSE"):
            backoff.penalize(self.address)  # no fresh socket from this address for a while
            flood = [self, *(conn for conn in offenders.take(self.address) if conn is not self)]
            for conn in flood:
                await conn._close_for_flooding(code, message, close_code)
            return
        if self.violations <= 3:
            await self.send_frame(p.error_frame(code, str(message)))

    async def _close_for_flooding(self, code: str, message, close_code: int) -> None:
        with translation.override(self.lang):
            await self.send_frame(p.error_frame(code, str(message)))
        await self.close_with(close_code)


def _in_language(handler, lang: str):
    """Run a handler in the socket's language (the database thread has its own)."""

    def run(**kwargs):
        with translation.override(lang):
            return handler(**kwargs)

    return run


def _after(scope) -> int | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin1")).get("after")
    if not values:
        return None
    try:
        after = int(values[0])
    except ValueError:
        return None
    return after if after >= 0 else None


def _language(scope) -> str:
    from django.conf import settings
    from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

    candidates = []
    cookie = (scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME)
    if cookie:
        candidates.append(cookie)
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            candidates += [lang for lang, _q in parse_accept_lang_header(value.decode("latin1")) if lang != "*"]
    for lang in candidates:
        try:
            return get_supported_language_variant(lang)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _raw_send(send):
    """Skip the session middleware's send wrapper: the hub writes thousands of frames a second."""
    wrapper = getattr(send, "__self__", None)
    real = getattr(wrapper, "real_send", None)
    return real or send
