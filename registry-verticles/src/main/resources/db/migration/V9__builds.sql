-- Files uploaded through /api/v1/filedrop/ for builds (Quay's user files). The bytes are a blob in storage; the
-- foreign key keeps garbage collection from removing a blob a user file still needs.
CREATE TABLE userfile (
    id          UUID        PRIMARY KEY,
    owner_id    BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    mime_type   TEXT        NOT NULL,
    digest      TEXT        REFERENCES blob (digest),
    size        BIGINT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    uploaded_at TIMESTAMPTZ
);

-- Builds are their own work queue: a 'waiting' row whose available_after has passed is work; a claimed row carries the
-- lease of the worker running it, renewed by heartbeats. A lapsed lease puts the row back to 'waiting' while tries
-- remain. Terminal phases: complete, error, internalerror, cancelled.
CREATE TABLE build (
    id                BIGSERIAL   PRIMARY KEY,
    uuid              UUID        NOT NULL UNIQUE,
    repository_id     BIGINT      NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    namespace_id      BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    phase             TEXT        NOT NULL DEFAULT 'waiting' CHECK (phase IN ('waiting', 'build-scheduled',
                          'unpacking', 'pulling', 'building', 'pushing', 'complete', 'error', 'internalerror', 'cancelled')),
    display_name      TEXT        NOT NULL,
    -- what the build was asked for: source, context, dockerfile_path, docker_tags, file_id or archive_url
    job_config        JSONB       NOT NULL,
    manual_user_id    BIGINT      REFERENCES account (id) ON DELETE SET NULL,
    -- registry credentials for base images, sealed with the database secret key
    pull_credentials  TEXT,
    retries_remaining INT         NOT NULL DEFAULT 3,
    available_after   TIMESTAMPTZ NOT NULL DEFAULT now(),
    worker_id         TEXT,
    lease_token       UUID,
    lease_expires     TIMESTAMPTZ,
    -- the highest worker log sequence stored under the current lease, and the number of log entries
    log_seq           BIGINT      NOT NULL DEFAULT 0,
    log_count         INT         NOT NULL DEFAULT 0,
    cancel_requested  BOOLEAN     NOT NULL DEFAULT FALSE,
    error             TEXT,
    image_id          TEXT,
    -- tag → manifest digest pushed by the build
    pushed            JSONB,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at        TIMESTAMPTZ,
    completed_at      TIMESTAMPTZ
);
CREATE INDEX build_waiting ON build (available_after, id) WHERE phase = 'waiting';
CREATE INDEX build_leased ON build (lease_expires) WHERE lease_token IS NOT NULL;
CREATE INDEX build_repository ON build (repository_id, created_at);
CREATE INDEX build_namespace_alive ON build (namespace_id)
    WHERE phase NOT IN ('complete', 'error', 'internalerror', 'cancelled');

-- Build logs in Quay's entry shape ({message, type?, data?}), numbered from 0 per build.
CREATE TABLE build_log (
    build_id BIGINT NOT NULL REFERENCES build (id) ON DELETE CASCADE,
    idx      INT    NOT NULL,
    entry    JSONB  NOT NULL,
    PRIMARY KEY (build_id, idx)
);
