"""The PDF informe, laid out a programme at a time and joined: WeasyPrint's time and memory follow
the document it lays out, and one document for 1,000 programmes took 600 s and 7 GB. Page numbers
and the contents' page references are known only once every programme is laid out, so the
contents go in front at the end and the footers are laid over the joined pages."""

from io import BytesIO

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Footer pages laid out at a time: a few hundred empty pages are cheap, the whole informe's are not.
FOOTER_PAGES = 500


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
    starts, outlines = [], []
    for done, entry in enumerate(programs, start=1):
        part = laid_out("reports/informe_pdf_part.html", entry=entry)
        starts.append(len(writer.pages))
        outlines += _outline(part, part.outline, len(writer.pages))
        writer.append(part, import_outline=False)
        if on_progress:
            on_progress(done, len(programs))
    cover = _cover(laid_out, programs, starts)
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


def _cover(laid_out, programs, starts):
    """The title and contents, each programme with the page it starts on. Those numbers depend on
    the contents' own length, so it is laid out again until that length holds (once, in practice)."""
    length, cover = 1, None
    while cover is None or len(cover.pages) != length:
        length = len(cover.pages) if cover else length
        for entry, start in zip(programs, starts):
            entry["page"] = length + start + 1
        cover = laid_out("reports/informe_pdf_part.html")
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
