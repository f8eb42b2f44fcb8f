from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Small cross-cutting helpers every app uses: Vietnamese text folding and money."""

    name = "core"
