-- Reviewer accounts of the review console (issue 7): an e-mail, a role and
-- an Argon2id password hash (PHC string); never a password.
CREATE TABLE reviewers (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    -- reviewer | senior | admin
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT
);
CREATE UNIQUE INDEX reviewers_email ON reviewers (email);
