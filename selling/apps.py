from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SellingConfig(AppConfig):
    """Selling inside a live room: products on show, flash sales, chốt đơn, the order board.

    Plugs into ``live`` as a ``RoomExtension`` (``selling.room``); the host's confirmation
    places the order through ``orders``. ``live`` never imports this app.
    """

    name = "selling"
    verbose_name = _("Bán hàng trong phòng live")

    def ready(self):
        from selling import room  # noqa: F401 - registers the room extension
