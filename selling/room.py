"""The selling extension of a live room: wires this app's messages, state and page parts into ``live``.

The rooms of ``selling``: ``services`` (every write), ``selectors`` (reads), ``frames``
(every wire form), ``errors`` (the one list of refusals), ``messages`` (the room's
message schemas and handlers). This module only joins them for ``live`` and draws the
page parts; it is imported by ``SellingConfig.ready``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.money import format_vnd
from live import extensions
from live.owners import owner_for
from selling import frames, selectors
from selling.messages import intents as intent_messages
from selling.messages import offers as offer_messages
from selling.messages import sales as sale_messages
from selling.services import intents, offers, sales


def room_state(*, show_id: int) -> dict:
    """``welcome.selling``, after ending a sale whose time is up (or whose show ended): a sale
    whose end task was lost with its worker still ends for everybody who joins."""
    sales.sales_close_due(show_id=show_id)
    return selectors.room_state(show_id=show_id)


class SellingExtension(extensions.RoomExtension):
    key = "selling"
    snapshot_kinds = frames.SNAPSHOT_KINDS

    def applies_to(self, show) -> bool:
        """Every show sells: standalone, practice (sandbox orders) and market stalls. The show's
        owner says how (``owner_for(show).sandbox``), so a show whose ``owner_kind`` nobody
        registered is an error (``live.owners.UnknownOwnerKind``), never sold as a standalone one."""
        owner_for(show)
        return True

    def messages(self):
        return {**offer_messages.MESSAGES, **sale_messages.MESSAGES, **intent_messages.MESSAGES}

    def room_state(self, *, room):
        return room_state(show_id=room.show_id)

    def patch_state(self, *, state, frame):
        return frames.room_state_patch(state=state, frame=frame)

    def show_ended(self, *, show):
        offers.show_offers_give_back(show_id=show.pk)

    def chat_posted(self, *, room_id, actor, frame):
        intents.chat_posted(room_id=room_id, actor=actor, frame=frame)

    def page_part(self, *, request, show, participant, console):
        context = {
            "show": show,
            "participant": participant,
            "console": console,
            "offers": offers_page_context(show=show, participant=participant, console=console),
            "orders": orders_page_context(show=show, participant=participant, console=console),
        }
        return extensions.PagePart(
            template="selling/_room.html",
            context=context,
            scripts=("js/selling/offers.js", "js/selling/orders.js"),
            styles=("css/selling.css",),
        )


# ----------------------------------------------------------------------------- page parts


def offers_client_strings() -> dict:
    """Every string ``js/selling/offers.js`` shows, translated here (the script has no catalog)."""
    return {
        "stock_left": _("Còn %(n)s %(unit)s"),
        "out_of_stock": _("Hết hàng"),
        "stars": _("%(n)s sao OCOP"),
        "sale_counting": _("Flash sale mở sau %(t)s"),
        "sale_open": _("Flash sale đang mở, còn %(t)s"),
        "sale_sold": _("Đã bán %(sold)s/%(quantity)s · còn %(remaining)s"),
        "sale_cap": _("Tối đa %(n)s mỗi người"),
        "sale_ended": _("Flash sale đã kết thúc."),
        "sale_sold_out": _("Flash sale đã hết hàng."),
        "sale_cancelled": _("Người dẫn đã huỷ flash sale."),
        "buy": _("Mua ngay"),
        "buying": _("Đang mua…"),
        "bought": _("Đã đặt %(n)s sản phẩm. Người bán sẽ xác nhận đơn của bạn."),
        "pin": _("Ghim"),
        "unpin": _("Bỏ ghim"),
        "saved": _("Đã lưu danh sách sản phẩm."),
        "sale_started": _("Đã lên lịch flash sale."),
        "confirm_cancel": _("Huỷ flash sale này?"),
        "no_offers": _("Chưa có sản phẩm nào được chào bán."),
        "tier": _("từ %(n)s %(unit)s: %(price)s/%(unit)s"),
    }


def offers_page_context(*, show, participant, console: bool) -> dict:
    """What ``selling/_offers.html`` renders before the socket connects (the script takes over)."""
    state = room_state(show_id=show.pk)
    pinned = next((c for c in state["offers"] if c["id"] == state["pinned_offer_id"]), None)
    context = {
        "state": state,
        "pinned": pinned,
        "pinned_stars": "★" * pinned["stars"] if pinned else "",
        "strings": offers_client_strings(),
        "may_buy": participant.user_id is not None,
        "countdown_range": sales.COUNTDOWN_RANGE,
        "duration_range": sales.DURATION_RANGE,
        "products": [],
    }
    if console and participant.may_host:
        on_offer = {c["product_id"] for c in state["offers"]}
        context["products"] = [
            {
                "id": p.pk,
                "code": p.code,
                "name": p.name,
                "price": format_vnd(p.price),
                "stock": p.stock,
                "on_offer": p.pk in on_offer,
            }
            for p in selectors.products_offerable(show=show)
        ]
    return context


def orders_client_strings() -> dict:
    """Every string ``js/selling/orders.js`` shows, translated here so the script needs no catalog."""
    return {
        "my_orders": _("Đơn của tôi"),
        "quantity": _("Số lượng"),
        "name": _("Người nhận"),
        "phone": _("Điện thoại"),
        "address": _("Địa chỉ nhận hàng"),
        "note": _("Ghi chú cho shop"),
        "save": _("Lưu"),
        "saved": _("Đã lưu."),
        "cancel": _("Huỷ đơn"),
        "confirm_cancel": _("Huỷ đơn này?"),
        "claim": _("Nhận xử lý"),
        "release": _("Trả lại"),
        "confirm": _("Xác nhận"),
        "decline": _("Từ chối"),
        "decline_reason": _("Lý do từ chối (người mua sẽ thấy):"),
        "reason_required": _("Hãy ghi lý do từ chối."),
        "claimed_by": _("%(name)s đang xử lý"),
        "claimed_by_me": _("Bạn đang xử lý"),
        "total": _("Thành tiền"),
        "totals": _("Chờ: %(pending)s · Đang xử lý: %(claimed)s · Đã xác nhận: %(confirmed)s (%(revenue)s)"),
        "no_intents": _("Chưa có đơn nào."),
        "from_chat": _("Bình luận"),
        "from_sale": _("Flash sale"),
        "reason": _("Lý do: %(reason)s"),
        "status_pending": _("Chờ shop xác nhận"),
        "status_claimed": _("Shop đang xử lý"),
        "status_confirmed": _("Đã xác nhận"),
        "status_declined": _("Đã từ chối"),
        "status_cancelled": _("Đã huỷ"),
        "try_again": _("Chưa gửi được, hãy bấm lại."),
        "currency": _("₫"),
    }


def orders_page_context(*, show, participant, console: bool) -> dict:
    """What ``selling/_orders.html`` needs: which side to draw, the strings, the orders page link."""
    board = console and participant.may_host
    return {
        "board": board,
        "card": not console and participant.user_id is not None,
        "strings": orders_client_strings(),
        "list_url": reverse("selling:show_orders", kwargs={"show_id": show.pk}) if board else "",
    }


extensions.register(SellingExtension())
