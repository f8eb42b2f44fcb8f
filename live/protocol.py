"""The room protocol: inbound message schemas, error codes, close codes.

Every frame is a JSON object with ``v`` (protocol version) and ``type``. Inbound frames
are validated here with pydantic (a discriminated union on ``type``); anything else is
answered with an ``error`` frame, never an exception. ``docs/live-protocol.md`` is the
human-readable twin of this module: change both together.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from live import extensions

VERSION = 1
CHAT_MAX_BYTES = 4096
REACTION_KINDS = ("heart", "like", "haha", "wow", "fire")


class CloseCode:
    """WebSocket close codes the server uses (4000–4999 are application codes)."""

    # (Servers may only send 1000 or 3000-4999, so 1012/1013 are mirrored as 4012/4013.)
    SERVICE_RESTART = 4012  # reserved (until 7 Dec 2026: the process lost its channel layer): reconnect and resume
    TRY_AGAIN_LATER = 4013  # the channel layer is unavailable right now: back off and retry
    AUTH_REQUIRED = 4401  # the show is for invited guests: log in first
    FORBIDDEN = 4403  # banned from the room, or not invited
    NOT_FOUND = 4404  # no such room
    TOO_FAR_BEHIND = 4408  # the client could not keep up: reconnect with ?after=<last seq>
    TOO_MANY_CONNECTIONS = 4409  # per-user or per-address connection cap reached
    MESSAGE_TOO_LARGE = 4413  # repeated oversized frames
    RATE_LIMITED = 4429  # kept flooding after being told


class ErrorCode:
    BAD_JSON = "bad_json"
    BAD_MESSAGE = "bad_message"
    UNKNOWN_TYPE = "unknown_type"
    UNSUPPORTED_VERSION = "unsupported_version"
    TOO_LARGE = "too_large"
    AUTH_REQUIRED = "auth_required"
    FORBIDDEN = "forbidden"
    MUTED = "muted"
    SLOW_MODE = "slow_mode"
    RATE_LIMITED = "rate_limited"
    BANNED_WORD = "banned_word"
    NOT_FOUND = "not_found"
    SHOW_ENDED = "show_ended"
    INVALID = "invalid"
    INTERNAL = "internal"


class Message(BaseModel):
    """Base of every inbound message (extensions subclass it too)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    v: Literal[1]
    ref: Annotated[str, Field(max_length=64)] | None = None


class ChatSend(Message):
    type: Literal["chat.send"]
    text: Annotated[str, Field(min_length=1)]


class Reaction(Message):
    type: Literal["reaction"]
    kind: Literal[REACTION_KINDS]  # type: ignore[valid-type]
    count: Annotated[int, Field(ge=1, le=50)] = 1


class ReportMessage(Message):
    type: Literal["report"]
    message_seq: Annotated[int, Field(ge=1)]
    reason: Annotated[str, Field(max_length=300)] = ""


class Ping(Message):
    type: Literal["ping"]


class ModDelete(Message):
    type: Literal["mod.delete"]
    message_seq: Annotated[int, Field(ge=1)]


class ModMute(Message):
    type: Literal["mod.mute"]
    user_id: Annotated[int, Field(ge=1)]
    minutes: Annotated[int, Field(ge=1, le=1440)] | None = None


class ModUnmute(Message):
    type: Literal["mod.unmute"]
    user_id: Annotated[int, Field(ge=1)]


class ModBan(Message):
    type: Literal["mod.ban"]
    user_id: Annotated[int, Field(ge=1)]
    reason: Annotated[str, Field(max_length=300)] = ""


class ModUnban(Message):
    type: Literal["mod.unban"]
    user_id: Annotated[int, Field(ge=1)]


class ModSlowMode(Message):
    type: Literal["mod.slow_mode"]
    seconds: Annotated[int, Field(ge=0, le=300)]


class ModPin(Message):
    type: Literal["mod.pin"]
    message_seq: Annotated[int, Field(ge=1)] | None


class ModReportResolve(Message):
    type: Literal["mod.report_resolve"]
    report_id: Annotated[int, Field(ge=1)]
    status: Literal["resolved", "dismissed"]


class ShowStart(Message):
    type: Literal["show.start"]


