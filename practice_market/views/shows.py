"""Practice market pages: shows."""

urlpatterns: list = []
