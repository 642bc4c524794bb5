"""The PDF informe, laid out a few programmes at a time and joined: WeasyPrint's time and memory
follow the document it lays out, and one document for 1,000 programmes took 600 s and 7 GB. Within
a part the programmes follow one another on the page; a new page starts only between parts (and
before the annex). Page numbers and the contents' page references are known only once every
programme is laid out, so the cover and contents go in front at the end and the footers are laid
over the joined pages."""

from io import BytesIO

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Footer pages laid out at a time: a few hundred empty pages are cheap, the whole informe's are not.
FOOTER_PAGES = 500
# Indicators laid out together: a few dozen pages, small for WeasyPrint, and few part boundaries.
PART_INDICATORS = 200


def write_informe_pdf(context, output, on_progress=None):
    """Write the informe of `informe_context` into the binary file `output`; `on_progress(done,
    total)` after each programme."""
    # Imported here: WeasyPrint takes a noticeable moment to load, and only PDF exports need it.
    from pypdf import PdfReader, PdfWriter
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=finders.find("css/informe.css"))

    def laid_out(template, **extra):
        html = render_to_string(template, {**context, "pdf": True, **extra})
        return PdfReader(BytesIO(HTML(string=html).write_pdf(stylesheets=[stylesheet])))

    writer = PdfWriter()
    programs = context["programs"]
    starts, outlines, done = [], [], 0
    for part_entries in _parts(programs):
        part = laid_out("reports/informe_pdf_part.html", part=part_entries)
        part_outline = _outline(part, part.outline, len(writer.pages))
        starts += [page for _title, page, _children in part_outline]  # one top bookmark per programme
        outlines += part_outline
        writer.append(part, import_outline=False)
        done += len(part_entries)
        if on_progress:
            on_progress(done, len(programs))
    annex_start = None
    if context.get("with_sources"):
        annex = laid_out("reports/informe_pdf_part.html", annex=True)
        annex_start = len(writer.pages)
        outlines += _outline(annex, annex.outline, annex_start)
        writer.append(annex, import_outline=False)
    cover = _cover(laid_out, programs, starts, annex_start)
    writer.merge(0, cover, import_outline=False)
    writer.add_metadata(cover.metadata)
    # As WeasyPrint outlines one document: the title, and under it the contents and the programmes.
    title, _page, contents = _outline(cover, cover.outline, 0)[0]
    root = writer.add_outline_item(title=title, page_number=0)
    _add_outline(writer, contents, 0, root)
    _add_outline(writer, outlines, len(cover.pages), root)
    _lay_footers(writer, lambda first, count: laid_out(
        "reports/informe_pdf_footer.html", first=first, pages=range(count), total=len(writer.pages)))
    # The parts repeat objects (the footers' fonts, for one): the joined file keeps one copy of each.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    writer.write(output)


def _parts(programs):
    """The programmes in consecutive groups of about PART_INDICATORS indicators (a larger programme
    is a part by itself)."""
    part, size = [], 0
    for entry in programs:
        if part and size + len(entry["lines"]) > PART_INDICATORS:
            yield part
            part, size = [], 0
        part.append(entry)
        size += len(entry["lines"])
    if part:
        yield part


def _cover(laid_out, programs, starts, annex_start):
    """The cover, the summary and the contents, each programme with the page it starts on. Those
    numbers depend on the front's own length, so it is laid out again until that length holds
    (once, in practice)."""
    length, cover = 1, None
    while cover is None or len(cover.pages) != length:
        length = len(cover.pages) if cover else length
        for entry, start in zip(programs, starts):
            entry["page"] = length + start + 1
        annex_page = None if annex_start is None else length + annex_start + 1
        cover = laid_out("reports/informe_pdf_part.html", annex_page=annex_page)
    return cover


def _outline(reader, items, offset):
    """[(title, page, children)] of a part's bookmarks, its pages counted from `offset`."""
    found = []
    for item in items:
        if isinstance(item, list):
            found[-1][2].extend(_outline(reader, item, offset))
        else:
            found.append((item.title, reader.get_destination_page_number(item) + offset, []))
    return found


def _add_outline(writer, items, offset, parent):
    for title, page, children in items:
        added = writer.add_outline_item(title=title, page_number=page + offset, parent=parent)
        _add_outline(writer, children, offset, added)


def _lay_footers(writer, footers):
    total = len(writer.pages)
    for first in range(1, total + 1, FOOTER_PAGES):
        overlay = footers(first, min(FOOTER_PAGES, total - first + 1))
        for offset, footer in enumerate(overlay.pages):
            page = writer.pages[first - 1 + offset]
            page.merge_page(footer)
            page.compress_content_streams()  # merging leaves the page's content uncompressed
