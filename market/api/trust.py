"""Weekly market API: trust."""

urlpatterns: list = []
