"""The main menu: what each role finds there, in the reader's language."""

import re

from crm.auth.models import Role
from tests.factories import make_user


def _menu(client) -> dict[str, str]:
    """{address: label} of the main menu and the settings menu of the home page."""
    page = client.get("/").get_data(as_text=True)
    nav = page[page.index('<div class="collapse navbar-collapse"'):page.index("</nav>")]
    return {href: label.strip() for href, label in re.findall(
        r'class="(?:nav-link|dropdown-item)[^"]*"\s*(?:aria-current="page")?\s*'
        r'href="([^"]+)">([^<]+)</a>', nav)}


def test_each_role_finds_its_own_menu_in_its_own_language(log_in):
    admin = log_in(make_user(Role.ADMIN, language="en"))
    officer = log_in(make_user(Role.OFFICER, language="fr"))
    arabic_officer = log_in(make_user(Role.OFFICER, language="ar"))
    english_officer = log_in(make_user(Role.OFFICER, language="en"))
    for _twice in range(2):  # the second time, from what the first one kept
        admin_menu, officer_menu = _menu(admin), _menu(officer)
        assert admin_menu["/projects"] == "Projects"
        assert admin_menu["/admin/users"] == "Users"
        assert officer_menu["/projects"] == "Projets"
        assert "/admin/users" not in officer_menu and "/admin/privacy" not in officer_menu
        assert _menu(arabic_officer)["/projects"] == "المشاريع"
        assert set(_menu(arabic_officer)) == set(officer_menu) == set(_menu(english_officer))
        assert _menu(english_officer)["/projects"] == "Projects"
