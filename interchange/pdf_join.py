"""Joining laid-out PDF parts into one file object by object, straight to the output.

pypdf's PdfWriter keeps every page of the joined file in memory until it writes (1.0 GB for the
5,000 pages of the APF's informe). Here each part's objects are renumbered and written as soon as
they are read, and only a number per written object stays behind: the pages get the numbers
reserved for them up front, so the contents' links and the bookmarks can point to pages not yet
written. Objects the parts repeat (the footers' fonts, for one) are written once."""

import hashlib
from io import BytesIO

from pypdf.generic import (
    ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject, NullObject, NumberObject,
    StreamObject, TextStringObject,
)

CATALOG, PAGES, FIRST_PAGE = 1, 2, 3  # object numbers; page k (from 0) is FIRST_PAGE + k
LINK_SCHEME = "simir-informe:pagina/"  # a contents line's link, turned into a jump to that page


def page_link(page):
    """The href a template gives a line that must jump to `page` (counted from 1) of the joined file."""
    return f"{LINK_SCHEME}{page}"


class StreamingPdf:
    """A PDF of `page_count` pages written into the binary file `output` as parts are added."""

    def __init__(self, output, page_count):
        self._output, self._position = output, 0
        self._page_count = page_count
        self._offsets = {}
        self._next = FIRST_PAGE + page_count
        self._written = {}  # digest of an object's bytes -> its number, to write repeated objects once
        self._pages_added = 0
        self._emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def add_pages(self, pages):
        """Write the pages (of one pypdf reader or writer) next, with everything they refer to."""
        first = self._pages_added
        own = {(id(page.indirect_reference.pdf), page.indirect_reference.idnum): FIRST_PAGE + first + i
               for i, page in enumerate(pages)}
        copier = _Copier(self, own)
        for i, page in enumerate(pages):
            self._write(FIRST_PAGE + first + i, copier.page(page))
        self._pages_added += len(pages)

    def finish(self, outline, metadata):
        """Write the page tree, the bookmarks (`[(title, page from 0, children)]`), the document
        information and the cross-reference table."""
        if self._pages_added != self._page_count:
            raise ValueError(f"se reservaron {self._page_count} páginas y se escribieron {self._pages_added}")
        kids = ArrayObject(IndirectObject(FIRST_PAGE + k, 0, None) for k in range(self._page_count))
        self._write(PAGES, DictionaryObject({NameObject("/Type"): NameObject("/Pages"), NameObject("/Kids"): kids,
                                             NameObject("/Count"): NumberObject(self._page_count)}))
        catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog"),
                                    NameObject("/Pages"): IndirectObject(PAGES, 0, None)})
        if outline:
            catalog[NameObject("/Outlines")] = IndirectObject(self._outline(outline), 0, None)
            catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
        self._write(CATALOG, catalog)
        info = self._allocate()
        self._write(info, DictionaryObject({NameObject(key): TextStringObject(str(value))
                                            for key, value in (metadata or {}).items()}))
        xref = self._position
        lines = [f"xref\n0 {self._next}\n", "0000000000 65535 f \n"]
        lines += [f"{self._offsets[number]:010d} 00000 n \n" for number in range(1, self._next)]
        lines.append(f"trailer\n<< /Size {self._next} /Root {CATALOG} 0 R /Info {info} 0 R >>\n"
                     f"startxref\n{xref}\n%%EOF\n")
        self._emit("".join(lines).encode())

    def _outline(self, items):
        root = self._allocate()
        first, last = self._outline_items(items, root)
        self._write(root, DictionaryObject({NameObject("/Type"): NameObject("/Outlines"),
                                            NameObject("/First"): _ref(first), NameObject("/Last"): _ref(last),
                                            NameObject("/Count"): NumberObject(_count(items))}))
        return root

    def _outline_items(self, items, parent):
        numbers = [self._allocate() for _ in items]
        for i, (title, page, children) in enumerate(items):
            entry = DictionaryObject({
                NameObject("/Title"): TextStringObject(title), NameObject("/Parent"): _ref(parent),
                NameObject("/Dest"): ArrayObject([_ref(FIRST_PAGE + page), NameObject("/Fit")]),
            })
            if i:
                entry[NameObject("/Prev")] = _ref(numbers[i - 1])
            if i + 1 < len(numbers):
                entry[NameObject("/Next")] = _ref(numbers[i + 1])
            if children:
                first, last = self._outline_items(children, numbers[i])
                entry.update({NameObject("/First"): _ref(first), NameObject("/Last"): _ref(last),
                              NameObject("/Count"): NumberObject(_count(children))})
            self._write(numbers[i], entry)
        return numbers[0], numbers[-1]

    def _allocate(self):
        self._next += 1
        return self._next - 1

    def _store(self, obj):
        """The number of a (renumbered) object that is not a page: a repeated one keeps its first number."""
        data = _serialized(obj)
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if digest not in self._written:
            self._written[digest] = number = self._allocate()
            self._emit_object(number, data)
        return self._written[digest]

    def _write(self, number, obj):
        self._emit_object(number, _serialized(obj))

    def _emit_object(self, number, data):
        self._offsets[number] = self._position
        self._emit(b"%d 0 obj\n%s\nendobj\n" % (number, data))

    def _emit(self, data):
        self._output.write(data)
        self._position += len(data)


