"""A message's body as blocks, written once and rendered twice: as plain text and as HTML, with
every piece of report text escaped in the HTML (a department name or a problem is data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from presentation import theme
from presentation.markup import unlinked


@dataclass
class Body:
    """Paragraphs, lists, tables and links, in order."""

    # (kind, its texts, a table's rows): p, h, ul, table (texts: the header), a (label, url)
    blocks: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)

    def para(self, text: str) -> Body:
        """A paragraph of plain text (escaped in the HTML)."""
        self.blocks.append(("p", [text], []))
        return self

    def heading(self, text: str) -> Body:
        """A small heading."""
        self.blocks.append(("h", [text], []))
        return self

    def items(self, lines: list[str], note: str = "") -> Body:
        """A bulleted list (empty: `note` in its place, when given)."""
        if lines:
            self.blocks.append(("ul", lines, []))
        elif note:
            self.para(note)
        return self

    def table(self, header: list[str], rows: list[list[str]]) -> Body:
        """A table of text cells."""
        self.blocks.append(("table", header, rows))
        return self

    def link(self, label: str, url: str) -> Body:
        """A link on a line of its own: `label: url` in the text part."""
        self.blocks.append(("a", [label, url], []))
        return self

    def _unlinked(self) -> list[tuple[str, list[str], list[list[str]]]]:
        """The blocks with their text unlinked (presentation.markup): report text names no link
        a mail program would make; the links of `link` stay."""
        return [(kind, texts if kind == "a" else [unlinked(t) for t in texts],
                 [[unlinked(c) for c in r] for r in rows]) for kind, texts, rows in self.blocks]

    def text(self) -> str:
        """The plain-text part."""
        out: list[str] = []
        for kind, texts, rows in self._unlinked():
            if kind == "p":
                out.append(texts[0])
            elif kind == "h":
                out.append(f"{texts[0]}\n{'-' * len(texts[0])}")
            elif kind == "ul":
                out.append("\n".join(f"- {line}" for line in texts))
            elif kind == "table":
                out.append("\n".join(" | ".join(r) for r in [texts, *rows]))
            elif kind == "a":
                out.append(f"{texts[0]}: {texts[1]}")
        return "\n\n".join(out) + "\n\n-- \nLekgotla\n"

    def html(self, title: str) -> str:
        """The HTML part: a self-contained page, inline styles (mail programs drop style sheets)."""
        out: list[str] = []
        cell = 'style="border:1px solid #E5E8EC;padding:4px 8px;text-align:left;vertical-align:top"'
        for kind, texts, rows in self._unlinked():
            if kind == "p":
                out.append(f"<p>{escape(texts[0])}</p>")
            elif kind == "h":
                out.append(f'<h2 style="font-size:16px;color:{theme.PRIMARY};margin:20px 0 6px">'
                           f"{escape(texts[0])}</h2>")
            elif kind == "ul":
                lines = "".join(f'<li style="margin:4px 0">{escape(x)}</li>' for x in texts)
                out.append(f"<ul>{lines}</ul>")
            elif kind == "table":
                head = "".join(f"<th {cell}>{escape(h)}</th>" for h in texts)
                body = "".join("<tr>" + "".join(f"<td {cell}>{escape(c)}</td>" for c in r) + "</tr>"
                               for r in rows)
                out.append(f'<table style="border-collapse:collapse;font-size:13px">'
                           f'<thead style="background:#F3F5F7"><tr>{head}</tr></thead>'
                           f"<tbody>{body}</tbody></table>")
            elif kind == "a":
                out.append(f'<p><a href="{escape(texts[1], quote=True)}" '
                           f'style="color:{theme.PRIMARY};font-weight:600">{escape(texts[0])}</a></p>')
        return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f"<title>{escape(title)}</title></head>"
                f'<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;'
                f'line-height:1.5;color:{theme.TEXT};max-width:680px;margin:0 auto;padding:16px">'
                f'<div style="border-bottom:3px solid {theme.PRIMARY};padding-bottom:6px;'
                f'margin-bottom:12px;font-weight:700;color:{theme.PRIMARY}">Lekgotla</div>'
                f'<h1 style="font-size:20px;margin:0 0 12px">{escape(title)}</h1>'
                + "".join(out) +
                f'<p style="color:{theme.MUTED};font-size:12px;margin-top:24px">Sent by Lekgotla. '
                "Ask your administrator to stop these emails.</p></body></html>")
