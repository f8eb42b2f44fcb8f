"""The one list of refusals a selling room message can answer with (``error.code``).

Every refusal of ``selling.services`` and ``selling.selectors`` is a ``SellingError``
member turned into an ``ApplicationError``: the socket sends its ``code`` (stable, clients
branch on it) and its message in the socket's language. Each code has its message here;
a call site may give a more precise one (which rule was broken, how many are left). The
codes are documented in ``docs/live-protocol.md`` (a test keeps the two lists equal)::

    raise SellingError.SOLD_OUT.error()
    raise SellingError.FORBIDDEN.error(_("Chỉ người dẫn mới ghim được sản phẩm."))
    raise SellingError.ALREADY_CLAIMED.error(name="An")

Another app's refusal that reaches a selling message (``orders.order_place`` behind the
host's confirm) is translated into this list where it is caught (``SellingError.of``).
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError


class SellingError(StrEnum):
    # anybody
    AUTH_REQUIRED = "auth_required"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    # flash sales
    SALE_NOT_OPEN = "sale_not_open"
    SALE_ENDED = "sale_ended"
    SOLD_OUT = "sold_out"
    CAP_REACHED = "cap_reached"
    PRICE_CHANGED = "price_changed"
    # intents: the buyer's card and the host's board
    NOT_PENDING = "not_pending"
    ALREADY_CLAIMED = "already_claimed"
    ALREADY_DECIDED = "already_decided"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    DELIVERY_MISSING = "delivery_missing"

    @property
    def message(self):
        """The code's own message (lazy; ``%(name)s`` placeholders are filled by ``error``)."""
        return _MESSAGES[self]

    @property
    def status(self) -> int:
        """The HTTP status the same refusal has outside the socket (the socket sends only the code)."""
        return _STATUS.get(self, 400)

    def error(self, message=None, *, fields: dict | None = None, **params) -> ApplicationError:
        """The ``ApplicationError`` to raise: ``message`` if given, else the code's own, filled with ``params``."""
        text = str(message if message is not None else self.message)
        if params:
            text = text % params
        return ApplicationError(text, code=self.value, status=self.status, fields=fields)

    @classmethod
    def of(cls, exc: ApplicationError) -> ApplicationError:
        """Another app's refusal in this list's terms: its code if the list has it, else ``invalid``; same message."""
        code = cls(exc.code) if exc.code in cls._value2member_map_ else cls.INVALID
        return ApplicationError(exc.message, code=code.value, status=code.status, fields=exc.fields)


_MESSAGES = {
    SellingError.AUTH_REQUIRED: _("Hãy đăng nhập để đặt hàng."),
    SellingError.FORBIDDEN: _("Bạn không có quyền thực hiện thao tác này."),
    SellingError.NOT_FOUND: _("Không tìm thấy."),
    SellingError.INVALID: _("Thao tác không hợp lệ."),
    SellingError.SALE_NOT_OPEN: _("Flash sale chưa mở, hãy chờ hết đếm ngược."),
    SellingError.SALE_ENDED: _("Flash sale đã kết thúc."),
    SellingError.SOLD_OUT: _("Rất tiếc, flash sale đã hết hàng."),
    SellingError.CAP_REACHED: _("Bạn đã mua đủ %(cap)s sản phẩm, mức tối đa mỗi người."),
    SellingError.PRICE_CHANGED: _("Giá đã thay đổi: giá flash sale là %(price)s."),
    SellingError.NOT_PENDING: _("Shop đã bắt đầu xử lý đơn này nên không sửa hay huỷ được nữa."),
    SellingError.ALREADY_CLAIMED: _("Đơn này đang do %(name)s xử lý."),
    SellingError.ALREADY_DECIDED: _("Đơn này đã kết thúc (%(status)s)."),
    SellingError.NOT_ENOUGH_STOCK: _("Mã %(code)s chỉ còn %(left)s sản phẩm."),
    SellingError.DELIVERY_MISSING: _(
        "Người mua chưa ghi đủ thông tin giao hàng (tên, điện thoại, địa chỉ): hãy nhắn người mua điền vào thẻ đơn."
    ),
}

_STATUS = {
    SellingError.AUTH_REQUIRED: 401,
    SellingError.FORBIDDEN: 403,
    SellingError.NOT_FOUND: 404,
    SellingError.SALE_NOT_OPEN: 409,
    SellingError.SALE_ENDED: 409,
    SellingError.SOLD_OUT: 409,
    SellingError.CAP_REACHED: 409,
    SellingError.PRICE_CHANGED: 409,
    SellingError.ALREADY_CLAIMED: 409,
    SellingError.ALREADY_DECIDED: 409,
    SellingError.NOT_ENOUGH_STOCK: 409,
}
