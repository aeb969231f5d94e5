"""Lekgotla presentation: how the numbers of `metrics` are shown and written, shared by the
dashboard and the files it and the command line write. No Streamlit here.

- theme: colours, the Plotly template, number/date/period formats, the filters in words
- charts: the Plotly figures (dashboard pages and the review pack)
- labels: the column headers and objective labels people read; markup: report text escaped for
  Markdown and Plotly
- xlsx, xlsx_book: the XLSX writers; export: CSV/XLSX downloads and exports, neutralised
- pack_*: the review pack's HTML, XLSX and PDF (its figures are metrics.pack's);
  pack_files.write_pack writes them
- cli: `python -m metrics export|pack` (the commands that write files)

The KPI catalogue (labels, help, format, direction) is metrics.kpi_catalogue.
"""
