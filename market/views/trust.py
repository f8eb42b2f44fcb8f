"""Weekly market pages: trust."""

urlpatterns: list = []
