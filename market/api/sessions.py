"""Weekly market API: sessions."""

urlpatterns: list = []
