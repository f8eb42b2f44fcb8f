"""Weekly market API: dashboard."""

urlpatterns: list = []
