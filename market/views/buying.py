"""Weekly market pages: buying."""

urlpatterns: list = []
