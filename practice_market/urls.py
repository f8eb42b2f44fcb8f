"""The practice market's pages under /cho-thuc-hanh/ (each area's views module lists its own paths)."""

from practice_market.views import promotion, scenarios, scores, shows

app_name = "practice_market"
urlpatterns = [*shows.urlpatterns, *scenarios.urlpatterns, *scores.urlpatterns, *promotion.urlpatterns]
