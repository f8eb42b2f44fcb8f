"""Room extensions say which shows they take part in; a show nobody owns is an error."""

from datetime import timedelta

import pytest
from django.utils import timezone

from live import extensions, owners
from live.models import Show
from live.selectors import room_snapshot
from live.services import show_create


def _show(host, **kwargs):
    now = timezone.now()
    return show_create(
        title="Bưởi đỏ Đông Cao", host=host, scheduled_start=now, scheduled_end=now + timedelta(hours=1), **kwargs
    )


class _Stalls(extensions.RoomExtension):
    """A market-only extension with state of its own."""

    key = "stalls"

    def applies_to(self, show) -> bool:
        return show.owner_kind == "market"

    def room_state(self, *, room):
        return {"next": "Gian hàng HTX Đông Cao"}


@pytest.fixture
def stalls(monkeypatch):
    monkeypatch.setattr(extensions, "_EXTENSIONS", extensions.extensions())
    monkeypatch.setattr(extensions, "_HANDLERS", dict(extensions._HANDLERS))
    extension = _Stalls()
    extensions.register(extension)
    return extension


def test_an_extension_that_does_not_say_which_shows_it_applies_to_is_refused(monkeypatch):
    class Silent(extensions.RoomExtension):
        key = "silent"

    monkeypatch.setattr(extensions, "_EXTENSIONS", extensions.extensions())
    with pytest.raises(TypeError, match="applies_to"):
        extensions.register(Silent())
    assert not any(isinstance(ext, Silent) for ext in extensions.extensions())


def test_the_welcome_has_an_extensions_state_only_in_the_shows_it_applies_to(db, vendor_user, stalls):
    standalone = _show(vendor_user)
    market = _show(vendor_user, owner_kind="market")
    assert "stalls" not in room_snapshot(room=standalone.room)
    assert room_snapshot(room=market.room)["stalls"] == {"next": "Gian hàng HTX Đông Cao"}
    assert "selling" in room_snapshot(room=standalone.room)  # selling takes part in every show


def test_a_show_of_an_unregistered_owner_kind_fails_loudly_instead_of_selling_as_a_standalone_room(db, vendor_user):
    show = _show(vendor_user)
    Show.objects.filter(pk=show.pk).update(owner_kind="khong-ai-dang-ky")
    show = Show.objects.select_related("room").get(pk=show.pk)
    with pytest.raises(owners.UnknownOwnerKind):
        room_snapshot(room=show.room)
