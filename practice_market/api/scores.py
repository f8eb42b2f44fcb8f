"""Practice market API: scores."""

urlpatterns: list = []
