-- 012: the notifications sent by `python -m metrics notify` (followup/), one row per recipient,
-- kind and period (and rejected upload): claimed before sending, then marked sent or failed, so a
-- schedule run twice, or on two instances at once, sends each message once. On the shared store
-- the key is not enforced by the catalog: the claim is a write transaction, and two at once conflict.
CREATE TABLE notifications (
    recipient VARCHAR NOT NULL,         -- lower-case email
    kind VARCHAR NOT NULL,              -- reminder, overdue, rejected, digest, pack, test
    period VARCHAR NOT NULL,            -- YYYY-MM (a quarter YYYY-Qn for the pack)
    upload_id INTEGER NOT NULL DEFAULT 0,  -- the rejected upload; 0 for the other kinds
    department VARCHAR,                 -- the department it is about; NULL: the organisation
    subject VARCHAR NOT NULL,
    state VARCHAR NOT NULL,             -- sending (claimed), sent, failed
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error VARCHAR,
    claimed_at TIMESTAMP NOT NULL,
    claimed_by VARCHAR NOT NULL,        -- host and process that claimed it
    sent_at TIMESTAMP,
    delivered_to VARCHAR,               -- the SMTP server, or the outbox file written
    PRIMARY KEY (recipient, kind, period, upload_id)
);

-- who asked to receive no notification (a user, or a head's email on the register)
CREATE TABLE notification_opt_outs (
    email VARCHAR PRIMARY KEY,
    changed_by VARCHAR,
    changed_at TIMESTAMP NOT NULL
);
