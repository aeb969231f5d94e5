"""Notifications (admin): when each notification goes out and to whom, a preview of any message
for a chosen period and person, a test sent to oneself, and the outbox history. Sending itself is
`python -m metrics notify`, run by cron or a systemd timer (README, Notifications)."""

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard import auth, components
from dashboard.data import Data
from followup import delivery, preview
from followup.recipients import demo_mode, set_opt_out
from followup.schedule import KINDS
from ingest import settings
from ingest.errors import LekgotlaError
from ingest.words import plural
from metrics.catalogue import list_periods
from presentation import theme
from presentation.markup import md

FLASH = "notifications_flash"


def _code(value: object) -> str:
    """A path shown as code, so no character in it reads as Markdown."""
    return "`" + str(value).replace("`", "'") + "`"


def _kind(kind: object) -> str:
    return str(kind).capitalize()

d = Data()
user = auth.current()
st.title("Notifications")
every = int(settings.get("notify_every_hours"))
sender = (f"this dashboard, which sends what is due every {plural(every, 'hour')} while it runs "
          "(setting notify_every_hours)" if every > 0 else
          "`python -m metrics notify` (run by cron or a systemd timer: README, Notifications)")
st.caption("Reminders before the deadline, overdue notices, rejected uploads, the monthly digest "
           f"and the quarterly review pack, emailed by {sender}. Each message goes once per "
           "person, kind and period; every send is in the audit log.")
for message in st.session_state.pop(FLASH, []):
    st.success(message, icon=":material/check_circle:")

via = delivery.transport(d.con)
if isinstance(via, delivery.Folder):
    st.info(f"No mail server is set (setting smtp_host): messages are written as .eml files to "
            f"{_code(via.path)} on the server.", icon=":material/outbox:")
else:
    st.caption(f"Mail server: {md(via.host)}:{via.port} ({via.security}), from "
               f"{md(str(d.setting('smtp_from')))}. Links point to {md(str(d.setting('public_url')))}.")

schedule_tab, people_tab, preview_tab, outbox_tab = st.tabs(
    ["Schedule", "Who gets what", "Preview", "Outbox"])

with schedule_tab:
    plan = pd.DataFrame(preview.schedule(d.con))
    st.table(plan.assign(kind=plan["kind"].map(_kind)).rename(columns={
        "kind": "Notification", "when": "When", "what": "To whom", "on": "On"}).set_index(
        "Notification"))
    st.caption("The days follow the settings on time day, reminder days before and digest day; "
               "notify kinds turns a kind on or off (Settings → KPI thresholds).")
    now = datetime.now()
    due_now = preview.due_now(d.con, now)
    st.markdown(f"**Due now** ({theme.a_datetime(now)}): "
                f"{len(due_now)} message{'s' if len(due_now) != 1 else ''} not yet sent.")
    if due_now:
        due_rows = pd.DataFrame(due_now)
        due_rows = due_rows.assign(kind=due_rows["kind"].map(_kind),
                                   period=due_rows["period"].map(theme.period_label))
        due_columns = {"kind": "Notification", "recipient": "To", "period": "Period",
                       "about": "About"}
        st.dataframe(due_rows, hide_index=True, placeholder=theme.DASH,
                     key="notify-due", column_config=due_columns)
        components.downloads(due_rows, "lekgotla-notifications-due", "notify-due",
                             sheet="Due", headers=due_columns)

with people_tab:
    people = pd.DataFrame(preview.recipients(d.con), columns=[
        "email", "name", "role", "departments", "gets", "opted_out"])
    names = {e: f"{n} ({e})" if n else e for e, n in zip(people["email"], people["name"], strict=True)}
    if demo_mode(d.con):
        st.caption("No user yet (demo mode): the department heads' emails on the register's "
                   "Departments sheet stand in; leadership and the M&E team get nothing until "
                   "they are added on Users.")
    if people.empty:
        components.empty("Nobody to notify: add users on Users, or heads' emails to the "
                          "register's Departments sheet.")
    else:
        shown = people.assign(role=people["role"].map(lambda r: auth.ROLE_LABELS.get(r, r)))
        people_columns = {
            "email": "Email", "name": "Name", "role": "Role", "departments": "Departments",
            "gets": st.column_config.TextColumn("Gets", width="large"),
            "opted_out": st.column_config.CheckboxColumn("Opted out")}
        st.dataframe(shown, hide_index=True, placeholder=theme.DASH,
                     key="notify-people", column_config=people_columns)
        components.downloads(shown, "lekgotla-notification-recipients", "notify-people",
                             sheet="Recipients", headers=people_columns)
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        who = left.selectbox("Stop or resume notifications to", people["email"].tolist(),
                             key="notify-optout-person", format_func=lambda e: names.get(e, e))
        out = bool(people.loc[people["email"] == who, "opted_out"].iloc[0])
        if right.button("Send again" if out else "Stop sending", key="notify-optout",
                        icon=":material/notifications:" if out else ":material/notifications_off:"):
            try:
                set_opt_out(d.con, user, str(who), not out)
            except LekgotlaError as e:
                components.error(e)
            else:
                st.session_state[FLASH] = [f"{who} {'gets notifications again' if out else 'gets no more notifications'}."]
                st.rerun()

