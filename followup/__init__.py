"""Follow-up that runs itself (issue 15): who is due which notification at a given time, the
messages (reminder, overdue, rejected, digest, pack) composed as emails, and their delivery —
through SMTP, or into an outbox folder — recorded once per recipient, kind and period.

Between presentation (whose formats, review pack and digest it uses) and the dashboard (whose
Notifications page shows it); no Streamlit here. `python -m metrics notify` runs it.
"""