class ShowEnd(Message):
    type: Literal["show.end"]


Inbound = Annotated[
    ChatSend
    | Reaction
    | ReportMessage
    | Ping
    | ModDelete
    | ModMute
    | ModUnmute
    | ModBan
    | ModUnban
    | ModSlowMode
    | ModPin
    | ModReportResolve
    | ShowStart
    | ShowEnd,
    Field(discriminator="type"),
]
_INBOUND = TypeAdapter(Inbound)
INBOUND_TYPES = frozenset(
    m.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
    for m in (
        ChatSend,
        Reaction,
        ReportMessage,
        Ping,
        ModDelete,
        ModMute,
        ModUnmute,
        ModBan,
        ModUnban,
        ModSlowMode,
        ModPin,
        ModReportResolve,
        ShowStart,
        ShowEnd,
    )
)
ENGINE_TYPES = INBOUND_TYPES


class ProtocolError(Exception):
    def __init__(self, code: str, message: str, *, ref: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.ref = ref
        self.fields = fields or {}


def parse_inbound(raw: str) -> Message:
    """Parse one text frame into a message object or raise ``ProtocolError``."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(ErrorCode.BAD_JSON, _("Khung tin không phải JSON hợp lệ.")) from exc
    if not isinstance(data, dict):
        raise ProtocolError(ErrorCode.BAD_MESSAGE, _("Tin nhắn phải là một đối tượng JSON."))
    ref = data.get("ref") if isinstance(data.get("ref"), str) and len(data["ref"]) <= 64 else None
    if data.get("v") != VERSION:
        raise ProtocolError(ErrorCode.UNSUPPORTED_VERSION, _("Phiên bản giao thức không được hỗ trợ."), ref=ref)
    type_ = data.get("type")
    extension_schema = extensions.schema_for(type_) if isinstance(type_, str) and type_ not in INBOUND_TYPES else None
    if type_ not in INBOUND_TYPES and extension_schema is None:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, _("Loại tin nhắn không xác định."), ref=ref)
    try:
        if extension_schema is not None:
            return extension_schema.model_validate(data)
        return _INBOUND.validate_python(data)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for err in exc.errors(include_url=False, include_input=False):
            # The union's errors start with the ``type`` tag; an extension schema's do not.
            loc = ".".join(str(p) for p in err["loc"][0 if extension_schema is not None else 1 :]) or "_"
            fields.setdefault(loc, field_message(err))
        raise ProtocolError(ErrorCode.BAD_MESSAGE, _("Tin nhắn không đúng định dạng."), ref=ref, fields=fields) from exc


def field_message(err: dict) -> str:
    """One pydantic error as the user's language says it (pydantic's own text is English only).

    The page shows it under the field (e.g. the flash-sale form, which leaves checking to
    the server), so it names the rule, not the parser.
    """
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind == "missing":
        return _("Thiếu trường này.")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        return {
            "greater_than_equal": _("Phải từ %(limit)s trở lên."),
            "greater_than": _("Phải lớn hơn %(limit)s."),
            "less_than_equal": _("Tối đa là %(limit)s."),
            "less_than": _("Phải nhỏ hơn %(limit)s."),
        }[kind] % {"limit": limit}
    if kind in ("string_too_short", "too_short"):
        return _("Quá ngắn: ít nhất %(n)s.") % {"n": ctx.get("min_length")}
    if kind in ("string_too_long", "too_long"):
        return _("Quá dài: tối đa %(n)s.") % {"n": ctx.get("max_length")}
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Phải là một số nguyên.")
    if kind in ("string_type", "string_unicode"):
        return _("Phải là chữ hợp lệ.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Phải là true hoặc false.")
    if kind in ("list_type", "tuple_type"):
        return _("Phải là một danh sách.")
    if kind == "extra_forbidden":
        return _("Trường này không được gửi kèm.")
    return _("Giá trị không hợp lệ.")


def error_frame(code: str, message: str, *, ref: str | None = None, fields: dict | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {"v": VERSION, "type": "error", "code": code, "message": str(message)}
    if ref is not None:
        frame["ref"] = ref
    if fields:
        frame["fields"] = fields
    return frame
