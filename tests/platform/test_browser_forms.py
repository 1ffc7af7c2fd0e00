"""Issue 14 points 11 and 12 in Chromium: following an error summary link puts the cursor in
the day of a date and on the first radio of a group; a list with more than one page and the
admin site pass axe-core (no serious or critical violation)."""

import pytest
from playwright.sync_api import expect

from somerset_safety.accounts.roles import Role
from tests.factories import UserFactory
from tests.reviews.factories import NotificationFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_error_summary_links_move_focus_to_date_and_radio_inputs(
    live_server, browser_page, sign_in, assert_accessible, officer
):
    page = browser_page
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/reviews/new/")
    page.get_by_label("Victim's full name").fill("Typed Name (synthetic)")
    page.locator("main form").get_by_role("button", name="Save notification").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary on load
    expect(summary).to_contain_text("Enter the date notified")
    expect(page.get_by_label("Victim's full name")).to_have_value("Typed Name (synthetic)")
    # The message is beside the field too.
    expect(page.locator("#div_id_notified_on .govuk-error-message")).to_contain_text(
        "Enter the date notified"
    )
    assert_accessible(page)

    summary.get_by_role("link", name="Enter the date notified").click()
    expect(page.locator("#id_notified_on_0")).to_be_focused()  # the day

    summary.get_by_role("link", name="Select the relationship").click()
    expect(page.locator("#id_relationship_1")).to_be_focused()  # the first radio

    # A date in the wrong order is linked from the summary and shown beside its field.
    page.locator("#id_notified_on_0").fill("31")
    page.locator("#id_notified_on_1").fill("1")
    page.locator("#id_notified_on_2").fill("2026")
    page.locator("#id_date_of_death_0").fill("2")
    page.locator("#id_date_of_death_1").fill("2")
    page.locator("#id_date_of_death_2").fill("2026")
    page.locator("main form").get_by_role("button", name="Save notification").click()
    message = "The date of death must be on or before the date notified"
    expect(page.locator("#div_id_date_of_death .govuk-error-message")).to_contain_text(message)
    page.locator(".govuk-error-summary").get_by_role("link", name=message).click()
    expect(page.locator("#id_date_of_death_0")).to_be_focused()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_list_of_several_pages_passes_axe(live_server, browser_page, sign_in, assert_accessible, officer):
    NotificationFactory.create_batch(30)
    page = browser_page
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/reviews/")
    expect(page.locator(".govuk-pagination")).to_contain_text("Page 1 of 2")
    assert_accessible(page)
    page.get_by_role("link", name="Next page").click()
    expect(page.locator(".govuk-pagination")).to_contain_text("Page 2 of 2")
    assert_accessible(page)


def _every_admin_page(superuser) -> list[str]:
    """Each registered admin page's list, its add page where records can be added there, and
    the change (or view) page of its first record where it has one (reference data loaded by
    the migrations, the test's users)."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import reverse

    request = RequestFactory().get("/admin/")
    request.user = superuser
    paths = []
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{name}_add"))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            paths.append(reverse(f"{name}_change", args=[first.pk]))
    return paths


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_site_passes_axe(
    live_server, browser_page, sign_in, assert_accessible, council_team, officer
):
    superuser = UserFactory(
        agency=council_team, roles=[Role.ADMIN], is_staff=True, is_superuser=True, full_name="Sam Admin"
    )
    page = browser_page
    sign_in(page, live_server.url, superuser)
    for path in ("/admin/", "/admin/accounts/", *_every_admin_page(superuser)):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#content")).to_be_visible()
        assert_accessible(page)
    page.goto(f"{live_server.url}/admin/accounts/user/add/")
    page.locator("#content form [type=submit]").first.click()
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_table_that_scrolls_sideways_can_be_scrolled_from_the_keyboard(
    live_server, browser_page, sign_in, assert_accessible, officer
):
    NotificationFactory.create_batch(3)
    page = browser_page
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/reviews/")
    box = page.locator(".app-table-scroll").first
    # On a wide screen the table fits: the box is not a tab stop.
    expect(box).not_to_have_attribute("tabindex", "0")
    assert_accessible(page)

    # On a phone-width screen it scrolls sideways: a focusable region named after its caption.
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("aria-label", "3 notifications (scrolls sideways)")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert box.evaluate("element => element.scrollLeft") > 0
    assert_accessible(page)
