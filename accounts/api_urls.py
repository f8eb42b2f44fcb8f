from django.urls import path

from accounts.api import CurrentUserApi

urlpatterns = [path("me/", CurrentUserApi.as_view(), name="api-me")]
