"""Pages people used to reach only by typing the address are linked: the header's night-market
entry, each role's workspaces on the profile page, and the lobby's stall cart links."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.market.conftest import (  # noqa: F401 (fixtures)
    open_session,
    promoted_stall,
    published_session,
    second_stall,
    second_vendor_user,
)
from tests.practice_market.conftest import (  # noqa: F401 (fixtures)
    classmate,
    classmates,
    enrol,
    graduate,
    practice_courses,
    practice_run,
    practice_show,
    trainee,
)

pytestmark = pytest.mark.django_db

ORGANIZER_PAGES = [
    reverse("market:session_list"),
    reverse("market:dashboard"),
    reverse("practice_market:promotion_queue"),
    reverse("market:buy_business_review_list"),
    reverse("market:trust_buyers"),
]
INSTRUCTOR_PAGES = [reverse("practice_market:endorse_list")]
VENDOR_PAGES = [
    reverse("practice_market:home"),
    reverse("practice_market:promotion_mine"),
    reverse("market:my_slots"),
    reverse("market:buy_inquiries"),
]
BUSINESS_PAGES = [reverse("market:buy_business"), reverse("market:buy_inquiries")]
ALL_PAGES = set(ORGANIZER_PAGES + INSTRUCTOR_PAGES + VENDOR_PAGES + BUSINESS_PAGES)


def _workspace_hrefs(client, user) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('data-testid="workspaces"')
    section = html[start : html.index("</ul>", start)]
    return {href for href in ALL_PAGES if f'href="{href}"' in section}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ORGANIZER, ORGANIZER_PAGES),
        (Role.INSTRUCTOR, INSTRUCTOR_PAGES),
        (Role.VENDOR, VENDOR_PAGES),
        (Role.DISTRIBUTOR, BUSINESS_PAGES),
        (Role.RETAILER, BUSINESS_PAGES),
        (Role.CONSUMER, []),
    ],
)
def test_the_profile_links_each_role_to_its_own_workspaces(client, make_user, role, expected):
    user = make_user(f"{role}@example.vn", roles=[role])
    assert _workspace_hrefs(client, user) == set(expected)


def test_the_linked_workspaces_open_for_their_role(client, make_user):
    """The links lead somewhere the role may go, not to a refusal."""
    for role, pages in [(Role.ORGANIZER, ORGANIZER_PAGES), (Role.INSTRUCTOR, INSTRUCTOR_PAGES)]:
        client.force_login(make_user(f"open-{role}@example.vn", roles=[role]))
        for url in pages:
            assert client.get(url).status_code == 200, url


def test_the_header_menu_links_the_night_market_for_everyone(client, buyer_user):
    list_url = reverse("market:session_list")
    for login in (None, buyer_user):
        if login:
            client.force_login(login)
        html = client.get(reverse("accounts:profile") if login else reverse("account_login")).content.decode()
        menu = html[html.index('data-testid="header-menu"') :]
        assert f'href="{list_url}" data-testid="header-market"' in menu[: menu.index("</ul>")]


def test_the_lobby_links_each_stall_to_its_cart(client, request, buyer_user):
    published = request.getfixturevalue("published_session")
    session = published.session
    client.force_login(buyer_user)
    html = client.get(reverse("market:lobby", args=[session.pk])).content.decode()
    for st in published.stalls:
        cart = f"{reverse('market:buy_stall', args=[st.vendor.slug])}?phien={session.pk}"
        assert f'href="{cart}"' in html


def test_a_practice_show_links_its_score_report_once_it_has_ended(client, request):
    from live.models import Show

    practice = request.getfixturevalue("practice_show")
    detail = reverse("practice_market:show_detail", args=[practice.pk])
    report = f'href="{reverse("practice_market:score_report", args=[practice.pk])}"'
    client.force_login(practice.trainee)
    assert report not in client.get(detail).content.decode()
    Show.objects.filter(pk=practice.show_id).update(state=Show.State.ENDED)
    assert report in client.get(detail).content.decode()
    client.force_login(request.getfixturevalue("classmate"))  # an invited classmate may not read the report
    page = client.get(detail)
    assert page.status_code == 200
    assert report not in page.content.decode()
