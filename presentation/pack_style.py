"""The review report's stylesheet (inlined in the HTML: the report is one file that opens
offline). Screen: a centred reading column; print (and PDF): A4 landscape, one department a page.
"""

from __future__ import annotations

from presentation.theme import RAG_COLOURS, SUBMISSION_COLOURS, ink


def stylesheet() -> str:
    """The CSS of the report, RAG and submission colours from the dashboard's theme."""
    chips = "\n".join(
        f".chip.{name.lower().replace(' ', '-')} {{ background: {colour}; color: {ink(colour)}; }}"
        for name, colour in {**RAG_COLOURS, **SUBMISSION_COLOURS}.items())
    return CSS + chips + "\n"


CSS = """
:root { --navy: #1F4E79; --ink: #1B1F24; --muted: #5D6D7E; --line: #E2E6EA; --soft: #F5F7FA; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { background: #fff; }
body { margin: 0; color: var(--ink); font-size: 14px; line-height: 1.45;
       font-family: "Source Sans Pro", "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 36px 72px; }
a { color: var(--navy); }
.cover { border-bottom: 4px solid var(--navy); padding-bottom: 18px; }
.eyebrow { text-transform: uppercase; letter-spacing: .09em; color: var(--muted); font-size: 12px;
           font-weight: 700; }
h1 { font-size: 36px; line-height: 1.15; margin: 6px 0 4px; color: var(--navy); }
.subtitle { font-size: 19px; color: #34495E; margin: 0 0 14px; }
dl.facts { display: grid; grid-template-columns: 190px 1fr; gap: 5px 18px; margin: 14px 0; }
dl.facts dt { color: var(--muted); font-weight: 600; }
dl.facts dd { margin: 0; }
.stamp { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 13px; }
.stampbox { background: var(--soft); border: 1px solid var(--line); border-left: 4px solid var(--navy);
            border-radius: 6px; padding: 10px 14px; margin: 14px 0; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 14px 0 0; font-size: 13.5px; }
nav.toc a { text-decoration: none; font-weight: 600; }
section { margin-top: 38px; }
h2 { font-size: 23px; color: var(--navy); border-bottom: 1px solid var(--line);
     padding-bottom: 5px; margin: 0 0 12px; }
h3 { font-size: 17px; margin: 22px 0 8px; }
h2, h3 { break-after: avoid; }
p.lead { margin: 4px 0 14px; color: #34495E; }
p.provisional { background: #FEF5E7; border-left: 4px solid #B9770E; padding: 8px 12px;
               margin: 0 0 14px; }
.note { color: var(--muted); font-size: 12.5px; }
.tiles { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 10px; }
.tiles.mini { grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 8px; margin-bottom: 8px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px 8px;
        position: relative; break-inside: avoid; min-height: 86px; }
.tiles.mini .tile { min-height: 0; padding: 7px 9px; }
.tile .label { color: var(--muted); font-size: 13px; font-weight: 600; }
.tile .value { font-size: 26px; font-weight: 700; line-height: 1.2; }
.tiles.mini .value { font-size: 18px; }
.tile .change { font-size: 12px; }
.tile svg { position: absolute; right: 10px; top: 12px; }
.good { color: #1E8449; } .bad { color: #C0392B; } .flat { color: var(--muted); }
.chip { display: inline-block; color: #fff; border-radius: .7em; padding: .05em .6em;
        font-weight: 700; font-size: .85em; white-space: nowrap; }
.chips { margin: 12px 0; }
table.data { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: 4px 0 10px; }
table.data th { background: var(--navy); color: #fff; text-align: left; padding: 5px 6px;
                font-weight: 600; vertical-align: bottom; }
table.data td { padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.data tr:nth-child(even) td { background: #FAFBFC; }
table.data .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.data .nowrap { white-space: nowrap; }
table.data td.wide { min-width: 170px; }
table.data .under { color: var(--muted); font-size: 11.5px; }
.nowrap { white-space: nowrap; }
table.data tr { break-inside: avoid; }
.grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 22px; }
.chart { break-inside: avoid; margin: 4px 0 8px; }
.chart h4 { margin: 8px 0 0; font-size: 14px; }
.dept-head { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
.dept-head h3 { margin-bottom: 2px; }
.ok { background: #EAF6EE; border: 1px solid #BFE3CB; border-radius: 6px; padding: 8px 12px; }
.digest ul { margin: 6px 0 12px; padding-left: 20px; }
.digest li { margin: 3px 0; }
.digest .kind { font-weight: 700; color: var(--navy); margin-right: 4px; }
.digest .source { color: var(--muted); font-size: 12px; margin-left: 4px; }
footer { margin-top: 48px; border-top: 1px solid var(--line); padding-top: 10px; }
@media screen and (max-width: 640px) {
  /* a phone: two tiles to a row without the sparklines (they covered the titles), one column of
     charts, and a wide table scrolls by itself instead of widening the whole page */
  .tiles, .tiles.mini { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .tile svg { display: none; }
  .tile .value { font-size: 22px; overflow-wrap: anywhere; }
  .grid2 { grid-template-columns: minmax(0, 1fr); }
  dl.facts { grid-template-columns: minmax(0, 1fr); }
  table.data { display: block; overflow-x: auto; }
}
@page { size: A4 landscape; margin: 11mm 11mm 14mm; }
@media print {
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  section { margin-top: 20px; }
  section.major { break-before: page; }
  section.department + section.department { break-before: page; }
  .tile svg { display: none; }
  table.data { font-size: 11px; }
  table.data th, table.data td { padding: 3px 4px; }
  table.data td.wide { min-width: 150px; }
}
"""
