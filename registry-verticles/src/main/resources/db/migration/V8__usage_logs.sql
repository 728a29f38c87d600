-- The usage log becomes a table partitioned by UTC day, so that retention drops whole partitions and a query for a
-- date range reads only the days it asks for. Each row keeps the names it needs to be rendered (namespace, repository,
-- performer) as they were at the time, since accounts and repositories can be deleted later.
-- LogPartitionRepository creates partitions ahead of time (and on demand, when a row finds none).
ALTER TABLE usage_log RENAME TO usage_log_v1;
ALTER SEQUENCE usage_log_id_seq RENAME TO usage_log_v1_id_seq;
ALTER INDEX usage_log_pkey RENAME TO usage_log_v1_pkey;
ALTER INDEX usage_log_namespace_time RENAME TO usage_log_v1_namespace_time;
ALTER INDEX usage_log_repository_time RENAME TO usage_log_v1_repository_time;

-- Ids are taken under a lock by the one writer (UsageLogger), so id order is commit order: paging by id never skips a
-- row that commits later.
CREATE SEQUENCE usage_log_id_seq;

CREATE TABLE usage_log (
    id              BIGINT      NOT NULL DEFAULT nextval('usage_log_id_seq'),
    kind            TEXT        NOT NULL,
    namespace_id    BIGINT,
    namespace_name  TEXT,
    -- 'user' or 'organization'
    namespace_kind  TEXT,
    repository_id   BIGINT,
    repository_name TEXT,
    performer_id    BIGINT,
    performer_name  TEXT,
    -- 'user', 'robot', 'oauth' (a user through an OAuth token; the application is in metadata) or 'anonymous'
    performer_kind  TEXT        NOT NULL,
    ip              TEXT,
    metadata        JSONB       NOT NULL DEFAULT '{}',
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE usage_log_id_seq OWNED BY usage_log.id;

-- Pages are read newest first by id within a namespace, a repository or a performer; kind and time are included so
-- that aggregation (counts per kind per day) is an index-only scan.
CREATE INDEX usage_log_namespace ON usage_log (namespace_id, id) INCLUDE (kind, created_at);
CREATE INDEX usage_log_repository ON usage_log (repository_id, id) INCLUDE (kind, created_at)
    WHERE repository_id IS NOT NULL;
CREATE INDEX usage_log_performer ON usage_log (performer_name, id);

-- Partitions for the days of existing entries and the week ahead, then the entries themselves.
DO $$
DECLARE
    day DATE;
    first_day DATE := LEAST((SELECT min(created_at AT TIME ZONE 'UTC')::date FROM usage_log_v1),
                            (now() AT TIME ZONE 'UTC')::date);
BEGIN
    FOR day IN SELECT generate_series(first_day, (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day')::date LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF usage_log FOR VALUES FROM (%L) TO (%L)',
                       'usage_log_' || to_char(day, 'YYYYMMDD'),
                       day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
    END LOOP;
END $$;

INSERT INTO usage_log (kind, namespace_id, namespace_name, namespace_kind, repository_id, repository_name,
                       performer_id, performer_name, performer_kind, ip, metadata, created_at)
SELECT l.kind, l.namespace_id, COALESCE(n.username, l.metadata ->> 'namespace'), COALESCE(n.kind, 'user'),
       l.repository_id, COALESCE(r.name, l.metadata ->> 'repo'), l.performer_id, p.username, l.performer_kind, l.ip,
       l.metadata, l.created_at
FROM usage_log_v1 l
LEFT JOIN account n ON n.id = l.namespace_id
LEFT JOIN repository r ON r.id = l.repository_id
LEFT JOIN account p ON p.id = l.performer_id
ORDER BY l.id;

DROP TABLE usage_log_v1;

-- Log exports: a durable queue (row first, wake-up event second). Per namespace, only the oldest unfinished export
-- (queued, running or delivering) is eligible, so one runs at a time, its delivery included, and later requests wait
-- their turn. A node works an export under a lease; a node that dies leaves a lease that expires and another node
-- picks the export up again.
CREATE TABLE log_export (
    id               UUID        PRIMARY KEY,
    namespace_id     BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    namespace_name   TEXT        NOT NULL,
    repository_id    BIGINT,
    repository_name  TEXT,
    requester_id     BIGINT,
    requester_name   TEXT,
    requester_kind   TEXT        NOT NULL,
    ip               TEXT,
    start_time       TIMESTAMPTZ NOT NULL,
    end_time         TIMESTAMPTZ NOT NULL,
    callback_url     TEXT,
    callback_email   TEXT,
    -- queued → running (writing the file) → delivering (callback or e-mail, retried) → done | failed
    state            TEXT        NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'running', 'delivering', 'done', 'failed')),
    -- 'success' or 'failed': what the callback or e-mail reports
    outcome          TEXT,
    attempts         INT         NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_token      UUID,
    lease_until      TIMESTAMPTZ,
    -- the unguessable name of the result in storage, served at /exportedlogs/<file_id> until file_expires_at
    file_id          TEXT        UNIQUE,
    file_expires_at  TIMESTAMPTZ,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (callback_url IS NOT NULL OR callback_email IS NOT NULL)
);
CREATE INDEX log_export_unfinished ON log_export (namespace_id, created_at) WHERE state IN ('queued', 'running', 'delivering');
CREATE INDEX log_export_due ON log_export (next_attempt_at) WHERE state IN ('queued', 'running', 'delivering');
CREATE INDEX log_export_expiring ON log_export (file_expires_at) WHERE file_id IS NOT NULL;
