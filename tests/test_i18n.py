"""The interface texts live in one gettext catalog (locale/es_MX), compiled and committed.

The source texts are already Spanish, so every msgstr repeats its msgid. These tests check that the
catalog is complete and compiled, that Django really renders through it (with a throw-away
pseudo-translation, every catalogued text shows up marked) and that templates do not keep visible
texts outside the translation tags."""

import ast
import gettext
import re
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "es_MX" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def parse_po(path):
    """[(flags, {keyword: text})] of a .po file (standard library only); the header is the first."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        flags, fields, current = set(), {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                fields[current] += ast.literal_eval(line)
            else:
                current, _, literal = line.partition(" ")
                fields[current] = ast.literal_eval(literal)
        if fields:
            entries.append((flags, fields))
    return entries


def catalog_key(fields):
    """The key gettext looks up: «msgctxt\\x04msgid», with «\\0msgid_plural» for plural messages."""
    key = fields["msgid"]
    if "msgid_plural" in fields:
        key += "\0" + fields["msgid_plural"]
    if "msgctxt" in fields:
        key = fields["msgctxt"] + "\x04" + key
    return key


def catalog_value(fields, wrap=lambda text: text):
    if "msgid_plural" in fields:
        return "\0".join(wrap(fields[f"msgstr[{n}]"]) for n in range(2))
    return wrap(fields["msgstr"])


def write_mo(path, header, messages):
    """A GNU .mo file (the layout msgfmt writes) for {key: value}."""
    items = sorted({"": header, **messages}.items())
    keys = [key.encode() for key, _ in items]
    values = [value.encode() for _, value in items]
    offsets, position = [], 7 * 4 + 16 * len(items)  # strings follow the header and both tables
    for key in keys:
        offsets += [len(key), position]
        position += len(key) + 1
    for value in values:
        offsets += [len(value), position]
        position += len(value) + 1
    data = struct.pack("7I", 0x950412DE, 0, len(items), 7 * 4, 7 * 4 + 8 * len(items), 0, 0)
    data += struct.pack(f"{4 * len(items)}I", *offsets)
    data += b"".join(k + b"\0" for k in keys) + b"".join(v + b"\0" for v in values)
    path.write_bytes(data)


def test_catalog_is_complete_and_identical_to_the_spanish_sources():
    header, *entries = parse_po(PO)
    assert "fuzzy" not in header[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header[1]["msgstr"]
    assert "charset=UTF-8" in header[1]["msgstr"]
    assert len(entries) > 300
    for flags, fields in entries:
        assert "fuzzy" not in flags, fields["msgid"]
        if "msgid_plural" in fields:
            assert fields["msgstr[0]"] == fields["msgid"] and fields["msgstr[1]"] == fields["msgid_plural"], fields
        else:
            assert fields["msgstr"] and fields["msgstr"] == fields["msgid"], fields


class Missing(gettext.NullTranslations):
    def gettext(self, message):
        return "<falta>"

    def ngettext(self, singular, plural, n):
        return "<falta>"

    def pgettext(self, context, message):
        return "<falta>"


def test_the_committed_mo_is_compiled_from_the_po():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    compiled.add_fallback(Missing())
    assert compiled.info()["plural-forms"] == "nplurals=2; plural=(n != 1);"
    for _, fields in parse_po(PO)[1:]:
        if "msgid_plural" in fields:
            assert compiled.ngettext(fields["msgid"], fields["msgid_plural"], 1) == fields["msgstr[0]"]
            assert compiled.ngettext(fields["msgid"], fields["msgid_plural"], 2) == fields["msgstr[1]"]
            assert compiled.ngettext(fields["msgid"], fields["msgid_plural"], 0) == fields["msgstr[1]"]
        elif "msgctxt" in fields:
            assert compiled.pgettext(fields["msgctxt"], fields["msgid"]) == fields["msgstr"]
        else:
            assert compiled.gettext(fields["msgid"]) == fields["msgstr"], fields["msgid"]


def test_the_real_catalog_in_django():
    with translation.override("es-mx"):
        assert translation.get_language() == "es-mx"
        assert translation.gettext("Guardar cambios") == "Guardar cambios"
        assert translation.ngettext("%(count)s avance enviado", "%(count)s avances enviados", 1) % {
            "count": 1} == "1 avance enviado"
        assert translation.ngettext("%(count)s avance enviado", "%(count)s avances enviados", 3) % {
            "count": 3} == "3 avances enviados"


@pytest.fixture
def pseudo_catalog(tmp_path):
    """The catalog with every msgstr marked ⟦…⟧, installed as the only project catalog."""
    header, *entries = parse_po(PO)
    folder = tmp_path / "es_MX" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    write_mo(folder / "django.mo", header[1]["msgstr"],
             {catalog_key(fields): catalog_value(fields, lambda text: f"⟦{text}⟧") for _, fields in entries})
    with override_settings(LOCALE_PATHS=[str(tmp_path)]):  # entering and leaving reset Django's caches
        yield


def test_django_renders_through_the_catalog(pseudo_catalog, client):
    from reporting.capture import parse_number
    from reporting.models import Progress

    with translation.override("es-mx"):
        assert translation.gettext("Guardar cambios") == "⟦Guardar cambios⟧"
        assert translation.ngettext("%(count)s avance enviado", "%(count)s avances enviados", 1) == (
            "⟦%(count)s avance enviado⟧")
        assert translation.ngettext("%(count)s avance enviado", "%(count)s avances enviados", 2) == (
            "⟦%(count)s avances enviados⟧")
        assert str(Progress._meta.get_field("cause").verbose_name) == "⟦causa⟧"
        with pytest.raises(ValueError, match="⟦⟦Valor⟧: «x» no es un número"):
            parse_number("x", translation.gettext_lazy("Valor"))
    html = client.get(reverse("login")).content.decode()
    for text in ("Entrar a SIMIR", "Usuario", "Contraseña", "Entrar"):
        assert f"⟦{text}⟧" in html
    assert "<title>⟦Entrar⟧ · SIMIR</title>" in html


# Words that may stay outside the catalog: names and format labels.
NOT_TEXT = {"SIMIR", "CSV", "XLSX"}
VISIBLE_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"')


def untranslated(source):
    """Visible words of a template outside the translation tags (a heuristic, good enough here)."""
    problems = re.findall(r'\|default:"([^"]*[A-Za-zÁÉÍÓÚáéíóúñ]{2,}[^"]*)"', source)
    source = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", " ", source, flags=re.S)
    source = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    problems += [value for value in VISIBLE_ATTRIBUTE.findall(source) if re.search(r"[A-Za-z]{2,}", value)]
    source = re.sub(r"<!--.*?-->|<[^>]*>", " ", source, flags=re.S)
    problems += [word for word in re.findall(r"[A-Za-zÁÉÍÓÚÑáéíóúñü]{2,}", source) if word not in NOT_TEXT]
    return problems


def test_templates_keep_no_visible_text_outside_the_catalog():
    templates = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})
    assert len(templates) > 20
    found = {str(p.relative_to(TEMPLATES)): untranslated(p.read_text(encoding="utf-8")) for p in templates}
    assert {name: words for name, words in found.items() if words} == {}
    for path in templates:
        text = path.read_text(encoding="utf-8")
        if re.search(r"{%\s*(?:translate|blocktranslate)\b", text):
            assert re.search(r"{%\s*load\b[^%]*\bi18n\b", text), f"{path.name} no carga i18n"


def test_the_heuristic_sees_untranslated_text():
    assert untranslated('<p>Hola {{ name|default:"Nadie" }}</p><a aria-label="Cerrar">x</a>') == [
        "Nadie", "Cerrar", "Hola"]
    assert untranslated('<p>{% translate "Hola" %} {% blocktranslate %}a {{ b }}{% endblocktranslate %}</p>') == []
