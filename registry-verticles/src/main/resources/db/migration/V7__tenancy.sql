-- Robot accounts are accounts of kind 'robot' named <namespace>+<name> whose owner_id is the namespace. Their token is
-- sealed with the database key (admins read it again); token_generation grows with every regeneration and registry
-- tokens carry it, so a regenerated token also ends the bearer tokens obtained with the old one.
CREATE TABLE robot (
    account_id            BIGINT      PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    token_sealed          TEXT        NOT NULL,
    token_generation      INTEGER     NOT NULL DEFAULT 1,
    description           TEXT        NOT NULL DEFAULT '',
    unstructured_metadata JSONB       NOT NULL DEFAULT '{}',
    last_accessed         TIMESTAMPTZ
);

CREATE INDEX account_owner ON account (owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX repository_permission_account ON repository_permission (account_id);

-- A team's role on a repository of its organization.
CREATE TABLE team_repository_permission (
    team_id       BIGINT NOT NULL REFERENCES team (id) ON DELETE CASCADE,
    repository_id BIGINT NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    role          TEXT   NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    PRIMARY KEY (team_id, repository_id)
);
CREATE INDEX team_repository_permission_repository ON team_repository_permission (repository_id);

-- Pending invitations to a team, of an existing user or of an e-mail address, until accepted or declined. The code
-- travels by mail; only its SHA-256 is kept. One pending invitation per invitee and team: inviting again renews it.
CREATE TABLE team_invite (
    id         BIGSERIAL   PRIMARY KEY,
    team_id    BIGINT      NOT NULL REFERENCES team (id) ON DELETE CASCADE,
    account_id BIGINT      REFERENCES account (id) ON DELETE CASCADE,
    email      TEXT,
    inviter_id BIGINT      REFERENCES account (id) ON DELETE SET NULL,
    code_hash  TEXT        NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((account_id IS NULL) <> (email IS NULL))
);
CREATE UNIQUE INDEX team_invite_account ON team_invite (team_id, account_id) WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX team_invite_email ON team_invite (team_id, lower(email)) WHERE email IS NOT NULL;

-- Default permissions (Quay's prototypes): when someone other than the organization creates a repository in it, the
-- delegate (a user, robot or team) gets the role; with an activating user, only for repositories that user creates.
CREATE TABLE permission_prototype (
    id                 BIGSERIAL   PRIMARY KEY,
    uuid               UUID        NOT NULL UNIQUE,
    organization_id    BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    activating_user_id BIGINT      REFERENCES account (id) ON DELETE CASCADE,
    delegate_user_id   BIGINT      REFERENCES account (id) ON DELETE CASCADE,
    delegate_team_id   BIGINT      REFERENCES team (id) ON DELETE CASCADE,
    role               TEXT        NOT NULL CHECK (role IN ('read', 'write', 'admin')),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((delegate_user_id IS NULL) <> (delegate_team_id IS NULL))
);
CREATE UNIQUE INDEX permission_prototype_unique ON permission_prototype (organization_id,
    coalesce(activating_user_id, 0), coalesce(delegate_user_id, 0), coalesce(delegate_team_id, 0));

-- Invoice settings of a namespace (PUT /api/v1/organization/<org>, quay-api.md §3.2).
ALTER TABLE account ADD COLUMN invoice_email BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE account ADD COLUMN invoice_email_address TEXT;
