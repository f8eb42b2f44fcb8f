from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """What was bought, from whom, and where is it now?

    One placement service (``orders.services.order_place``), one table of allowed moves
    (``orders.lifecycle``), an append-only history the database itself guards, disputes,
    and the stock every channel reserves from. Knows nothing of rooms, markets or
    practice: a ``channel`` and a source reference say where an order came from.
    """

    name = "orders"
    verbose_name = _("Đơn hàng")

    def ready(self):
        from orders import history_guard

        history_guard.connect()
        from orders import tasks

        tasks.connect()  # the deadlines follow each change

        from orders import notifications

        notifications.connect()
