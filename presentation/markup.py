"""Report text is data, never markup: the escaping of text from reports and the register (actions,
comments, responsible, objective titles, department and file names...) where it meets one of the
two markup languages the dashboard and the review pack draw with:

- `md`: Streamlit's Markdown (st.markdown, captions, alerts, widget labels and help, expander
  labels). Every ASCII punctuation character is backslash-escaped, as CommonMark allows for any
  of them, so no link, image, autolink (`https://…`, `www.…`, e-mail), HTML tag, emphasis,
  heading, list, `:red[…]` / `:material/…:` directive, emoji shortcode or `$…$` LaTeX can form;
  runs of white space (line breaks too) become one space, so no block can start mid-text. Some
  markup is found in the parsed text itself, after the escapes are read: GFM autolinks
  (`https://…`, `www.…`, `name@host`) and emoji shortcodes (`:smile:`). For them an invisible
  WORD JOINER (U+2060) goes after a `:` before `//` or a word, after an `@` before a word, and
  into `www.`, so those patterns never match. The text reads exactly as written (the joiner has
  no width and allows no line break); `Finance 2025-07: 4 actions` gets none.
- `unlinked`: plain text, an e-mail's, where a mail program finds links itself: the same WORD
  JOINERs, nothing else changed.
- `plotly`: Plotly's HTML-like label text (category values, tick labels, hover text, legend and
  trace names, sunburst labels). `&`, `<` and `>` become entities, so no `<a href>`, `<b>`,
  `<br>` or style forms, and `$` becomes `&#36;`, so no LaTeX; Plotly shows the characters.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

JOINER = "\u2060"  # WORD JOINER: no width, no line break; splits what Markdown would link
_MARKDOWN = str.maketrans({ch: "\\" + ch for ch in string.punctuation})
# where a joiner goes in escaped text: after `\:` before `\/\/` or a word character (autolink,
# shortcode), after `\@` before a word character (e-mail), between `www` and its `\.`
_LINKABLE = re.compile(r"(?<=\\:)(?=\\/\\/|\w|\\[+-])|(?<=\\@)(?=\w|\\-)|(?<=www)(?=\\\.)",
                       re.IGNORECASE)
# the same places in plain text (an e-mail's): what a mail program would make a link of
_LINKABLE_TEXT = re.compile(r"(?<=:)(?=//|\w|[+-])|(?<=@)(?=\w|-)|(?<=www)(?=\.)", re.IGNORECASE)
_PLOTLY = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"})


def md(value: Any) -> str:
    """Text to put into Streamlit Markdown: shows as written, never as markup."""
    return _LINKABLE.sub(JOINER, " ".join(str(value).split()).translate(_MARKDOWN))


def unlinked(value: Any) -> str:
    """Plain text (an e-mail's) as written, with a WORD JOINER where a mail program would start a
    link (`https://…`, `www.…`, `name@host`): report text is shown, never made a link."""
    return _LINKABLE_TEXT.sub(JOINER, str(value))


def plotly(value: Any) -> str:
    """Text to put into a Plotly label, hover text or name: shows as written, never as markup."""
    return str(value).translate(_PLOTLY)


def plotly_all(values: Iterable[Any]) -> list[str]:
    """`plotly` of each value (a column of category labels)."""
    return [str(v).translate(_PLOTLY) for v in values]
