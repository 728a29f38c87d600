-- App-specific tokens (Quay's appspecificauthtoken): a user's passwords for the docker CLI and other clients, used
-- with the username $app. A token is 120 characters: the first 60 are its lookup name, the other 60 its secret, sealed
-- with the database key (like robot tokens) because its owner may read it back. No expiration means it never expires.
CREATE TABLE app_specific_token (
    id            BIGSERIAL PRIMARY KEY,
    uuid          UUID        NOT NULL UNIQUE,
    account_id    BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    title         TEXT        NOT NULL,
    token_name    TEXT        NOT NULL UNIQUE,
    token_sealed  TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expiration    TIMESTAMPTZ,
    last_accessed TIMESTAMPTZ
);

CREATE INDEX app_specific_token_account ON app_specific_token (account_id);
