"""Practice market pages: promotion."""

urlpatterns: list = []
