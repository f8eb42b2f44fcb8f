"""Weekly market API: buying."""

urlpatterns: list = []
