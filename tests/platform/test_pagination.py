"""The one paginated-list helper: keyset pages give exactly the rows offset pages give, in the
same order, forwards and backwards, for every sort a list offers; links keep the filters; counts
stop at the cap."""

import datetime as dt
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory
from django.urls import reverse

from partnerships.models import Referral
from somerset_safety.core.pagination import capped_count, paginate
from tests.partnerships.factories import MaracAreaFactory, ReferralFactory

pytestmark = pytest.mark.django_db

# Ties on every sort key and blanks in the nullable ones, so every branch of the cursor is used.
DATES = [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)]


@pytest.fixture
def referrals(db):
    area, other = MaracAreaFactory(code="PAGEA"), MaracAreaFactory(code="PAGEB")
    made = []
    for n in range(23):
        heard = None if n % 3 == 0 else dt.date(2024, 4, 1) + dt.timedelta(days=n % 4)
        made.append(
            ReferralFactory(
                area=area if n % 5 else other,
                referral_date=DATES[n % 4],
                status="heard" if heard else "referred",
                heard_date=heard,
                dash_score=None if n % 4 == 1 else 14 + n % 3,
            )
        )
    return made


def python_order(rows, key: str, descending: bool):
    """The order worked out in Python: nulls last ascending, first descending; ties by id in the
    direction of the sort."""
    present = sorted((r for r in rows if getattr(r, key) is not None), key=lambda r: (getattr(r, key), r.pk))
    blank = sorted((r for r in rows if getattr(r, key) is None), key=lambda r: r.pk)
    if descending:
        return [r.pk for r in blank[::-1] + present[::-1]]
    return [r.pk for r in present + blank]


def walk(client, url: str, direction: str = "next") -> list[list[int]]:
    """Follow the page links from `url` to the end; the ids of each page."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append([r.pk for r in page])
        link = page.next_url if direction == "next" and page.has_next else None
        if direction == "previous" and page.has_previous:
            link = page.previous_url
        url = (reverse("partnerships:referral_list") + link) if link else None
    return pages


SORTS = [
    ("", "referral_date", True),
    ("referral_date", "referral_date", False),
    ("-heard_date", "heard_date", True),
    ("heard_date", "heard_date", False),
    ("-score", "dash_score", True),
    ("score", "dash_score", False),
]


@pytest.mark.parametrize(("sort", "key", "descending"), SORTS)
def test_keyset_pages_walk_the_same_rows_as_offset_pages(
    settings, as_user, coordinator, referrals, sort, key, descending
):
    settings.LIST_PAGE_SIZE = 4
    client = as_user(coordinator)
    url = reverse("partnerships:referral_list") + (f"?sort={sort}" if sort else "")
    forward = walk(client, url)
    expected = python_order(referrals, key, descending)
    assert [pk for page in forward for pk in page] == expected
    assert [len(p) for p in forward] == [4, 4, 4, 4, 4, 3]

    offset = RequestFactory()
    for number, page_ids in enumerate(forward, start=1):
        request = offset.get("/", {"page": number})
        request.user = coordinator
        queryset = Referral.objects.order_by(*[f"{'-' if descending else ''}{key}"])
        if key != "referral_date":  # offset pages in the same explicit null order
            from django.db.models import F

            field = F(key)
            queryset = Referral.objects.order_by(
                field.desc(nulls_first=True) if descending else field.asc(nulls_last=True)
            )
        assert [r.pk for r in paginate(request, queryset, size=4)] == page_ids

    # And back again from the last page with the Previous links.
    response = client.get(url)
    page = response.context["page"]
    while page.has_next:
        page = client.get(reverse("partnerships:referral_list") + page.next_url).context["page"]
    assert page.number == 6
    backward = walk(client, reverse("partnerships:referral_list") + page.previous_url, "previous")
    assert backward == forward[-2::-1]


def test_page_links_keep_filters_and_sort_and_number_the_pages(settings, as_user, coordinator, referrals):
    settings.LIST_PAGE_SIZE = 4
    area = referrals[1].area
    url = reverse("partnerships:referral_list") + f"?area={area.pk}&sort=score"
    response = as_user(coordinator).get(url)
    page = response.context["page"]
    # 23 referrals, every fifth in the other area: 18 here.
    assert page.count == 18 and page.count_display == "18" and page.num_pages == 5
    query = parse_qs(urlsplit(page.next_url).query)
    assert query["area"] == [str(area.pk)] and query["sort"] == ["score"] and query["page"] == ["2"]
    body = unescape(response.content.decode())
    assert "18 referrals" in body and "Page 1 of 5" in body and page.next_url in body
    second = as_user(coordinator).get(reverse("partnerships:referral_list") + page.next_url)
    assert "Page 2 of 5" in second.content.decode()
    assert {r.area_id for r in second.context["page"]} == {area.pk}


def test_counts_stop_at_the_cap(settings, as_user, coordinator, referrals):
    settings.LIST_PAGE_SIZE = 4
    settings.LIST_COUNT_CAP = 10
    response = as_user(coordinator).get(reverse("partnerships:referral_list"))
    page = response.context["page"]
    assert page.capped and page.count_display == "More than 10"
    body = response.content.decode()
    assert "More than 10 referrals" in body and "Page 1 of more than 3" in body
    assert capped_count(Referral.objects.all(), 30) == 23
    assert capped_count(Referral.objects.all(), 5) == 6


def test_an_altered_page_link_shows_the_first_page(settings, as_user, coordinator, referrals):
    settings.LIST_PAGE_SIZE = 4
    client = as_user(coordinator)
    first = [r.pk for r in client.get(reverse("partnerships:referral_list")).context["page"]]
    for token in ("not-base64!", "WzFd", "WyJub3QgYSBkYXRlIiwxXQ"):  # junk, [1], ["not a date",1]
        page = client.get(reverse("partnerships:referral_list") + f"?page=7&after={token}").context["page"]
        assert [r.pk for r in page] == first and page.number == 1


def test_keyset_on_datetimes_keeps_microseconds(settings, rf, referrals):
    """A datetime sort key must not lose its microseconds in the page link, or rows are skipped."""
    settings.LIST_PAGE_SIZE = 2
    base = dt.datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=dt.UTC)
    for n, referral in enumerate(referrals[:7]):
        Referral.objects.filter(pk=referral.pk).update(created_at=base + dt.timedelta(microseconds=n // 2))
    queryset = Referral.objects.filter(pk__in=[r.pk for r in referrals[:7]]).order_by("-created_at")
    seen, params = [], {}
    while True:
        page = paginate(rf.get("/", params), queryset, keyset=True)
        seen += [r.pk for r in page]
        if not page.has_next:
            break
        params = {k: v[0] for k, v in parse_qs(page.next_url[1:]).items()}
    # Later rows have later (or equal) times and ties go highest id first: newest id first.
    assert seen == sorted((r.pk for r in referrals[:7]), reverse=True)
