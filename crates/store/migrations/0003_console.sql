-- The review console (issue 7): login sessions, login throttling, case
-- claims, four-eyes rejection votes, the append-only audit log, and what a
-- person's decision says (its reasons and the message to the applicant).
-- Portable to PostgreSQL like 0001: TEXT ids, BIGINT unix ms, JSON as TEXT.

-- JSON array of `EventReason` ({"code", "field"?}); NULL on rows written
-- before this migration (read as no reasons).
ALTER TABLE review_decisions ADD COLUMN reasons TEXT;
-- The message shown to the applicant (a retry's explanation), if any.
ALTER TABLE review_decisions ADD COLUMN message TEXT;
CREATE INDEX review_decisions_created ON review_decisions (created_at);

-- Console sessions, keyed by the SHA-256 hex of the cookie's token: the
-- store never holds a token that would log anyone in. Ended sessions are
-- deleted.
CREATE TABLE console_sessions (
    token_hash  TEXT PRIMARY KEY,
    reviewer_id TEXT NOT NULL REFERENCES reviewers (id),
    csrf_token  TEXT NOT NULL,
    ip          TEXT,
    user_agent  TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX console_sessions_reviewer ON console_sessions (reviewer_id);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- Failed logins, counted per e-mail and per address over a window. A
-- successful login marks its e-mail's rows cleared instead of deleting
-- them, so it does not also reset the count of the address they came from.
CREATE TABLE login_failures (
    email      TEXT NOT NULL,
    ip         TEXT NOT NULL,
    at         BIGINT NOT NULL,
    cleared_at BIGINT
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- One claim per case: the reviewer deciding it, until `expires_at`.
CREATE TABLE case_claims (
    applicant_id TEXT PRIMARY KEY REFERENCES applicants (id),
    attempt      BIGINT NOT NULL,
    reviewer_id  TEXT NOT NULL REFERENCES reviewers (id),
    claimed_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX case_claims_reviewer ON case_claims (reviewer_id);

-- Four-eyes: each reviewer's proposal to reject an attempt (one per
-- reviewer; a second replaces the first).
CREATE TABLE rejection_votes (
    applicant_id TEXT NOT NULL REFERENCES applicants (id),
    attempt      BIGINT NOT NULL,
    reviewer_id  TEXT NOT NULL REFERENCES reviewers (id),
    -- JSON array of `EventReason`.
    reasons      TEXT NOT NULL,
    note         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (applicant_id, attempt, reviewer_id)
);

-- Who did what, when, from where. `seq` is MAX + 1 under writers
-- serialised by SQLite (PostgreSQL: a sequence). No foreign key on
-- `applicant_id`: an entry outlives whatever it names.
CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_email  TEXT NOT NULL,
    action       TEXT NOT NULL,
    applicant_id TEXT,
    detail       TEXT NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX audit_log_applicant ON audit_log (applicant_id, seq);
CREATE INDEX audit_log_at ON audit_log (at, seq);

-- Append-only, enforced by the database itself. PostgreSQL form:
--   CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql
--     AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
--   CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
--     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--   CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
--     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
