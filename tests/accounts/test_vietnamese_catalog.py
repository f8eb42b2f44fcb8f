"""site/locale/vi translates every string of django-allauth's account flows.

allauth ships no Vietnamese, so a new allauth release can add English text to our
pages without anyone noticing. This test extracts the msgids of allauth's account
code and templates with Django's own makemessages (as a translator would) and
fails, listing them, when one is missing from our hand-curated catalog.
"""

import shutil
import subprocess
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.core.management import call_command

CATALOG = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po"
ALLAUTH = Path(allauth.__file__).parent
# What this site enables: allauth core and account (no social accounts, MFA, sessions, IdP).
SOURCES = ["account", "core", "templates/account", "templates/allauth"]


@pytest.fixture(scope="module")
def allauth_msgids(tmp_path_factory):
    work = tmp_path_factory.mktemp("allauth-strings")
    for source in SOURCES:
        shutil.copytree(ALLAUTH / source, work / source, ignore=shutil.ignore_patterns("tests", "__pycache__", "admin.py"))
    for module in ALLAUTH.glob("*.py"):
        shutil.copy(module, work)
    (work / "locale").mkdir()
    return work


def test_every_allauth_account_string_has_a_vietnamese_translation(allauth_msgids, settings, monkeypatch):
    settings.LOCALE_PATHS = []  # write the extraction into the temporary copy, never into site/locale
    monkeypatch.chdir(allauth_msgids)
    call_command("makemessages", locale=["vi"], verbosity=0)
    extracted = allauth_msgids / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    assert extracted.read_text().count("msgid ") > 150  # the extraction really found allauth's strings

    result = subprocess.run(["msgcmp", str(CATALOG), str(extracted)], capture_output=True, text=True, check=False)
    missing = [line for line in result.stderr.splitlines() if "not used" not in line]
    assert result.returncode == 0, "Untranslated allauth strings:\n" + "\n".join(missing)


@pytest.mark.parametrize("catalog", [CATALOG, CATALOG.with_name("djangojs.po")], ids=lambda path: path.name)
def test_catalog_compiles_cleanly_and_is_compiled(catalog):
    """msgfmt --check catches a broken %(placeholder)s; the committed .mo must match the .po."""
    result = subprocess.run(["msgfmt", "--check", "-o", "-", str(catalog)], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    assert catalog.with_suffix(".mo").read_bytes() == result.stdout, "run: manage.py compilemessages --ignore=.venv"