class _Copier:
    """Copies the objects of one part with the numbers of the joined file (depth first, so that an
    object's references are numbered before it is written and compared)."""

    def __init__(self, pdf, pages):
        self.pdf, self.pages = pdf, pages
        self.done, self.reserved = {}, {}

    def page(self, page):
        copied = DictionaryObject()
        for key, value in page.items():
            if key != "/Parent":
                copied[NameObject(key)] = self.copy(value)
        copied[NameObject("/Parent")] = _ref(PAGES)
        return copied

    def copy(self, obj):
        if isinstance(obj, IndirectObject):  # one of ours (pdf None) is already numbered
            return obj if obj.pdf is None else _ref(self.number(obj))
        if isinstance(obj, DecodedStreamObject):
            obj = _compressed(obj)  # a merged page's content comes back uncompressed
        if isinstance(obj, StreamObject):
            copied = obj.__class__()
            copied._data = obj._data  # the stream's bytes as stored (encoded), copied as they are
            copied.update({NameObject(key): self.copy(value) for key, value in obj.items()})
            return copied
        if isinstance(obj, DictionaryObject):
            if obj.get("/Subtype") == "/Link":
                obj = self._jump(obj) or obj
            return DictionaryObject({NameObject(key): self.copy(value) for key, value in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.copy(item) for item in obj)
        return obj

    def number(self, ref):
        key = (id(ref.pdf), ref.idnum)
        if key in self.pages:
            return self.pages[key]
        if key in self.done:
            return self.done[key] if self.done[key] is not None else self.reserved.setdefault(key, self.pdf._allocate())
        self.done[key] = None  # being copied: a reference back to it gets a number reserved now
        copied = self.copy(ref.get_object())
        if key in self.reserved:
            self.done[key] = self.reserved.pop(key)
            self.pdf._write(self.done[key], copied)
        else:
            self.done[key] = self.pdf._store(copied)
        return self.done[key]

    @staticmethod
    def _jump(annotation):
        """A contents line's link (`page_link`) as a jump to its page, or None for any other link."""
        action = annotation.get("/A")
        action = action.get_object() if action is not None else None
        uri = str(action.get("/URI", "")) if isinstance(action, DictionaryObject) else ""
        if not uri.startswith(LINK_SCHEME):
            return None
        jump = DictionaryObject({NameObject(key): value for key, value in annotation.items() if key != "/A"})
        page = int(uri.removeprefix(LINK_SCHEME)) - 1
        jump[NameObject("/Dest")] = ArrayObject([_ref(FIRST_PAGE + page), NameObject("/XYZ"), NullObject(),
                                                 NullObject(), NullObject()])
        return jump


def _ref(number):
    return IndirectObject(number, 0, None)


def _count(items):
    return len(items) + sum(_count(children) for _title, _page, children in items)


def _compressed(stream):
    """A decoded stream (a merged page's content, built from its operations) as a Flate-encoded one."""
    plain = DecodedStreamObject()
    plain.set_data(stream.get_data())
    plain.update({key: value for key, value in stream.items() if key not in ("/Filter", "/DecodeParms", "/Length")})
    return plain.flate_encode()


def _serialized(obj):
    buffer = BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()
