"""Practice shows: scheduling, classmates as buyers, and sandbox orders that stay out of every
real list, figure and stock (issue 12, parts 2 and 3)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from config.errors import ApplicationError
from live.models import Show
from live.owners import owner_for
from live.selectors import participant_for
from live.services import chat_post
from orders import supervision
from orders.models import Order
from practice_market.models import PracticeInvite, PracticeShow
from practice_market.selectors import history
from practice_market.shows import practice_show_invite, practice_show_schedule
from selling.models import DeliveryProfile, OrderIntent
from selling.services import intents
from tests.selling.helpers import go_live
from vendors import services as vendor_services
from vendors.districts import District
from vendors.models import OcopGroup, Product, VendorKind

HOME = "/cho-thuc-hanh/"


def _form(products, **extra):
    start = timezone.localtime() + timedelta(hours=2)
    data = {
        "title": "Tập live tối thứ Ba",
        "scheduled_start": start.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
        "product_ids": [p.pk for p in products],
    }
    data.update(extra)
    return data


def _stock(products):
    return {p.code: tuple(Product.objects.filter(pk=p.pk).values_list("stock", "stock_reserved").get()) for p in products}


# --------------------------------------------------------------------------- scheduling


def test_a_graduate_schedules_a_practice_show_with_their_own_unverified_products(client, trainee):
    b01, b02 = trainee.products["B01"], trainee.products["B02"]
    assert not b01.is_verified and not b02.is_verified
    before = _stock([b01, b02])
    client.force_login(trainee.user)
    response = client.post(HOME, _form([b01, b02]))
    practice = PracticeShow.objects.get(trainee=trainee.user)
    assert response.status_code == 302 and response["Location"] == f"/cho-thuc-hanh/buoi/{practice.pk}/"
    show = practice.show
    assert show.owner_kind == "practice" and owner_for(show).sandbox
    assert show.audience == Show.Audience.INVITED and show.room is not None
    assert practice.vendor == trainee.vendor and practice.run == trainee.run
    assert [(o.product.code, o.stock_left) for o in show.offers.order_by("position")] == [("B01", 300), ("B02", 40)]
    assert _stock([b01, b02]) == before  # a sandbox offer holds no real stock

    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="practice-badge"' in page and "Thực hành" in page
    assert "Bưởi đỏ Đông Cao" in page and "Mật ong hoa nhãn" in page
    home = client.get(HOME).content.decode()
    assert "Tập live tối thứ Ba" in home


def test_a_non_graduate_is_refused_and_nothing_is_made(client, classmate):
    client.force_login(classmate)
    vendor = vendor_services.vendor_create(
        user=classmate, legal_name="HTX Mật ong Ba Vì", kind=VendorKind.COOPERATIVE, registration_number="0109999999",
        district=District.BA_VI, commune="Tản Lĩnh", address="Xã Tản Lĩnh", phone="0912000111",
        email="matong@example.vn", representative="Trần Văn Bình",
    )
    honey = vendor_services.product_create(
        vendor=vendor, actor=classmate, name="Mật ong rừng", code="M01", group=OcopGroup.FOOD, stars=3,
        price=200_000, unit="chai", stock=10,
    )
    response = client.post(HOME, _form([honey]))
    assert response.status_code == 403
    assert "chỉ mở cho học viên đã tốt nghiệp" in response.content.decode()
    assert not Show.objects.filter(owner_kind="practice").exists()
    with pytest.raises(ApplicationError) as refused:
        practice_show_schedule(
            trainee=classmate, title="X", scheduled_start=timezone.now() + timedelta(hours=1), product_ids=[honey.pk]
        )
    assert refused.value.code == "practice_locked"


def test_another_vendors_product_is_refused(client, trainee, make_user):
    other_user = make_user("khac@example.vn", roles=[Role.VENDOR])
    other = vendor_services.vendor_create(
        user=other_user, legal_name="HTX Trà Thái", kind=VendorKind.COOPERATIVE, registration_number="0108888888",
        district=District.ME_LINH, commune="Tráng Việt", address="Thôn 2", phone="0912000222",
        email="tra@example.vn", representative="Lê Văn Chè",
    )
    tea = vendor_services.product_create(
        vendor=other, actor=other_user, name="Trà móc câu", code="T01", group=OcopGroup.FOOD, stars=4,
        price=150_000, unit="gói", stock=20,
    )
    client.force_login(trainee.user)
    response = client.post(HOME, _form([trainee.products["B01"], tea]))
    assert response.status_code == 403
    assert "Chỉ được chào bán sản phẩm của chủ thể mình" in response.content.decode()
    assert not PracticeShow.objects.exists() and not Show.objects.filter(owner_kind="practice").exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"product_ids": []}, "Hãy chọn ít nhất một sản phẩm"),
        ({"scheduled_start": "2020-01-01T20:00"}, "Giờ bắt đầu đã qua"),
        ({"title": "   "}, "Tên buổi live thực hành"),
    ],
)
def test_bad_input_is_refused_with_a_message(client, trainee, change, message):
    client.force_login(trainee.user)
    response = client.post(HOME, _form([trainee.products["B01"]], **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PracticeShow.objects.exists()


def test_a_revoked_graduate_can_no_longer_schedule(trainee, revoke):
    revoke(trainee.graduation)
    with pytest.raises(ApplicationError) as refused:
        practice_show_schedule(
            trainee=trainee.user,
            title="Tập live",
            scheduled_start=timezone.now() + timedelta(hours=1),
            product_ids=[trainee.products["B01"].pk],
        )
    assert "đã bị khoá lại" in refused.value.message


# --------------------------------------------------------------------------- classmates


def test_invited_classmates_enter_the_room_others_do_not(client, practice_show, classmates, outsider, trainee):
    invited, not_invited = classmates
    show = practice_show.show
    owner = owner_for(show)
    assert owner.may_enter(invited, show) and owner.may_enter(trainee.user, show)
    assert not owner.may_enter(not_invited, show) and not owner.may_enter(outsider, show)

    client.force_login(invited)
    home = client.get(HOME).content.decode()
    assert 'data-access="in_progress"' in home  # a classmate need not have graduated to buy
    assert "Tập live: bưởi đỏ và mật ong" in home
    room = client.get(f"/phong-live/{show.pk}/")
    assert room.status_code == 200
    assert 'data-testid="practice-room-banner"' in room.content.decode()

    client.force_login(outsider)
    assert client.get(f"/phong-live/{show.pk}/").status_code == 403
    assert client.get(f"/cho-thuc-hanh/buoi/{practice_show.pk}/").status_code == 404


def test_the_host_invites_only_classmates_of_their_run(client, practice_show, classmates, outsider, trainee):
    client.force_login(trainee.user)
    page = client.get(f"/cho-thuc-hanh/buoi/{practice_show.pk}/").content.decode()
    assert "Trần Văn Bình" in page and "Đỗ Thị Cúc" in page and "Hoàng Văn Dũng" not in page

    response = client.post(f"/cho-thuc-hanh/buoi/{practice_show.pk}/moi/", {"user_ids": [outsider.pk]})
    assert response.status_code == 400 and "Chỉ mời được bạn học cùng lớp" in response.content.decode()
    assert not PracticeInvite.objects.filter(user=outsider).exists()

    response = client.post(f"/cho-thuc-hanh/buoi/{practice_show.pk}/moi/", {"user_ids": [classmates[1].pk]})
    assert response.status_code == 302
    assert set(practice_show.invites.values_list("user_id", flat=True)) == {c.pk for c in classmates}

    response = client.post(f"/cho-thuc-hanh/buoi/{practice_show.pk}/bo-moi/{classmates[1].pk}/")
    assert response.status_code == 302
    assert not owner_for(practice_show.show).may_enter(classmates[1], practice_show.show)


def test_only_the_host_invites(practice_show, classmates):
    with pytest.raises(ApplicationError) as refused:
        practice_show_invite(practice_show=practice_show, actor=classmates[0], user_ids=[classmates[1].pk])
    assert refused.value.code == "not_host"
    assert not PracticeInvite.objects.filter(user=classmates[1]).exists()


# --------------------------------------------------------------------------- sandbox orders


@pytest.fixture
def practice_order(practice_show, classmate, trainee, django_capture_on_commit_callbacks):
    """The invited classmate writes "chốt B01 2" in the live practice room; the host accepts it."""
    show = practice_show.show
    go_live(show)
    show.refresh_from_db()
    DeliveryProfile.objects.create(user=classmate, name="Trần Văn Bình", phone="0912111222", address="12 Hàng Bạc")
    with django_capture_on_commit_callbacks(execute=True):
        chat_post(room_id=show.room.pk, actor=participant_for(user=classmate, show=show), text="chốt B01 2")
    intent = OrderIntent.objects.get(show=show, buyer=classmate)
    with django_capture_on_commit_callbacks(execute=True):
        intents.board_confirm(
            room_id=show.room.pk, actor=participant_for(user=trainee.user, show=show), intent_id=intent.pk, key="k-1"
        )
    return Order.objects.get(pk=OrderIntent.objects.get(pk=intent.pk).order_id)


def test_sandbox_orders_stay_out_of_real_lists_figures_and_stock(
    client, practice_show, practice_order, classmate, trainee, organizer_user
):
    b01 = trainee.products["B01"]
    order = practice_order
    assert order.sandbox and order.number.startswith("TH-") and order.total == 240_000
    assert tuple(Product.objects.filter(pk=b01.pk).values_list("stock", "stock_reserved").get()) == (300, 0)

    # the buyer's real order list and API
    client.force_login(classmate)
    assert order.number not in client.get("/don-hang/").content.decode()
    assert order.number not in client.get("/api/v1/orders/").content.decode()
    assert order.number in client.get("/api/v1/orders/?practice=true").content.decode()
    # the buyer sees it as practice: on the order's page and on the practice show's page
    detail = client.get(f"/don-hang/{order.number}/").content.decode()
    assert "Thực hành: đơn luyện tập, không phải đơn thật" in detail
    show_page = client.get(f"/cho-thuc-hanh/buoi/{practice_show.pk}/").content.decode()
    assert order.number in show_page and 'data-testid="practice-badge"' in show_page

    # the vendor's desk: not among the real orders, only under "Thực hành"
    client.force_login(trainee.user)
    assert order.number not in client.get("/don-hang/ban-hang/").content.decode()
    assert order.number in client.get("/don-hang/ban-hang/?tab=practice").content.decode()
    console = client.get(f"/phong-live/{practice_show.show.pk}/dieu-khien/").content.decode()
    assert 'data-testid="practice-room-banner"' in console

    # the organizers' console, its figures and the API
    client.force_login(organizer_user)
    assert order.number not in client.get("/don-hang/giam-sat/").content.decode()
    assert order.number not in client.get("/api/v1/orders/console/").content.decode()
    assert supervision.figures()["orders"] == 0
    assert not supervision.real_orders().filter(pk=order.pk).exists()


def test_history_shows_hosted_shows_and_shows_joined_as_buyer(client, practice_show, practice_order, classmate, trainee):
    (mine,) = history(user=trainee.user)
    assert (mine.role, mine.orders, mine.total) == ("host", 1, 240_000)
    (joined,) = history(user=classmate)
    assert (joined.role, joined.orders, joined.total, joined.practice_show) == ("buyer", 1, 240_000, practice_show)

    client.force_login(classmate)
    page = client.get(HOME).content.decode()
    assert 'data-role="buyer"' in page and "Tập live: bưởi đỏ và mật ong" in page
