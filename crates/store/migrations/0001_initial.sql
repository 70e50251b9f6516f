-- openkyc's schema. Portable to PostgreSQL on purpose: TEXT ids, BIGINT
-- unix-millisecond timestamps, JSON kept as TEXT, BLOB (BYTEA there) for
-- sealed secrets and face templates, no AUTOINCREMENT, no SQLite-only
-- functions. Ordering within an applicant uses explicit `seq` columns.

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    sealed_secret BLOB NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);

-- Request signatures seen within the signing window (replay guard).
CREATE TABLE seen_signatures (
    key_id     TEXT NOT NULL,
    signature  TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (key_id, signature)
);
CREATE INDEX seen_signatures_expiry ON seen_signatures (expires_at);

CREATE TABLE applicants (
    id               TEXT PRIMARY KEY,
    external_user_id TEXT NOT NULL,
    target_level     TEXT NOT NULL,
    invite_code      TEXT,
    time_zone        TEXT,
    lang             TEXT,
    -- init | pending | completed | on_hold
    status           TEXT NOT NULL,
    attempt          BIGINT NOT NULL,
    -- approved | retry | rejected | review (the latest decision)
    decision         TEXT,
    granted_level    TEXT,
    basic_info       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    submitted_at     BIGINT,
    decided_at       BIGINT
);
-- One deployment serves one operator: its external user ids are unique.
CREATE UNIQUE INDEX applicants_external_user ON applicants (external_user_id);
CREATE INDEX applicants_created ON applicants (created_at, id);
CREATE INDEX applicants_status ON applicants (status, created_at);

CREATE TABLE level_changes (
    applicant_id TEXT NOT NULL REFERENCES applicants (id),
    seq          BIGINT NOT NULL,
    from_level   TEXT,
    to_level     TEXT,
    attempt      BIGINT NOT NULL,
    -- verification | review
    cause        TEXT NOT NULL,
    changed_at   BIGINT NOT NULL,
    PRIMARY KEY (applicant_id, seq)
);

CREATE TABLE uploads (
    id           TEXT PRIMARY KEY,
    applicant_id TEXT NOT NULL REFERENCES applicants (id),
    attempt      BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    -- front | back | selfie | liveness_video | liveness_frame
    kind         TEXT NOT NULL,
    blob_sha256  TEXT NOT NULL,
    blob_len     BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    width        BIGINT,
    height       BIGINT,
    t_ms         BIGINT,
    precheck     TEXT,
    created_at   BIGINT NOT NULL,
    UNIQUE (applicant_id, attempt, seq)
);

CREATE TABLE liveness_challenges (
    id           TEXT PRIMARY KEY,
    applicant_id TEXT NOT NULL REFERENCES applicants (id),
    attempt      BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    challenge    TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (applicant_id, attempt, seq)
);

CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    applicant_id     TEXT NOT NULL REFERENCES applicants (id),
    attempt          BIGINT NOT NULL,
    level            TEXT NOT NULL,
    -- queued | running | done
    state            TEXT NOT NULL,
    worker_id        TEXT,
    lease_token      TEXT,
    lease_expires_at BIGINT,
    claims           BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    started_at       BIGINT,
    finished_at      BIGINT,
    -- One verification per attempt: a resubmission is a new attempt.
    UNIQUE (applicant_id, attempt)
);
CREATE INDEX jobs_claimable ON jobs (state, created_at);

CREATE TABLE reports (
    applicant_id TEXT NOT NULL REFERENCES applicants (id),
    attempt      BIGINT NOT NULL,
    job_id       TEXT REFERENCES jobs (id),
    decision     TEXT NOT NULL,
    level        TEXT NOT NULL,
    report       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (applicant_id, attempt)
);

-- A person's decision on an applicant sent to review.
CREATE TABLE review_decisions (
    applicant_id TEXT NOT NULL REFERENCES applicants (id),
    attempt      BIGINT NOT NULL,
    decision     TEXT NOT NULL,
    reviewer     TEXT NOT NULL,
    note         TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (applicant_id, attempt)
);

CREATE TABLE document_keys (
    doc_key      TEXT NOT NULL,
    applicant_id TEXT NOT NULL REFERENCES applicants (id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (doc_key, applicant_id)
);

CREATE TABLE face_templates (
    applicant_id TEXT PRIMARY KEY REFERENCES applicants (id),
    template     BLOB NOT NULL,
    attempt      BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    -- Write order (events of one millisecond too); MAX + 1 under writers
    -- serialised by SQLite (PostgreSQL: a sequence).
    seq             BIGINT NOT NULL UNIQUE,
    event_type      TEXT NOT NULL,
    applicant_id    TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    delivered_at    BIGINT,
    failed_at       BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at);
CREATE INDEX outbox_applicant ON outbox (applicant_id, seq);
