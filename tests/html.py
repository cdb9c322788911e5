"""Reading rendered HTML in tests: a small element tree, its text and its links."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Attributes a reader meets as text: read aloud or shown on hover or in a field.
TEXT_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
# Attributes that lead to another address.
LINK_ATTRIBUTES = ("href", "src", "action")


@dataclass
class Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in node.attrs.get("class", "").split())
            and all(
                node.attrs.get(name.replace("_", "-")) == v for name, v in attrs.items()
            )
        ]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def text(self):
        parts = [
            child if isinstance(child, str) else child.text() for child in self.children
        ]
        return " ".join(" ".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(
            Node(tag, {name: value or "" for name, value in attrs})
        )

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html):
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


class _LinkCollector(HTMLParser):
    """Only the links: a crawl reads thousands of pages and needs no tree."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [
            value for name, value in attrs if name in LINK_ATTRIBUTES and value
        ]


def links_in(html):
    """Every address the page points to (links, sources, form actions), in order."""
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    return collector.links


def visible_text(html, language):
    """The page's text in `language`: text nodes and text attributes.

    Scripts and styles are left out, and so is anything marked as written in
    another language (lang="en" on the switcher's "English", on fallback text).
    """
    chunks = []

    def walk(node, hidden):
        lang = node.attrs.get("lang", "").split("-")[0]
        hidden = (
            hidden
            or node.tag in ("script", "style", "template")
            or bool(lang and lang != language)
        )
        if hidden:
            return
        chunks.extend(
            node.attrs[name] for name in TEXT_ATTRIBUTES if node.attrs.get(name)
        )
        if node.tag == "meta" and node.attrs.get("name") == "description":
            chunks.append(node.attrs.get("content", ""))
        for child in node.children:
            if isinstance(child, str):
                chunks.append(child)
            else:
                walk(child, hidden)

    walk(parse_html(html), False)
    return " ".join(" ".join(chunks).split())
