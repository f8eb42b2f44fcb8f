"""The README's demo distributor and retailer are verified businesses as soon as `make run` seeds."""

import pytest

from accounts.roles import Role
from market import demo
from market.models import BusinessProfile
from market.pricing import wholesale_kind


@pytest.mark.django_db
def test_the_demo_distributor_and_retailer_are_verified_through_the_services_once(make_user, organizer_user):
    distributor = make_user("nhaphanphoi@demo.chodem.vn", roles=[Role.DISTRIBUTOR])
    retailer = make_user("nhabanle@demo.chodem.vn", roles=[Role.RETAILER])
    said = []
    demo._demo_businesses(organizer_user, said.append)
    demo._demo_businesses(organizer_user, said.append)  # seeding again changes nothing
    assert (wholesale_kind(distributor), wholesale_kind(retailer)) == ("distributor", "retailer")
    profile = BusinessProfile.objects.get(user=distributor)
    assert (profile.tax_code, profile.reviewed_by) == ("0109876543", organizer_user)
    assert BusinessProfile.objects.count() == 2 and len(said) == 4
