"""Private files: stored on disk like any upload, but with no URL at all.

Dossiers and assignment submissions must never be reachable on a public address.
Django's FileSystemStorage falls back to MEDIA_URL when it has no base URL, so a
careless ``{{ document.file.url }}`` would print a /media/ link; this storage refuses
instead, and the files are streamed only by views that check permissions.
"""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


def private_storage():
    """The ``private`` storage (a callable, so migrations do not freeze its location)."""
    from django.core.files.storage import storages

    return storages["private"]
