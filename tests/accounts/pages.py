"""Read what a person sees on a page."""

import html
import re


def visible_text(response) -> str:
    """The text of the page's <main>, tags removed and spaces collapsed (header and footer excluded)."""
    content = response.content.decode()
    start, end = content.find("<main"), content.find("</main>")
    main = content[start:end] if start != -1 and end != -1 else content
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())
