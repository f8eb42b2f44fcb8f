"""Promotion into the weekly market: the criteria met or not with their evidence, approve /
decline (a reason) / revoke (a reason), every decision audited, the signal after commit and
the market's seller, the badges and their verification, the pages and the API."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from config.errors import ApplicationError
from market.models import Seller
from notifications.models import Notification
from practice_market import promotion
from practice_market.models import Badge, Promotion, PromotionCriteria, PromotionEvent
from practice_market.signals import vendor_promoted, vendor_promotion_revoked
from tests.practice_market.promotion_helpers import make_eligible, scenarios, scored_show, verify_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(make_user):
    return make_user("btc.xet@example.vn", roles=[Role.ORGANIZER], full_name="Trần Thị Thu Hà", is_staff=True)


@pytest.fixture
def instructor(practice_courses):
    return practice_courses.instructor


@pytest.fixture
def eligible(trainee, instructor, organizer):
    make_eligible(trainee, instructor=instructor, organizer=organizer)
    return trainee


@pytest.fixture
def signals_heard():
    heard = []

    def _promoted(sender, promotion, **kwargs):
        heard.append(("promoted", promotion.pk))

    def _revoked(sender, promotion, **kwargs):
        heard.append(("revoked", promotion.pk))

    vendor_promoted.connect(_promoted, dispatch_uid="test-promoted")
    vendor_promotion_revoked.connect(_revoked, dispatch_uid="test-revoked")
    yield heard
    vendor_promoted.disconnect(dispatch_uid="test-promoted")
    vendor_promotion_revoked.disconnect(dispatch_uid="test-revoked")


def _criteria(item) -> dict:
    return {c.key: c for c in item.criteria}


# ----------------------------------------------------------------------------- rules


def test_a_new_graduate_sees_every_criterion_with_what_is_missing_and_cannot_be_promoted(trainee, organizer):
    item = promotion.eligibility_evaluate(user=trainee.user)
    by_key = _criteria(item)

    assert list(by_key) == ["graduated", "shows", "hardest", "vendor", "product", "endorsement"]
    assert by_key["graduated"].met and trainee.graduation.code in by_key["graduated"].evidence
    assert not by_key["shows"].met and by_key["shows"].evidence == "Chưa có buổi thực hành nào được chấm điểm"
    assert not by_key["vendor"].met and "chưa nộp giấy tờ chung" in by_key["vendor"].evidence
    assert not by_key["product"].met and by_key["product"].evidence == "Chưa có sản phẩm nào đã xác minh"
    assert not by_key["endorsement"].met
    assert not item.eligible

    with pytest.raises(ApplicationError) as refused:
        promotion.promotion_approve(actor=organizer, trainee_id=trainee.user.pk)
    assert refused.value.code == "criteria_unmet"
    assert "Ít nhất 2 buổi thực hành đạt từ 70 điểm" in refused.value.message
    assert "Được giảng viên đề cử" in refused.value.message
    assert not Promotion.objects.exists() and not PromotionEvent.objects.exists() and not Seller.objects.exists()


def test_scores_below_the_minimum_or_only_on_easy_scenarios_do_not_count(trainee, instructor, organizer):
    make_eligible(trainee, instructor=instructor, organizer=organizer, scores=(69, 95))
    by_key = _criteria(promotion.eligibility_evaluate(user=trainee.user))
    assert not by_key["shows"].met
    assert by_key["shows"].evidence == "1/2 buổi đạt (đã chấm 2 buổi, cao nhất 95 điểm)"
    assert by_key["hardest"].met  # the 95 was on the hard scenario

    # Two more passing shows, both easy: enough shows, still the hard one passed.
    easy = scored_show(trainee, None, 80, title="Buổi không kịch bản", hours_ahead=5)
    assert easy.total == 80
    by_key = _criteria(promotion.eligibility_evaluate(user=trainee.user))
    assert by_key["shows"].met and by_key["hardest"].met


def test_without_a_pass_on_the_hardest_scenario_the_rule_is_unmet_and_says_which_level(trainee, organizer):
    easy, _hard = scenarios()
    scored_show(trainee, easy, 88, hours_ahead=1)
    scored_show(trainee, easy, 90, hours_ahead=2)
    by_key = _criteria(promotion.eligibility_evaluate(user=trainee.user))
    assert by_key["shows"].met
    assert not by_key["hardest"].met
    assert by_key["hardest"].evidence == "Chưa có buổi nào đạt từ 70 điểm với kịch bản độ khó “Khó”"


def test_the_organizers_criteria_are_read_from_the_admin_row(trainee, organizer):
    easy, _hard = scenarios()
    scored_show(trainee, easy, 65)
    verify_product(trainee.products["B02"])
    PromotionCriteria.objects.create(
        min_shows=1, min_score=60, require_hardest=False, require_verified_vendor=False, require_endorsement=False
    )
    item = promotion.eligibility_evaluate(user=trainee.user)
    assert [c.key for c in item.criteria] == ["graduated", "shows", "product"]
    assert item.eligible
    assert _criteria(item)["product"].items == ["B02 · Mật ong hoa nhãn"]


def test_approving_an_eligible_trainee_audits_sends_the_signal_after_commit_and_admits_the_seller(
    eligible, organizer, signals_heard, django_capture_on_commit_callbacks
):
    item = promotion.eligibility_evaluate(user=eligible.user)
    assert item.eligible, [c.evidence for c in item.missing]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decided = promotion.promotion_approve(actor=organizer, trainee_id=eligible.user.pk, reason="Đủ tiêu chí")
    assert signals_heard == []  # nothing is announced before the commit
    for callback in callbacks:
        callback()

    assert signals_heard == [("promoted", decided.pk)]
    decided.refresh_from_db()
    assert (decided.state, decided.vendor, decided.decided_by, decided.reason) == (
        Promotion.State.APPROVED,
        eligible.vendor,
        organizer,
        "Đủ tiêu chí",
    )
    assert decided.evidence["eligible"] is True
    assert [c["key"] for c in decided.evidence["criteria"] if c["met"]] == [
        "graduated",
        "shows",
        "hardest",
        "vendor",
        "product",
        "endorsement",
    ]
    assert list(decided.events.values_list("action", "actor", "reason")) == [("approve", organizer.pk, "Đủ tiêu chí")]
    seller = Seller.objects.get(vendor=eligible.vendor)
    assert seller.promotion_id == decided.pk and seller.withdrawn_at is None
    badge = Badge.objects.get(user=eligible.user, kind=Badge.Kind.PROMOTED)
    assert badge.revoked_at is None
    note = Notification.objects.get(user=eligible.user, title__contains="lên Chợ Đêm Trên Mây")
    assert "HTX Bưởi đỏ Đông Cao" in note.body
    assert [m.to for m in mail.outbox if "lên Chợ Đêm Trên Mây" in m.subject] == [[eligible.user.email]]

    with pytest.raises(ApplicationError) as again:
        promotion.promotion_approve(actor=organizer, trainee_id=eligible.user.pk)
    assert again.value.code == "already_promoted"
    assert Promotion.objects.count() == 1 and PromotionEvent.objects.count() == 1


def test_decline_needs_a_reason_and_the_trainee_reads_it(eligible, organizer, django_capture_on_commit_callbacks):
    for blank in ("", "   "):
        with pytest.raises(ApplicationError) as refused:
            promotion.promotion_decline(actor=organizer, trainee_id=eligible.user.pk, reason=blank)
        assert refused.value.code == "reason_required" and refused.value.fields["reason"] == ["Hãy ghi lý do."]
    assert not Promotion.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        decided = promotion.promotion_decline(
            actor=organizer, trainee_id=eligible.user.pk, reason="Cần thêm một buổi với khách sỉ"
        )
    assert decided.state == Promotion.State.DECLINED
    assert list(decided.events.values_list("action", "reason")) == [("decline", "Cần thêm một buổi với khách sỉ")]
    assert Notification.objects.get(user=eligible.user, title="Chưa đồng ý lên chợ đêm").body.endswith(
        "Lý do: Cần thêm một buổi với khách sỉ"
    )
    assert not Seller.objects.exists()

    # Declined: out of the waiting list until new evidence arrives.
    queue = promotion.promotion_queue()
    assert [e.user for e in queue.declined] == [eligible.user] and queue.eligible == []
    assert queue.not_yet == []  # the organizer and the instructor, who never graduated, are nobody's candidates


def test_revoke_needs_a_reason_withdraws_the_seller_and_the_badge(
    eligible, organizer, signals_heard, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        decided = promotion.promotion_approve(actor=organizer, trainee_id=eligible.user.pk)
    with pytest.raises(ApplicationError) as refused:
        promotion.promotion_revoke(actor=organizer, promotion_id=decided.pk, reason="")
    assert refused.value.code == "reason_required"

    with django_capture_on_commit_callbacks(execute=True):
        promotion.promotion_revoke(actor=organizer, promotion_id=decided.pk, reason="Bán hàng chưa xác minh trên phiên")
    decided.refresh_from_db()
    assert decided.state == Promotion.State.REVOKED
    assert list(decided.events.values_list("action", flat=True)) == ["approve", "revoke"]
    assert signals_heard == [("promoted", decided.pk), ("revoked", decided.pk)]
    assert Seller.objects.get(vendor=eligible.vendor).withdrawn_at is not None
    badge = Badge.objects.get(user=eligible.user, kind=Badge.Kind.PROMOTED)
    assert badge.revoked_at is not None
    page = client.get(reverse("practice_market:badge_verify_code", kwargs={"code": badge.code}))
    assert f"Huy hiệu {badge.code} đã bị thu hồi" in page.content.decode()

    with pytest.raises(ApplicationError) as twice:
        promotion.promotion_revoke(actor=organizer, promotion_id=decided.pk, reason="Lần nữa")
    assert twice.value.code == "not_approved"
    assert decided.events.count() == 2


def test_only_organizers_decide_and_only_instructors_endorse_graduates(eligible, instructor, make_user):
    for actor in (eligible.user, instructor):
        with pytest.raises(ApplicationError) as refused:
            promotion.promotion_approve(actor=actor, trainee_id=eligible.user.pk)
        assert refused.value.status == 403
    with pytest.raises(ApplicationError) as refused:
        promotion.endorsement_add(instructor=eligible.user, trainee_id=eligible.user.pk)
    assert refused.value.status == 403
    stranger = make_user("chua.totnghiep@example.vn", roles=[Role.VENDOR])
    with pytest.raises(ApplicationError) as refused:
        promotion.endorsement_add(instructor=instructor, trainee_id=stranger.pk)
    assert refused.value.code == "not_graduate"
    assert not Promotion.objects.exists()


# ----------------------------------------------------------------------------- badges


def test_scores_award_the_practice_badges_and_the_vendor_profile_shows_them_verifiable(trainee, client):
    easy, hard = scenarios()
    scored_show(trainee, easy, 75)
    kinds = set(Badge.objects.filter(user=trainee.user).values_list("kind", flat=True))
    assert kinds == {Badge.Kind.GRADUATED, Badge.Kind.FIRST_PRACTICE}
    scored_show(trainee, hard, 92, hours_ahead=2)
    scored_show(trainee, hard, 96, hours_ahead=3)
    score_badge = Badge.objects.get(user=trainee.user, kind=Badge.Kind.SCORE_90)
    assert score_badge.evidence["score"] == 92  # the first score of 90 or more earned it
    assert Badge.objects.filter(user=trainee.user).count() == 3

    profile = client.get(trainee.vendor.get_absolute_url()).content.decode()
    for label in ("Tốt nghiệp khóa livestream", "Buổi live thực hành đầu tiên", "Đạt 90 điểm thực hành"):
        assert label in profile
    assert reverse("practice_market:badge_verify_code", kwargs={"code": score_badge.code}) in profile

    page = client.get(reverse("practice_market:badge_verify"), {"code": score_badge.code.lower()}, follow=True)
    text = page.content.decode()
    assert "Huy hiệu hợp lệ" in text and "Đạt 90 điểm thực hành" in text and trainee.user.get_full_name() in text
    unknown = client.get(reverse("practice_market:badge_verify_code", kwargs={"code": "HH-0000000000"}))
    assert "Không có huy hiệu nào với mã “HH-0000000000”." in unknown.content.decode()


# ----------------------------------------------------------------------------- pages and API


def test_the_queue_page_shows_the_evidence_and_approves(
    eligible, organizer, client, django_capture_on_commit_callbacks
):
    client.force_login(eligible.user)
    assert client.get(reverse("practice_market:promotion_queue")).status_code == 403

    client.force_login(organizer)
    page = client.get(reverse("practice_market:promotion_queue")).content.decode()
    assert 'data-testid="eligible-card"' in page and eligible.graduation.code in page
    assert "Buổi tập 2" in page and "91 điểm" in page and "Chốt đơn rõ ràng, xử lý troll tốt" in page

    # A decline without a reason changes nothing and says why.
    response = client.post(
        reverse("practice_market:promotion_decline", kwargs={"user_id": eligible.user.pk}), {"reason": ""}, follow=True
    )
    assert "Hãy ghi lý do." in response.content.decode() and not Promotion.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practice_market:promotion_approve", kwargs={"user_id": eligible.user.pk}),
            {"reason": ""},
            follow=True,
        )
    text = response.content.decode()
    assert "Đã duyệt Lê Thị Hồng Nhung (HTX Bưởi đỏ Đông Cao) lên chợ đêm." in text
    assert 'data-testid="promoted-card"' in text
    assert Seller.objects.filter(vendor=eligible.vendor, withdrawn_at__isnull=True).exists()

    client.force_login(eligible.user)
    mine = client.get(reverse("practice_market:promotion_mine")).content.decode()
    assert "HTX Bưởi đỏ Đông Cao đã được lên Chợ Đêm Trên Mây." in mine


def test_the_api_queue_decisions_endorsement_and_badge(
    trainee, instructor, organizer, client, django_capture_on_commit_callbacks
):
    client.force_login(trainee.user)
    assert client.get("/api/v1/practice/promotion/queue/").status_code == 403
    me = client.get("/api/v1/practice/promotion/me/").json()
    assert me["eligible"] is False and me["criteria"][0] == {
        "key": "graduated",
        "label": "Đã tốt nghiệp khóa học",
        "met": True,
        "evidence": me["criteria"][0]["evidence"],
        "items": [],
    }

    client.force_login(organizer)
    refused = client.post(
        f"/api/v1/practice/promotion/trainees/{trainee.user.pk}/approve/", {}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "criteria_unmet"

    make_eligible(trainee, instructor=instructor, organizer=organizer)
    queue = client.get("/api/v1/practice/promotion/queue/").json()
    assert [e["trainee"]["id"] for e in queue["eligible"]] == [trainee.user.pk]
    assert all(c["met"] for c in queue["eligible"][0]["criteria"])

    no_reason = client.post(
        f"/api/v1/practice/promotion/trainees/{trainee.user.pk}/decline/",
        {"reason": ""},
        content_type="application/json",
    )
    assert no_reason.status_code == 400 and no_reason.json()["error"]["fields"]["reason"] == ["Hãy ghi lý do."]

    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(
            f"/api/v1/practice/promotion/trainees/{trainee.user.pk}/approve/", {}, content_type="application/json"
        )
    assert approved.status_code == 201
    body = approved.json()
    assert body["state"] == "approved" and [e["action"] for e in body["events"]] == ["approve"]
    assert Seller.objects.filter(vendor=trainee.vendor).exists()

    revoke_url = f"/api/v1/practice/promotions/{body['id']}/revoke/"
    assert client.post(revoke_url, {}, content_type="application/json").status_code == 400
    revoked = client.post(revoke_url, {"reason": "Vi phạm nội quy phiên"}, content_type="application/json").json()
    assert revoked["state"] == "revoked" and [e["action"] for e in revoked["events"]] == ["approve", "revoke"]

    client.logout()
    badge = Badge.objects.get(user=trainee.user, kind=Badge.Kind.GRADUATED)
    public = client.get(f"/api/v1/practice/badges/{badge.code}/").json()
    assert public["kind"] == "graduated" and public["valid"] is True and public["holder"] == "Lê Thị Hồng Nhung"
    assert client.get("/api/v1/practice/badges/HH-KHONGCO/").status_code == 404


def test_instructors_endorse_from_their_page_and_the_api(trainee, instructor, client):
    client.force_login(instructor)
    page = client.get(reverse("practice_market:endorse_list")).content.decode()
    assert 'data-testid="endorse-card"' in page and "Lê Thị Hồng Nhung" in page
    response = client.post(
        reverse("practice_market:endorse", kwargs={"user_id": trainee.user.pk}), {"note": "Giọng tự tin"}, follow=True
    )
    assert "Đã đề cử Lê Thị Hồng Nhung lên chợ đêm." in response.content.decode()
    again = client.post(
        f"/api/v1/practice/promotion/trainees/{trainee.user.pk}/endorse/",
        {"note": "Xử lý troll tốt"},
        content_type="application/json",
    )
    assert again.status_code == 201 and again.json()["note"] == "Xử lý troll tốt"
    by_key = _criteria(promotion.eligibility_evaluate(user=trainee.user))
    assert by_key["endorsement"].met and by_key["endorsement"].items == ["Vũ Thị Lan: Xử lý troll tốt"]
    client.force_login(trainee.user)
    assert client.get(reverse("practice_market:endorse_list")).status_code == 403


def test_organizers_edit_the_criteria_in_the_wagtail_admin(organizer, instructor, client):
    client.force_login(organizer)
    admin_home = client.get("/admin/").content.decode()
    assert "/cho-thuc-hanh/xet-len-cho/" in admin_home and "/cho-thuc-hanh/de-cu/" not in admin_home
    listing = client.get("/admin/snippets/practice_market/promotioncriteria/")
    assert listing.status_code == 200
    created = client.post(
        "/admin/snippets/practice_market/promotioncriteria/add/",
        {"min_shows": 3, "min_score": 75, "require_hardest": "on", "require_endorsement": "on"},
    )
    assert created.status_code == 302
    criteria = promotion.criteria_current()
    assert (criteria.min_shows, criteria.min_score, criteria.require_verified_vendor) == (3, 75, False)
    # One row: no second "add", no delete.
    assert client.get("/admin/snippets/practice_market/promotioncriteria/add/").status_code in (302, 403)
    delete = f"/admin/snippets/practice_market/promotioncriteria/delete/{criteria.pk}/"
    assert client.post(delete).status_code in (302, 403) and PromotionCriteria.objects.count() == 1
    client.force_login(instructor)
    admin_home = client.get("/admin/").content.decode()
    assert "/cho-thuc-hanh/de-cu/" in admin_home and "/cho-thuc-hanh/xet-len-cho/" not in admin_home
    assert client.get(f"/admin/snippets/practice_market/promotioncriteria/edit/{criteria.pk}/").status_code in (
        302,
        403,
    )
