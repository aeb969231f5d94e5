"""Review pack: the quarterly lekgotla review in one click — the workbook, the self-contained HTML
report and its PDF, for the period and filters of the sidebar (SPEC §7). The pack is built by
`metrics.pack`, the same code as `python -m metrics pack`."""

import time
from collections.abc import Callable

import streamlit as st

from dashboard import auth, components, data, filters
from dashboard.data import Data
from ingest.access import check_export
from ingest.db import Connection
from ingest.errors import LekgotlaError
from ingest.words import plural
from metrics import pack as review_pack
from metrics.filters import Filters, is_quarter
from presentation import theme
from presentation.markup import md
from presentation.pack_html import pack_html
from presentation.pack_pdf import PdfUnavailable, find_chromium, html_to_pdf
from presentation.pack_xlsx import pack_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_resource(max_entries=4, show_spinner=False)
def built(version: int, f: Filters, _con: Connection) -> review_pack.ReviewPack:
    """The pack of these filters, once per data version, kept as the object itself:
    st.cache_data would unpickle a hundred departments' frames on every run, which is slow.
    A pack is frozen and nothing writes to its frames, so sessions may share it."""
    return review_pack.build_pack(_con, f)


d = Data()
f = components.require_filters(d)
components.heading("Review pack", f, "what the quarterly lekgotla reviews, as files to share")
filters.provisional(d, f)  # as the pack's own files say it
if not is_quarter(f.period):
    st.caption("This pack covers one month. For the quarterly pack choose **View → Quarter** in "
               "the sidebar.")

size = d(review_pack.pack_size, f)
asked = ("review-pack", d.version, f)  # this pack was asked for in this session
if size > review_pack.BUILD_ON_OPEN_ROWS and st.session_state.get("pack-asked") != asked:
    prompt = st.empty()
    with prompt.container():
        st.markdown(f"The pack lists up to {size:,} actions with every department's section; "
                    "gathering its figures takes several seconds.")
        clicked = st.button("Build the pack", key="pack-build", type="primary",
                            icon=":material/inventory_2:",
                            help="Gathers every figure of the pack for the period and filters "
                                 "of the sidebar; then the workbook, report and PDF can be "
                                 "downloaded.")
    if not clicked:
        st.stop()
    prompt.empty()
    st.session_state["pack-asked"] = asked
start = time.perf_counter()
with st.spinner("Gathering the figures…"):
    p = built(d.version, f, d.con)
seconds = time.perf_counter() - start
if not p.kpi("actions"):
    undo = ("clear the objective filter" if f.objectives else
            "choose other departments" if f.departments else "load this period's reports")
    components.empty(f"No actions match these filters for {theme.period_label(f.period)}: "
                     f"{undo}, or choose another period in the sidebar.")
    st.stop()

reporting = [x for x in p.departments if x.action_count]
previous = (theme.period_label(p.previous_period) + theme.same_departments(theme.compared_over(p.changes))
            if p.previous_period else "no earlier period")
st.markdown(
    f"**Stamp `{p.pack_id}`** — {len(reporting)} department{'s' * (len(reporting) != 1)}, "
    f"{plural(int(p.kpi('actions')), 'action')}, "
    f"figures as of {theme.period_label(p.month)}, compared with {md(previous)}; built from "
    f"{plural(len(p.uploads), 'report')} (every month its trends read), each named in the pack "
    "with its SHA-256. The same data and filters always give the same pack.")
if seconds > 1:  # built in this run (a pack already built for these filters comes at once)
    st.caption(f"Built in {seconds:.1f} s.")

user, con = auth.current(), data.connection()
audit = {**components.sidebar_filters(), "stamp": p.pack_id}


