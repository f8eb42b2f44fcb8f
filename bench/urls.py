"""The site's URLs plus the flash-sale buy endpoint of the live benchmark (``bench.flash_sale``)."""

from django.urls import path

from bench.flash_sale import flash_buy
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/flash-buy/<int:room_id>/", flash_buy), *site_urlpatterns]
