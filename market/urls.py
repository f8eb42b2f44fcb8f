"""The weekly night market's pages under /cho-dem/ (each area's views module lists its own paths)."""

from market.views import buying, dashboard, sessions, trust

app_name = "market"
urlpatterns = [*sessions.urlpatterns, *buying.urlpatterns, *trust.urlpatterns, *dashboard.urlpatterns]
