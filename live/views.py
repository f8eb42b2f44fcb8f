"""Pages of the live rooms: the list, the viewer page and the host console.

The pages only render the frame of the room; everything live happens over the
socket (``site/static/js/live/room.js``).
"""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from live import extensions, selectors, video
from live.models import Show
from live.owners import owner_for


def client_strings() -> dict:
    """Every string the room script shows, translated here so the script needs no catalog."""
    return {
        "connecting": _("Đang kết nối…"),
        "reconnecting": _("Mất kết nối, đang kết nối lại…"),
        "connected": _("Đã kết nối"),
        "chat_offline": _("Chưa gửi được: đang kết nối lại. Bình luận vẫn còn trong ô, hãy gửi khi đã kết nối."),
        "chat_unanswered": _(
            "Mất kết nối trước khi bình luận được nhận. Nếu nó không hiện trong khung bình luận, hãy gửi lại."
        ),
        "banned": _("Bạn đã bị cấm khỏi phòng này."),
        "not_found": _("Không tìm thấy phòng."),
        "login": _("Hãy đăng nhập để vào phòng này."),
        "too_many": _("Bạn đã mở quá nhiều kết nối. Hãy đóng bớt tab."),
        "muted": _("Bạn đang bị tắt tiếng."),
        "unmuted": _("Bạn đã được bật tiếng."),
        "deleted": _("Bình luận đã bị xoá"),
        "pinned": _("Đã ghim"),
        "delete": _("Xoá"),
        "mute": _("Tắt tiếng"),
        "ban": _("Cấm"),
        "pin": _("Ghim"),
        "unpin": _("Bỏ ghim"),
        "report": _("Báo cáo"),
        "reported": _("Đã gửi báo cáo, cảm ơn bạn."),
        "report_reason": _("Lý do báo cáo (không bắt buộc):"),
        "confirm_ban": _("Cấm người này khỏi phòng đến hết buổi?"),
        "resolve": _("Đã xử lý"),
        "dismiss": _("Bỏ qua"),
        "no_reports": _("Chưa có báo cáo nào."),
        "state_scheduled": _("Sắp diễn ra"),
        "state_live": _("Đang phát"),
        "state_ended": _("Đã kết thúc"),
        "confirm_end": _(
            "Kết thúc buổi phát? Người xem sẽ không bình luận hay mua được nữa, và không thể phát lại buổi này."
        ),
        "slow_mode": _("Chế độ chậm: %(s)s giây"),
        "slow_off": _("Chế độ chậm đã tắt"),
        "user_muted": _("%(name)s đã bị tắt tiếng"),
        "user_banned": _("%(name)s đã bị cấm khỏi phòng"),
        "older_omitted": _("Một số bình luận cũ hơn không được hiển thị."),
        "login_to_chat": _("Đăng nhập để bình luận và thả cảm xúc."),
        "host": _("Người dẫn"),
        "cohost": _("Đồng dẫn"),
        "moderator": _("Kiểm duyệt"),
    }


def show_list(request):
    """Live and upcoming shows first, then ended ones (with their analytics, replay and orders for those who ran them)."""
    shows = selectors.shows_visible(user=request.user)
    context = {
        "live_shows": [s for s in shows if s.state == Show.State.LIVE],
        "upcoming_shows": [s for s in shows if s.state == Show.State.SCHEDULED],
        "past_shows": selectors.shows_past(user=request.user),
    }
    return render(request, "live/show_list.html", context)


def _room_context(request, show: Show, *, console: bool = False) -> dict:
    participant = selectors.participant_for(user=request.user, show=show)
    parts = extensions.page_parts(request=request, show=show, participant=participant, console=console)
    return {
        "show": show,
        "room": show.room,
        "participant": participant,
        "strings": client_strings(),
        "room_parts": parts,
        "room_scripts": [s for part in parts for s in part.scripts],
        "room_styles": [s for part in parts for s in part.styles],
        "video": video.page_context(show=show, participant=participant),
        "ended": show.state == Show.State.ENDED,
    }


def _room_page(request, template: str, context: dict):
    """Render a room page whose CSP also lets the host's HLS/MP4 stream play (and switch live)."""
    response = render(request, template, context)
    response._csp_update = video.csp_additions()
    return response


def show_watch(request, show_id: int):
    """The viewer's room; once the show has ended, its summary and the chat as it was."""
    show = get_object_or_404(Show.objects.select_related("host", "room"), pk=show_id)
    if not owner_for(show).may_enter(request.user, show):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    context = _room_context(request, show)
    if context["ended"]:
        context["summary"] = selectors.show_summary(show=show)
        context["may_review"] = selectors.may_review(user=request.user, show=show)
    return _room_page(request, "live/show_watch.html", context)


@login_required
def show_console(request, show_id: int):
    show = get_object_or_404(Show.objects.select_related("host", "room"), pk=show_id)
    context = _room_context(request, show, console=True)
    if not context["participant"].may_moderate:
        raise PermissionDenied
    return _room_page(request, "live/show_console.html", context)
