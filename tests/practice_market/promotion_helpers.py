"""Build a trainee's way into the weekly market for the promotion tests.

``scenarios()`` makes an easy and a hard published scenario; ``scored_show(trainee, scenario,
total)`` schedules a practice show through ``practice_market.shows`` and records its score
(the score's own computation has tests of its own); ``vendor_dossier_approved(trainee,
organizer)`` files and approves a vendor-wide document through the vendors' services;
``verify_product(product)`` marks a product verified as an approved dossier leaves it;
``make_eligible(...)`` does all of it plus an instructor's endorsement.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from practice_market.models import PracticeScore, Scenario
from practice_market.promotion import endorsement_add
from vendors import services as vendor_services
from vendors.models import DocumentKind, Product, ReviewAction


def scenarios():
    easy = Scenario.objects.create(title="Khách quen hỏi giá", difficulty=Scenario.Difficulty.EASY)
    hard = Scenario.objects.create(title="Giờ cao điểm có kẻ phá rối", difficulty=Scenario.Difficulty.HARD)
    return easy, hard


def scored_show(trainee, scenario, total: int, *, title: str = "Tập live bưởi đỏ", hours_ahead: int = 1):
    from practice_market.shows import practice_show_schedule

    start = timezone.now() + timedelta(hours=hours_ahead)
    practice = practice_show_schedule(
        trainee=trainee.user,
        title=title,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=1),
        product_ids=[trainee.products["B01"].pk],
    )
    practice.scenario = scenario
    practice.save(update_fields=["scenario"])
    return PracticeScore.objects.create(
        practice_show=practice, total=total, breakdown={"components": []}, computed_at=timezone.now()
    )


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Giay chung nhan nguon goc")
    return bytes(pdf.output())


def vendor_dossier_approved(trainee, organizer):
    document = vendor_services.document_upload(
        vendor=trainee.vendor,
        actor=trainee.user,
        kind=DocumentKind.ORIGIN,
        issued_on=timezone.localdate() - datetime.timedelta(days=30),
        upload=SimpleUploadedFile("nguon-goc.pdf", _pdf(), content_type="application/pdf"),
        number="NG-01",
    )
    return vendor_services.document_review(document=document, actor=organizer, action=ReviewAction.APPROVED)


def verify_product(product) -> None:
    Product.objects.filter(pk=product.pk).update(verified_at=timezone.now(), verified_until=None)


def make_eligible(trainee, *, instructor, organizer, scores=(78, 91)):
    """Every default criterion met: two shows ≥ 70 (the last on the hard scenario), a verified
    vendor and product, an endorsement."""
    easy, hard = scenarios()
    for n, total in enumerate(scores):
        scored_show(
            trainee, hard if n == len(scores) - 1 else easy, total, title=f"Buổi tập {n + 1}", hours_ahead=n + 1
        )
    vendor_dossier_approved(trainee, organizer)
    verify_product(trainee.products["B01"])
    endorsement_add(instructor=instructor, trainee_id=trainee.user.pk, note="Chốt đơn rõ ràng, xử lý troll tốt")
    return easy, hard
