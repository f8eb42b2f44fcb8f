"""Read what a person sees on a page."""

import html
import re
from html.parser import HTMLParser


def visible_text(response) -> str:
    """The text of the page's <main>, tags removed and spaces collapsed (header and footer excluded)."""
    content = response.content.decode()
    start, end = content.find("<main"), content.find("</main>")
    main = content[start:end] if start != -1 and end != -1 else content
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


class VisibleText(HTMLParser):
    """Collects the text a reader sees: text nodes outside <script> and <style>."""

    def __init__(self):
        super().__init__()
        self.skipping = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.chunks.append(" ".join(data.split()))


def text_nodes(response) -> set[str]:
    """Every text node of the whole page (Wagtail's admin has no <main> around its menus), spaces collapsed."""
    parser = VisibleText()
    parser.feed(response.content.decode())
    return set(parser.chunks)
