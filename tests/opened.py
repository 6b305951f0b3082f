"""What a browser would post back from a page's form, unchanged: for tests of edits made
by two people from pages opened at the same time."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = self.form_id is None or a.get("id") == self.form_id
            return
        if not self.inside or ("name" not in a and tag in ("input", "select", "textarea")):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button") or (
                kind in ("checkbox", "radio") and "checked" not in a
            ):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(a["name"], []).append(a.get("value", default))
        elif tag == "select":
            self._select = a["name"]
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[self._textarea] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that opens a textarea's content.
            value = self.data[self._textarea][0]
            self.data[self._textarea][0] = value.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None


def opened_form(response, form_id: str | None = None) -> dict[str, list[str]]:
    """The fields of the page's form (the one with `form_id`, else every form) as a browser
    posts them: {name: [values]}, ready for `client.post(url, data)`."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    return {name: values for name, values in reader.data.items() if name != "csrfmiddlewaretoken"}
