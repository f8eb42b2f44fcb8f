"""Practice market API: promotion."""

urlpatterns: list = []
