from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeMarketConfig(AppConfig):
    """How do graduates practise? Sandbox shows, scripted audiences, scores, promotion.

    Listens to ``learning.signals.course_passed`` / ``course_pass_revoked`` (learning never
    imports this app), owns the live rooms of ``owner_kind="practice"`` (their orders are
    sandbox orders), and announces promotion with ``practice_market.signals.vendor_promoted``.
    """

    name = "practice_market"
    verbose_name = _("Chợ thực hành")

    def ready(self):
        import practice_market.wagtail_hooks_promotion  # noqa: F401 - promotion criteria in the Wagtail admin
        from practice_market import receivers, room, scoring  # noqa: F401 - signals, the room owner, scoring at show end
        from practice_market.badges import connect as connect_badges

        connect_badges()  # a saved score awards the practice badges
