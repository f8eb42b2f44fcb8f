"""Trust pages: the buyer's review form, reviews on the vendor's and product's pages, the
buyer's record on the vendor's desk before confirming, the vendor's record, the organizers'
flag and block page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from market.models import BuyerFlag, Review
from market.reviews import review_create
from tests.market.trust_helpers import complete, place, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(stall, vendor_user, buyer_user):
    _vendor, products = stall
    return complete(place(buyer_user, products["B01"]), vendor_user=vendor_user, at=timezone.now() - timedelta(days=3))


def test_the_buyer_reviews_from_the_completed_order(client, completed, stall, buyer_user, make_user):
    _vendor, products = stall
    client.force_login(buyer_user)
    page = client.get(completed.get_absolute_url()).content.decode()
    url = f"/cho-dem/danh-gia/don/{completed.number}/"
    assert url in page and "Viết đánh giá" in page
    bad = client.post(url, {"product_id": products["B01"].pk, "stars": "9", "text": "Ngon"})
    assert bad.status_code == 400 and "từ 1 đến 5 sao" in bad.content.decode() and not Review.objects.exists()
    done = client.post(url, {"product_id": products["B01"].pk, "stars": "5", "text": "Bưởi ngọt lịm"}, follow=True)
    assert "Cảm ơn bạn! Đánh giá đã được đăng." in done.content.decode()
    assert Review.objects.get().stars == 5
    assert "Bạn đã đánh giá đơn hàng này" in client.get(completed.get_absolute_url()).content.decode()
    # Someone else cannot even open the form.
    client.force_login(make_user("khac@example.vn", roles=["consumer"]))
    assert client.get(url).status_code == 404


def test_an_order_not_completed_offers_no_review(client, stall, buyer_user):
    _vendor, products = stall
    order = place(buyer_user, products["B02"])
    client.force_login(buyer_user)
    assert "Viết đánh giá" not in client.get(order.get_absolute_url()).content.decode()
    page = client.get(f"/cho-dem/danh-gia/don/{order.number}/").content.decode()
    assert "Bạn đánh giá được khi đơn hàng đã hoàn thành" in page and "review-form" not in page
    refused = client.post(f"/cho-dem/danh-gia/don/{order.number}/", {"product_id": products["B02"].pk, "stars": "5"})
    assert refused.status_code == 409 and not Review.objects.exists()


def test_reviews_show_on_the_vendor_and_product_pages(client, completed, stall, buyer_user):
    vendor, products = stall
    review_create(
        order_number=completed.number, buyer=buyer_user, product_id=products["B01"].pk, stars=4, text="Múi mọng"
    )
    for url in (vendor.get_absolute_url(), products["B01"].get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Múi mọng" in page and "Phạm Q. B." in page and "4,0" in page and "Đã mua hàng" in page
    assert "Chưa có đánh giá nào" in client.get(products["B02"].get_absolute_url()).content.decode()


def test_the_desk_shows_the_buyers_record_before_confirming(
    client, completed, stall, buyer_user, vendor_user, organizer_user
):
    from market.flags import buyer_flag

    _vendor, products = stall
    refused = place(buyer_user, products["B02"])
    step(refused, "buyer_cancel", buyer_user, "buyer")
    waiting = place(buyer_user, products["B03"])
    buyer_flag(buyer_id=buyer_user.pk, actor=organizer_user, level="flagged", reason="Hay đổi địa chỉ")
    client.force_login(vendor_user)
    page = client.get("/don-hang/ban-hang/").content.decode()
    card = page[page.index(f'data-order="{waiting.number}"') :]
    card = card[: card.index("order-card__links")]
    assert 'data-testid="buyer-record"' in card
    for words in (
        "<strong>3</strong> đơn đã đặt",
        "<strong>1</strong> hoàn thành",
        "<strong>1</strong> tự hủy",
        "Hay đổi địa chỉ",
    ):
        assert words in card
    assert page.count('data-testid="buyer-record"') == 1  # only the order waiting for confirmation
    detail = client.get(waiting.get_absolute_url()).content.decode()
    assert 'data-testid="buyer-record"' in detail
    assert 'data-testid="buyer-record"' not in client.get(completed.get_absolute_url()).content.decode()


def test_the_vendors_record_page_reply_and_hide(client, completed, stall, buyer_user, vendor_user, organizer_user):
    vendor, products = stall
    review = review_create(
        order_number=completed.number, buyer=buyer_user, product_id=products["B01"].pk, stars=2, text="Giao chậm"
    )
    url = f"/cho-dem/uy-tin/chu-the/{vendor.slug}/"
    client.force_login(buyer_user)
    page = client.get(url).content.decode()
    assert "Xác nhận đơn đúng hạn" in page and "100%" in page and "reply-form" not in page and "hide-form" not in page
    assert client.post(f"/cho-dem/danh-gia/{review.pk}/an/", {"reason": "x"}).status_code == 403
    client.force_login(vendor_user)
    assert f"reply-form-{review.pk}" in client.get(url).content.decode()
    client.post(f"/cho-dem/danh-gia/{review.pk}/tra-loi/", {"reply": "Shop xin lỗi ạ"})
    assert "Shop xin lỗi ạ" in client.get(url).content.decode()
    client.force_login(organizer_user)
    client.post(f"/cho-dem/danh-gia/{review.pk}/an/", {"reason": "Thử ẩn"})
    assert "Đã ẩn bởi ban tổ chức" in client.get(url).content.decode()
    client.force_login(buyer_user)
    assert "Giao chậm" not in client.get(url).content.decode()


def test_organizers_block_a_buyer_from_their_page(client, completed, buyer_user, vendor_user, organizer_user):
    client.force_login(vendor_user)
    assert client.get("/cho-dem/uy-tin/nguoi-mua/").status_code == 403
    assert (
        client.post(f"/cho-dem/uy-tin/nguoi-mua/{buyer_user.pk}/", {"level": "blocked", "reason": "x"}).status_code
        == 403
    )
    client.force_login(organizer_user)
    found = client.get("/cho-dem/uy-tin/nguoi-mua/", {"q": "nguoimua@example.vn"})
    assert found.status_code == 302 and found["Location"] == f"/cho-dem/uy-tin/nguoi-mua/{buyer_user.pk}/"
    bad = client.post(f"/cho-dem/uy-tin/nguoi-mua/{buyer_user.pk}/", {"level": "blocked", "reason": ""})
    assert bad.status_code == 400 and "Hãy ghi lý do." in bad.content.decode() and not BuyerFlag.objects.exists()
    client.post(f"/cho-dem/uy-tin/nguoi-mua/{buyer_user.pk}/", {"level": "blocked", "reason": "Bom hàng 3 lần"})
    assert BuyerFlag.objects.get().level == "blocked"
    listing = client.get("/cho-dem/uy-tin/nguoi-mua/").content.decode()
    assert "Bom hàng 3 lần" in listing and "Chặn mua" in listing
