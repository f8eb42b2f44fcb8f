"""Practice market pages: scenarios."""

urlpatterns: list = []
