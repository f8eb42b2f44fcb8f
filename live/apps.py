from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Phòng livestream")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from live import extensions, video
        from live.models import BannedWord
        from live.services import banned_words_invalidate

        # Video (stream URL or camera signalling) is an extension of the room like selling,
        # only owned by live itself.
        extensions.register(video.extension)

        def _invalidate(**kwargs):
            banned_words_invalidate()

        # Organizers edit the list in the admin: the next chat message sees the change
        # in this process at once, in other processes within seconds.
        post_save.connect(_invalidate, sender=BannedWord, dispatch_uid="live-banned-words-save", weak=False)
        post_delete.connect(_invalidate, sender=BannedWord, dispatch_uid="live-banned-words-delete", weak=False)
