"""The practice market in /api/v1/ (each area's api module lists its own paths)."""

from practice_market.api import promotion, scenarios, scores, shows

urlpatterns = [*shows.urlpatterns, *scenarios.urlpatterns, *scores.urlpatterns, *promotion.urlpatterns]
