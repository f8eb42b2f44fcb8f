"""Practice market pages: scores."""

urlpatterns: list = []
