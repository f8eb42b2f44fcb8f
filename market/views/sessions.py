"""Weekly market pages: sessions."""

urlpatterns: list = []
