-- Webhook endpoints an admin manages in the review console, besides the
-- one in the configuration file. Each has its own Standard Webhooks secret,
-- sealed under the master key like the API keys' (the id as associated data).
CREATE TABLE webhook_endpoints (
    id            TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    sealed_secret BLOB NOT NULL,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT
);
