"""Arabic first, in a real browser at a 1366 px laptop and a 390 px phone: the menu and the
search box in sight, names in the reader's script, search boxes laid out right to left, report
filters not cut, and the focus on the moved card after a move on the board."""

import re

import pytest

from tests.browser.conftest import screenshot, sign_in

LAPTOP, PHONE = (1366, 768), (390, 844)
ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture
def open_as(browser, live_server):
    contexts = []

    def open_as(email, size=LAPTOP, language=None):
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server, email)
        if language:
            page.locator(f".language-switcher button[value={language}]").click()
            page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_menu_and_the_search_box_are_in_sight_on_a_laptop(open_as, live_server, language):
    page = open_as("admin@demo.crm", LAPTOP, language)  # the longest menu
    assert page.locator("html").get_attribute("lang") == language
    assert not page.locator("button.navbar-toggler").is_visible()
    for href in ("/pipeline", "/projects", "/organizations", "/people"):
        assert page.locator(f"#main-nav a.nav-link[href='{href}']").is_visible(), href
    assert page.locator("#nav-search").is_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.locator("#main-nav .dropdown-toggle").click()
    assert page.locator("#main-nav .dropdown-menu a.dropdown-item").first.is_visible()
    screenshot(page, f"menu-1366-{language}")


def test_on_a_phone_the_menu_opens_from_its_button(open_as, live_server):
    page = open_as("officer@demo.crm", PHONE)  # Arabic
    toggler = page.locator("button.navbar-toggler")
    assert toggler.is_visible()
    toggler.click()
    page.locator("#main-nav.show").wait_for()
    assert page.locator("#nav-search").is_visible()
    screenshot(page, "menu-390-ar")


@pytest.mark.parametrize("size", [LAPTOP, PHONE])
def test_names_are_in_the_readers_script(open_as, live_server, size):
    page = open_as("innovator@demo.crm", size, "ar")
    greeting = page.locator("main h1").first.inner_text()
    assert "نادية العمراني" in greeting and "Nadia" not in greeting
    page = open_as("officer@demo.crm", size)  # Arabic
    page.goto(f"{live_server}/people")
    first = page.locator("main table tbody tr td a").first
    assert ARABIC.search(first.inner_text())
    first.click()
    page.wait_for_load_state()
    assert ARABIC.match(page.title())
    assert ARABIC.match(page.locator("main h1").inner_text())
    page.goto(f"{live_server}/people?sort=name")
    page.goto(f"{live_server}/search?q=Nadia")
    assert page.locator("main a[href^='/people/']").first.inner_text().startswith("Nadia")
    screenshot(page, f"search-latin-in-ar-{size[0]}")


def test_an_empty_search_box_reads_right_to_left_in_arabic(open_as, live_server):
    page = open_as("officer@demo.crm", LAPTOP)
    page.goto(f"{live_server}/people")
    box = page.locator("#filter-q")
    direction = "el => getComputedStyle(el).direction"
    assert box.evaluate(direction) == "rtl"
    box.fill("Nadia")
    assert box.evaluate(direction) == "ltr"
    box.fill("")
    assert box.evaluate(direction) == "rtl"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_report_filter_selects_show_their_whole_text(open_as, live_server, language):
    page = open_as("manager@demo.crm", LAPTOP, language)
    page.goto(f"{live_server}/reports/impact")
    cut = page.evaluate("""() => [...document.querySelectorAll('.report-filters select')]
      .filter(select => {
        const probe = document.createElement('span');
        probe.style.font = getComputedStyle(select).font;
        probe.style.position = 'absolute';
        probe.style.whiteSpace = 'nowrap';
        probe.textContent = select.options[select.selectedIndex].text;
        document.body.appendChild(probe);
        const needed = probe.getBoundingClientRect().width;
        probe.remove();
        return needed > select.clientWidth - 24;   // 24 px: the arrow and the padding
      }).map(select => select.id)""")
    assert cut == []


def test_after_a_move_on_the_board_the_focus_is_on_the_moved_card(open_as, live_server):
    page = open_as("officer@demo.crm", LAPTOP)  # Arabic
    page.goto(f"{live_server}/pipeline")
    card = page.locator("#board li.card").filter(has=page.locator("details")).first
    card_id = card.get_attribute("id")
    card.locator("summary").click()
    card.locator("select[name=to_stage]").select_option(index=0)
    card.locator("button[type=submit]").click()
    page.wait_for_function("() => document.querySelector('#board-status').textContent.trim()"
                           " && document.activeElement.matches('#board [data-focus]')")
    focused = page.evaluate("() => document.activeElement.id")
    assert focused == card_id or focused.startswith("stage-")
    assert page.url.endswith("/pipeline")

    # A refused move (an exit stage without its reason) keeps the user on the board, on the note.
    card = page.locator("#board li.card").filter(has=page.locator("details")).nth(1)
    card.locator("summary").click()
    card.locator("select[name=to_stage]").select_option("declined")
    card.locator("button[type=submit]").click()
    page.wait_for_function("() => document.activeElement && "
                           "document.activeElement.name === 'note'")
    assert page.url.endswith("/pipeline")
    assert page.locator("#board-status").inner_text().strip()
    screenshot(page, "board-refused-move-ar")


@pytest.mark.parametrize("language, size, arrow, stage", [
    ("ar", LAPTOP, "←", "تم التواصل"), ("fr", PHONE, "→", "Contacté")])
def test_the_history_reads_in_the_readers_language(open_as, live_server, language, size, arrow,
                                                   stage):
    page = open_as("manager@demo.crm", size, language)
    page.goto(f"{live_server}/projects?stage=accelerated")
    page.locator("main table tbody tr td a").first.click()
    page.wait_for_load_state()
    history = page.locator("section[aria-labelledby=history-title]")
    text = history.inner_text()
    assert arrow in text and stage in text
    for code in ("identified", "contacted", "assessed", "stage_id", "officer_id", "held_on"):
        assert code not in text, code
    history.scroll_into_view_if_needed()
    screenshot(page, f"history-{language}-{size[0]}")


@pytest.mark.parametrize("size", [LAPTOP, PHONE])
def test_names_are_latin_first_in_french(open_as, live_server, size):
    page = open_as("innovator@demo.crm", size)  # French
    assert "Nadia El Amrani" in page.locator("main h1").first.inner_text()
    page = open_as("officer2@demo.crm", size)  # French
    page.goto(f"{live_server}/organizations")
    first = page.locator("main table tbody tr td a").first
    assert not ARABIC.search(first.inner_text())
    first.click()
    page.wait_for_load_state()
    assert not ARABIC.match(page.title())
    assert ARABIC.search(page.locator("main").inner_text())  # the Arabic name beside it
