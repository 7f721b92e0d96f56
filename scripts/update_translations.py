"""Extract every marked string (``_`` and ``N_``) from kiosk/ and printer/ into the catalogues.

Existing translations are kept; new strings arrive untranslated in every language of
``kiosk.i18n.LANGUAGES`` (English and Basa Jawa), and ``tests/test_translations.py`` fails
until someone translates them (``msgstr`` in ``assets/translations/<lang>/LC_MESSAGES/*.po``).
Run: ``.venv/bin/python scripts/update_translations.py``
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None}


# catalogue domain -> (folder, sub-folders left to other domains)
DOMAINS = {"kiosk": ("kiosk", ("ui",)), "ui": ("kiosk/ui", ()), "printer": ("printer", ())}


def extract(folder: str, skip: tuple[str, ...]) -> Catalog:
    catalog = Catalog(project="antrian-kiosk", charset="utf-8")
    if not (ROOT / folder).is_dir():
        return catalog
    method_map = [("**.py", "python"), ("**.kv", "python")]
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT / folder, method_map=method_map, keywords=KEYWORDS
    ):
        if filename.split("/", 1)[0] in skip:
            continue
        catalog.add(message, locations=[(f"{folder}/{filename}", lineno)])
    return catalog


def main() -> None:
    for domain, (folder, skip) in DOMAINS.items():
        update(domain, extract(folder, skip))


def update(domain: str, template: Catalog) -> None:
    if not len(template):
        return
    for language in (lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE):  # en, jv
        path = ROOT / "assets" / "translations" / language / "LC_MESSAGES" / f"{domain}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="antrian-kiosk", charset="utf-8")
        created = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date = created  # a re-run with no new strings leaves the file unchanged
        with path.open("wb") as handle:
            write_po(handle, catalog, omit_header=False, sort_output=True, width=100, ignore_obsolete=True)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} strings, {len(missing)} untranslated")


if __name__ == "__main__":
    main()
