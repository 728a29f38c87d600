-- Organizations are accounts of kind 'organization'; their members belong to teams, whose role applies to the whole
-- organization: admin (administers it), creator (may create repositories), member.
CREATE TABLE team (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name            TEXT        NOT NULL,
    role            TEXT        NOT NULL CHECK (role IN ('member', 'creator', 'admin')),
    description     TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (organization_id, name)
);

CREATE TABLE team_member (
    team_id    BIGINT NOT NULL REFERENCES team (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, account_id)
);
CREATE INDEX team_member_account ON team_member (account_id);
