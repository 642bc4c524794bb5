"""What a browser would send from an admin page: the fields of its change form, as rendered."""

from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "file", "image", "reset"}


class _ChangeForm(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self.inside, self.select, self.textarea = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):  # the admin's «<model>_form»
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in SKIPPED_INPUTS:
            kind = attrs.get("type", "text")
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": [], "selected": []}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select["options"].append(value)
            if "selected" in attrs:
                self.select["selected"].append(value)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["selected"] or ([] if self.select["multiple"] else self.select["options"][:1])
            self.fields.extend((self.select["name"], value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None


def change_form_data(response):
    """{name: [values]} of the change form on an admin add or change page, ready for client.post."""
    parser = _ChangeForm()
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data
