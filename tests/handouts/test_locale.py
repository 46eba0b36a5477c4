"""The Spanish catalogue is complete and its compiled .mo is up to date."""

import gettext

from tests.handouts.helpers import LOCALE, read_po


def test_every_message_is_translated():
    missing = [msgid for msgid, strs in read_po().items() if not all(strs)]
    assert missing == []


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for msgid, strs in read_po().items():
        if len(strs) == 1:
            assert compiled.gettext(msgid) == strs[0], msgid