def checked(fmt: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
    """The file's bytes, made on click once the export is allowed and logged (like every
    download of the dashboard)."""
    def build() -> bytes:  # runs in the server's thread when the button is clicked
        check_export(con.cursor(), user, int(p.kpi("actions")), table="review-pack",
                     file=f"{p.stem}.{fmt}", **audit)
        return make()
    return build


with st.container(horizontal=True, gap="small"):
    st.download_button("Workbook (XLSX)", checked("xlsx", lambda: pack_xlsx(p)),
                       file_name=f"{p.stem}.xlsx",
                       mime=XLSX, key="pack-xlsx", on_click="ignore", type="primary",
                       icon=":material/table_view:",
                       help="A summary sheet (KPIs with change, league table with computed RAG) "
                            "and one sheet per department with every action.")
    st.download_button("Report (HTML)", checked("html", lambda: pack_html(p).encode("utf-8")),
                       file_name=f"{p.stem}.html", mime="text/html", key="pack-html",
                       on_click="ignore", type="primary", icon=":material/description:",
                       help="One file with interactive charts; opens offline in any browser.")
    make_pdf = st.button("Make the PDF", key="pack-pdf-make", icon=":material/picture_as_pdf:",
                         disabled=find_chromium() is None,
                         help="The HTML report printed by headless Chromium (a few seconds).")

if find_chromium() is None:
    st.info("No PDF on this machine: there is no Chromium to print with (Debian: `apt-get "
            "install chromium`). Open the HTML report in a browser and print it instead.",
            icon=":material/info:")
elif make_pdf:
    try:
        with st.spinner("Printing the report with Chromium…"):
            pdf = checked("pdf", lambda: html_to_pdf(
                pack_html(p), footer=f"Lekgotla review pack · {p.filters.period} · "
                                     f"stamp {p.pack_id}"))()
        st.download_button("Download the PDF", pdf, file_name=f"{p.stem}.pdf",
                           mime="application/pdf", key="pack-pdf", on_click="ignore",
                           icon=":material/download:")
    except (PdfUnavailable, LekgotlaError) as e:  # no Chromium here, or not allowed to export
        components.error(e)

st.subheader("In the pack")
st.markdown(
    "- **Cover**: period, filters, data freshness, the reports in force and the stamp\n"
    "- **At a glance**: every KPI with its change, the department league table with computed RAG\n"
    "- **Trends**, **Alignment** (objectives × departments, SMART checks), **Slippage** "
    f"({len(p.slipped)} slipped, {len(p.moved)} rescheduled, {len(p.late)} overdue or "
    "forecast late)\n"
    f"- **Departments**: {plural(len(reporting), 'section')} in the report, "
    f"{plural(len(p.departments), 'sheet')} in the workbook (one for each department in scope), each "
    "with its KPIs and every action\n"
    "- **Did not report** and **Sources** (every upload read)")

missing = p.not_reported
if missing.empty:
    st.success("Every department in scope reported every month of the period.",
               icon=":material/check_circle:")
else:
    st.warning("Did not report: " + "; ".join(
        f"{md(r.department)} ({theme.period_label(r.period)}, {r.state})"
        for r in missing.itertuples()), icon=":material/warning:")

st.markdown("##### Reports in force")
fresh = p.uploads[p.uploads["use"] == "figures"].assign(sha256=lambda t: t["sha256"].str[:12])
fresh = fresh[["department", "period", "file_name", "upload_id", "versions", "submitted_at",
               "uploaded_at", "sha256"]]
columns = {"versions": st.column_config.NumberColumn("Version"),
           "submitted_at": st.column_config.DateColumn("Submitted", format="D MMM YYYY"),
           "sha256": st.column_config.TextColumn("SHA-256 (first 12)")}
st.dataframe(components.display(fresh), hide_index=True, placeholder=theme.DASH, key="pack-reports",
             column_config={**components.column_config(d.setting("currency")), **columns})
components.downloads(fresh, filters.file_stem(f, "reports-in-force"), "pack-reports",
                     sheet="Reports", headers=columns, scope=f)
