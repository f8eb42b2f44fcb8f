"""Weekly market pages: dashboard."""

urlpatterns: list = []
