"""Read the forms of a rendered page as a browser would submit them (for tests that post them back)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Inputs whose value a browser sends as it stands; buttons, files and images are left out.
VALUE_INPUTS = {"text", "hidden", "search", "email", "url", "tel", "number", "date", "datetime-local", "password"}


@dataclass
class HtmlForm:
    """One ``<form>``: where it posts, and each field's name with the value a browser would send."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # every field name on the form, also unchecked boxes and empty selects (what a fuzzer may fill)
    names: list[str] = field(default_factory=list)

    def data(self) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        return values


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._select: tuple[str, bool] | None = None  # name, multiple
        self._options: list[tuple[str, bool]] = []
        self._in_option = False
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text: list[str] = []
        self._textarea: str | None = None
        self._textarea_text: list[str] = []

    @property
    def form(self) -> HtmlForm | None:
        return self.forms[-1] if self.forms else None

    def _add_name(self, name: str) -> None:
        if self.form is not None and name not in self.form.names:
            self.form.names.append(name)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(HtmlForm(action=attrs.get("action") or "", method=(attrs.get("method") or "get").lower()))
            return
        if self.form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in VALUE_INPUTS:
                self._add_name(name)
                self.form.fields.append((name, attrs.get("value") or ""))
            elif kind in ("checkbox", "radio"):
                self._add_name(name)
                if "checked" in attrs:
                    self.form.fields.append((name, attrs.get("value") or "on"))
        elif tag == "select" and name:
            self._add_name(name)
            self._select = (name, "multiple" in attrs)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._flush_option()
            self._in_option = True
            self._option_value = attrs.get("value")
            self._option_selected = "selected" in attrs
            self._option_text = []
        elif tag == "textarea" and name:
            self._add_name(name)
            self._textarea = name
            self._textarea_text = []

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea_text.append(data)
        elif self._in_option:
            self._option_text.append(data)

    def handle_endtag(self, tag):
        if tag == "option":
            self._flush_option()
        elif tag == "select" and self._select is not None:
            self._flush_option()
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea_text)
            self.form.fields.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None

    def _flush_option(self):
        if self._in_option:
            value = self._option_value if self._option_value is not None else "".join(self._option_text).strip()
            self._options.append((value, self._option_selected))
        self._in_option = False
        self._option_value = None
        self._option_selected = False
        self._option_text = []


def page_forms(html: str) -> list[HtmlForm]:
    """The forms of ``html`` in page order."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def main_form(html: str) -> HtmlForm:
    """The page's form with the most fields (on an admin page: the record's form, not the search box)."""
    forms = page_forms(html)
    if not forms:
        raise AssertionError("The page has no <form>; was it an error page or a redirect?")
    return max(forms, key=lambda form: len(form.names))
