-- Accounts: users, organizations and robots share one name space, as in Quay.
CREATE TABLE account (
    id                       BIGSERIAL PRIMARY KEY,
    uuid                     UUID        NOT NULL UNIQUE,
    username                 TEXT        NOT NULL UNIQUE,
    email                    TEXT        UNIQUE,
    password_hash            TEXT,
    kind                     TEXT        NOT NULL CHECK (kind IN ('user', 'organization', 'robot')),
    -- a robot's owning user or organization
    owner_id                 BIGINT      REFERENCES account (id) ON DELETE CASCADE,
    enabled                  BOOLEAN     NOT NULL DEFAULT TRUE,
    verified                 BOOLEAN     NOT NULL DEFAULT TRUE,
    removed_tag_expiration_s BIGINT      NOT NULL DEFAULT 1209600,
    created_at               TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE repository (
    id            BIGSERIAL PRIMARY KEY,
    namespace_id  BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name          TEXT        NOT NULL,
    visibility    TEXT        NOT NULL CHECK (visibility IN ('public', 'private')),
    description   TEXT        NOT NULL DEFAULT '',
    kind          TEXT        NOT NULL DEFAULT 'image',
    state         TEXT        NOT NULL DEFAULT 'NORMAL',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_modified TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (namespace_id, name)
);

-- Direct repository permissions of users and robots (teams arrive with the tenancy issue).
CREATE TABLE repository_permission (
    repository_id BIGINT NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    account_id    BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    role          TEXT   NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    PRIMARY KEY (repository_id, account_id)
);

-- Content-addressed blobs present in storage.
CREATE TABLE blob (
    digest     TEXT        PRIMARY KEY,
    size       BIGINT      NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Which repositories may serve a blob: uploaded or mounted there.
CREATE TABLE repository_blob (
    repository_id BIGINT      NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    digest        TEXT        NOT NULL REFERENCES blob (digest),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (repository_id, digest)
);
CREATE INDEX repository_blob_digest ON repository_blob (digest);

-- Upload sessions in progress; the bytes live in storage scratch space under the session id.
CREATE TABLE upload (
    id            UUID        PRIMARY KEY,
    repository_id BIGINT      NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    size          BIGINT      NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX upload_updated_at ON upload (updated_at);

CREATE TABLE manifest (
    id            BIGSERIAL PRIMARY KEY,
    repository_id BIGINT      NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    digest        TEXT        NOT NULL,
    media_type    TEXT        NOT NULL,
    artifact_type TEXT,
    -- the bytes exactly as pushed
    content       BYTEA       NOT NULL,
    subject       TEXT,
    annotations   JSONB       NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (repository_id, digest)
);
CREATE INDEX manifest_subject ON manifest (repository_id, subject) WHERE subject IS NOT NULL;

CREATE TABLE manifest_blob (
    manifest_id BIGINT NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    digest      TEXT   NOT NULL REFERENCES blob (digest),
    PRIMARY KEY (manifest_id, digest)
);
CREATE INDEX manifest_blob_digest ON manifest_blob (digest);

CREATE TABLE manifest_child (
    manifest_id BIGINT NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    child_id    BIGINT NOT NULL REFERENCES manifest (id),
    PRIMARY KEY (manifest_id, child_id)
);
CREATE INDEX manifest_child_child ON manifest_child (child_id);

-- Tags with their whole history: a row per period during which a name pointed at a manifest.
-- The live row of a name has end_ts NULL; expiration, when set, ends it at that moment without a sweep.
CREATE TABLE tag (
    id            BIGSERIAL PRIMARY KEY,
    repository_id BIGINT      NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    name          TEXT        NOT NULL,
    manifest_id   BIGINT      NOT NULL REFERENCES manifest (id),
    start_ts      TIMESTAMPTZ NOT NULL DEFAULT now(),
    end_ts        TIMESTAMPTZ,
    expiration    TIMESTAMPTZ,
    reversion     BOOLEAN     NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX tag_live ON tag (repository_id, name) WHERE end_ts IS NULL;
CREATE INDEX tag_manifest ON tag (manifest_id);
CREATE INDEX tag_history ON tag (repository_id, name, start_ts);

-- OAuth applications and access tokens (the first user's "automation" app; full CRUD in the tenancy issue).
CREATE TABLE oauth_application (
    id            BIGSERIAL PRIMARY KEY,
    client_id     TEXT        NOT NULL UNIQUE,
    client_secret TEXT        NOT NULL,
    owner_id      BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name          TEXT        NOT NULL,
    description   TEXT        NOT NULL DEFAULT '',
    redirect_uri  TEXT        NOT NULL DEFAULT '',
    application_uri TEXT      NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Tokens are looked up by their first 20 characters and verified against the hash of the rest.
CREATE TABLE oauth_access_token (
    id             BIGSERIAL PRIMARY KEY,
    uuid           UUID        NOT NULL UNIQUE,
    application_id BIGINT      NOT NULL REFERENCES oauth_application (id) ON DELETE CASCADE,
    account_id     BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    token_name     TEXT        NOT NULL UNIQUE,
    token_hash     TEXT        NOT NULL,
    scope          TEXT        NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Usage (audit) log; queries, retention and export arrive with the usage-log issue.
CREATE TABLE usage_log (
    id             BIGSERIAL PRIMARY KEY,
    kind           TEXT        NOT NULL,
    namespace_id   BIGINT,
    performer_id   BIGINT,
    performer_kind TEXT        NOT NULL,
    repository_id  BIGINT,
    ip             TEXT,
    metadata       JSONB       NOT NULL DEFAULT '{}',
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX usage_log_namespace_time ON usage_log (namespace_id, created_at);
CREATE INDEX usage_log_repository_time ON usage_log (repository_id, created_at);