with preview_tab:
    months = [str(p) for p in list_periods(d.con)["period"]] if not people.empty else []
    if not months:
        components.empty("Nothing to preview: load reports and add people to notify first.")
    else:
        a, b, c = st.columns(3)
        kind = a.selectbox("Notification", list(KINDS), key="notify-kind", format_func=_kind)
        period = b.selectbox("Period", months[::-1], key="notify-period",
                             format_func=theme.period_label)
        person = c.selectbox("Person", people["email"].tolist(), key="notify-person",
                             format_func=lambda e: names.get(e, e))
        try:
            # composed once per data version (each reminder builds its department's template):
            # a rerun of any tab would compose it again
            shown_message = d(preview.preview, user, kind, str(person), str(period))
        except LekgotlaError as e:
            components.error(e)
        else:
            if shown_message.message is None:
                components.empty(shown_message.reason)
            else:
                if shown_message.reason:
                    st.info(md(shown_message.reason), icon=":material/info:")
                if shown_message.sent_at is not None:
                    st.caption(f"As it reads when it goes out, on "
                               f"{theme.a_datetime(shown_message.sent_at)}: its dates and days "
                               "are of that day, not of today.")
                msg = shown_message.message
                files = [str(p.get_filename()) for p in msg.iter_attachments()]
                st.markdown(f"**Subject:** {md(str(msg['Subject']))}  \n**To:** {md(str(msg['To']))}"
                            + (f"  \n**Cc:** {md(str(msg['Cc']))}" if msg["Cc"] else "")
                            + (f"  \n**Attached:** {md(', '.join(files))}" if files else ""))
                with st.container(border=True, key="notify-preview"):
                    st.html(preview.html_fragment(msg))  # escaped when composed; sanitised again here
                with st.expander("Plain-text part"):
                    text = msg.get_body(("plain",))
                    st.code(str(text.get_content()) if text is not None else "", language=None)

    st.markdown("##### Send a test")
    mine = "" if auth.is_demo(user) else user.email
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    address = left.text_input("Send a test message to", value=mine, key="notify-test-to",
                              placeholder="name@example.org")
    if right.button("Send a test to me", key="notify-test", icon=":material/send:"):
        try:
            run = preview.send_test(d.con, user, address)
        except LekgotlaError as e:  # not one email address
            st.error(md(e.message), icon=":material/error:")
        else:
            if run.failed:
                st.error(f"**Not sent.** {md(run.failed[0][1])}", icon=":material/error:")
            else:
                st.session_state[FLASH] = [f"Test sent to {address}: see the outbox."]
                st.rerun()

with outbox_tab:
    a, b = st.columns(2)
    states = a.multiselect("State", ["sent", "failed", "sending", "lapsed"], key="notify-states",
                           placeholder="Every state",
                           format_func=lambda s: "no longer due" if s == "lapsed" else s)
    kinds = b.multiselect("Notification", [*KINDS, "test"], key="notify-kinds", format_func=_kind,
                          placeholder="Every notification")
    rows = pd.DataFrame(delivery.history(d.con, tuple(states), tuple(kinds)))
    cols = st.columns(3)
    count = (lambda mask: int(mask.sum())) if not rows.empty else (lambda mask: 0)
    cols[0].metric("Sent", count(rows["state"] == "sent") if not rows.empty else 0, border=True)
    cols[1].metric("Failed", count(rows["state"] == "failed") if not rows.empty else 0, border=True,
                   help="Tried again at the next run, up to "
                        f"{delivery.MAX_ATTEMPTS} attempts in all; then given up. One that no "
                        "longer applies (the report came in, the reminder's deadline passed) is "
                        "not tried again, and reads \"no longer due\".")
    cols[2].metric("Retried", count(rows["attempts"] > 1) if not rows.empty else 0, border=True,
                   help="Needed more than one attempt (since the last Try them again).")
    stuck = delivery.given_up(d.con)
    if stuck:
        note, button = st.columns([4, 1], vertical_alignment="center")
        note.warning(f"**{delivery.given_up_headline(len(stuck))}.** The last "
                     f"error: {md(str(stuck[0]['last_error']))}", icon=":material/error:")
        if button.button("Try them again", key="notify-try-again", icon=":material/replay:",
                         help="The next notify run sends each one that is still due, with "
                              f"{delivery.MAX_ATTEMPTS} attempts more. Fix the mail settings first."):
            again = delivery.try_again(d.con, user)
            st.session_state[FLASH] = [
                f"{plural(len(again), 'message')} will be tried again at the next notify run, "
                "each one that is still due."]
            st.rerun()
    if rows.empty:
        components.empty("No message sent yet" + (" with these filters." if states or kinds else
                         ": `python -m metrics notify` sends what is due."))
    else:
        shown = {"given up": "given up", "lapsed": "no longer due"}  # failed for good, or moot
        outbox = rows.drop(columns=["upload_id"]).assign(
            state=[shown.get(delivery.standing(r), r["state"]) for r in rows.to_dict("records")])
        outbox_columns = {
            "claimed_at": st.column_config.DatetimeColumn("Sent or tried", format="D MMM YYYY, HH:mm"),
            "sent_at": st.column_config.DatetimeColumn("Delivered", format="D MMM YYYY, HH:mm"),
            "recipient": "To", "kind": "Notification", "period": "Period", "department": "About",
            "subject": st.column_config.TextColumn("Subject", width="large"), "state": "State",
            "attempts": st.column_config.NumberColumn(
                "Attempts", format="%d", help="Counted afresh after Try them again (the audit "
                                              "log keeps each time it was pressed)."),
            "last_error": "Last error", "delivered_to": "Delivered to"}
        st.dataframe(outbox, hide_index=True, placeholder=theme.DASH,
                     key="notify-outbox", column_config=outbox_columns)
        components.downloads(outbox, "lekgotla-outbox", "notify-outbox", sheet="Outbox",
                             headers=outbox_columns, applied_filters={
                                 "states": list(states), "kinds": list(kinds)})
