"""Practice market API: scenarios."""

urlpatterns: list = []
