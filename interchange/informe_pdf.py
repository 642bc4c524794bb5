"""The PDF informe, laid out a few programmes at a time and joined: WeasyPrint's time and memory
follow the document it lays out, and one document for 1,000 programmes took 600 s and 7 GB. Within
a part the programmes follow one another on the page; a new page starts only between parts (and
before the annex). Each part goes to a file of its own; page numbers and the contents' page
references are known only once every programme is laid out, so the cover (with its summary and
contents) is laid out then, and the parts are joined object by object into the output with the
footers laid over (`pdf_join`): memory follows one part, not the informe."""

import gc
import tempfile
from io import BytesIO
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from interchange.pdf_join import StreamingPdf, page_link

# Footer pages laid out at a time: a few hundred empty pages are cheap, the whole informe's are not.
FOOTER_PAGES = 500
# Indicators laid out together: a few dozen pages, small for WeasyPrint, and few part boundaries.
PART_INDICATORS = 200
# Parts laid out between two collections: WeasyPrint's layout leaves reference cycles behind.
COLLECT_EVERY = 5


def write_informe_pdf(context, output, on_progress=None, entries=None):
    """Write the informe of `informe_context` into the binary file `output`; `on_progress(done,
    total)` after each part, with the programmes laid out so far. `entries`, when given, yields each
    programme's full entry as it is laid out, and `context["programs"]` need only name the programmes
    and their counts (the cover)."""
    # Imported here: WeasyPrint takes a noticeable moment to load, and only PDF exports need it.
    from pypdf import PdfReader, PdfWriter
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=finders.find("css/informe.css"))

    def lay_out(template, target, **extra):
        html = render_to_string(template, {**context, "pdf": True, **extra})
        HTML(string=html).write_pdf(target, stylesheets=[stylesheet])

    def laid_out(template, **extra):
        buffer = BytesIO()
        lay_out(template, buffer, **extra)
        return PdfReader(buffer)

    programs = context["programs"]
    with tempfile.TemporaryDirectory(prefix="informe-") as folder:
        parts, starts, outlines, total, done = [], [], [], 0, 0  # parts: (file, its first page)
        for number, part_entries in enumerate(_parts(entries if entries is not None else programs), start=1):
            path = Path(folder) / f"{number}.pdf"
            lay_out("reports/informe_pdf_part.html", path, part=part_entries)
            done += len(part_entries)
            del part_entries
            part = PdfReader(path)
            part_outline = _outline(part, part.outline, total)
            starts += [page for _title, page, _children in part_outline]  # one top bookmark per programme
            outlines += part_outline
            parts.append((path, total))
            total += len(part.pages)
            del part
            if number % COLLECT_EVERY == 0:
                gc.collect()
            if on_progress:
                on_progress(done, len(programs))
        annex_start = None
        if context.get("with_sources"):
            path = Path(folder) / "anexo.pdf"
            lay_out("reports/informe_pdf_part.html", path, annex=True)
            annex = PdfReader(path)
            annex_start = total
            outlines += _outline(annex, annex.outline, total)
            parts.append((path, total))
            total += len(annex.pages)
            del annex
        cover = _cover(laid_out, programs, starts, annex_start)
        front = len(cover.pages)
        footers = _Footers(laid_out, front + total)
        pdf = StreamingPdf(output, front + total)
        # The cover and each part pass through a writer of their own only to take their footers.
        for source, first in [(cover, 0), *((path, front + start) for path, start in parts)]:
            part = PdfWriter(clone_from=source)
            for offset, page in enumerate(part.pages):
                page.merge_page(footers.page(first + offset))
            pdf.add_pages(part.pages)
            del part
        # As WeasyPrint outlines one document: the title, and under it the contents and the programmes.
        title, page, contents = _outline(cover, cover.outline, 0)[0]
        pdf.finish([(title, page, contents + _shifted(outlines, front))], cover.metadata)


def _parts(entries):
    """The programmes in consecutive groups of about PART_INDICATORS indicators (a larger programme
    is a part by itself), read from `entries` one at a time."""
    part, size = [], 0
    for entry in entries:
        if part and size + len(entry["lines"]) > PART_INDICATORS:
            yield part
            part, size = [], 0
        part.append(entry)
        size += len(entry["lines"])
    if part:
        yield part


def _shifted(items, offset):
    """Bookmarks `[(title, page, children)]` with their pages moved by `offset`."""
    return [(title, page + offset, _shifted(children, offset)) for title, page, children in items]


def _cover(laid_out, programs, starts, annex_start):
    """The cover, the summary and the contents, each programme with the page it starts on and a link
    to it. Those numbers depend on the front's own length, so it is laid out again until that length
    holds (once, in practice)."""
    length, cover = 1, None
    while cover is None or len(cover.pages) != length:
        length = len(cover.pages) if cover else length
        for entry, start in zip(programs, starts):
            entry["page"] = length + start + 1
            entry["link"] = page_link(entry["page"])
        annex_page = None if annex_start is None else length + annex_start + 1
        cover = laid_out("reports/informe_pdf_part.html", annex_page=annex_page,
                         annex_link=annex_page and page_link(annex_page))
    return cover


class _Footers:
    """The «Página N de M» footer of each page, laid out FOOTER_PAGES at a time as the join asks for them."""

    def __init__(self, laid_out, total):
        self._laid_out, self._total = laid_out, total
        self._first, self._run = None, None

    def page(self, index):
        """The footer of page `index` (from 0)."""
        first = index - index % FOOTER_PAGES + 1
        if first != self._first:
            count = min(FOOTER_PAGES, self._total - first + 1)
            self._first = first
            self._run = self._laid_out("reports/informe_pdf_footer.html", first=first, pages=range(count),
                                       total=self._total)
        return self._run.pages[index + 1 - first]


def _outline(reader, items, offset):
    """[(title, page, children)] of a part's bookmarks, its pages counted from `offset`."""
    found = []
    for item in items:
        if isinstance(item, list):
            found[-1][2].extend(_outline(reader, item, offset))
        else:
            found.append((item.title, reader.get_destination_page_number(item) + offset, []))
    return found
