"""Practice market API: shows."""

urlpatterns: list = []
