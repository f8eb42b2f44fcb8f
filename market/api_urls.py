"""The weekly market in /api/v1/ (each area's api module lists its own paths)."""

from market.api import buying, dashboard, sessions, trust

urlpatterns = [*sessions.urlpatterns, *buying.urlpatterns, *trust.urlpatterns, *dashboard.urlpatterns]
