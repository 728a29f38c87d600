-- Browser sessions, shared by every node. The cookie holds a random token; only its SHA-256 is stored. A cookie
-- without a row is an anonymous session (it still carries a CSRF token, derived from the cookie).
CREATE TABLE web_session (
    token_hash TEXT        PRIMARY KEY,
    account_id BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    -- when the password was last entered (sign-in or /signin/verify): the fresh-login rule reads it
    fresh_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_session_account ON web_session (account_id);
CREATE INDEX web_session_expires ON web_session (expires_at);

-- OAuth applications: client_secret now holds the secret sealed with the database key (SecretBox), so that admins can
-- read it again. Secrets written before were stored in plain text and never shown; blank them so none stays at rest
-- (a reset issues a sealed one).
UPDATE oauth_application SET client_secret = '';
ALTER TABLE oauth_application ADD COLUMN avatar_email TEXT;
CREATE INDEX oauth_application_owner ON oauth_application (owner_id);

ALTER TABLE oauth_access_token ADD COLUMN name TEXT;
ALTER TABLE oauth_access_token ADD COLUMN last_accessed TIMESTAMPTZ;
CREATE INDEX oauth_access_token_application ON oauth_access_token (application_id);
CREATE INDEX oauth_access_token_account ON oauth_access_token (account_id);

-- Authorization codes of the OAuth code flow: single use (deleted when exchanged) and short-lived. Looked up by the
-- first 20 characters, verified against the hash of the rest.
CREATE TABLE oauth_authorization_code (
    code_name      TEXT        PRIMARY KEY,
    code_hash      TEXT        NOT NULL,
    application_id BIGINT      NOT NULL REFERENCES oauth_application (id) ON DELETE CASCADE,
    account_id     BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    scope          TEXT        NOT NULL,
    redirect_uri   TEXT        NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_authorization_code_expires ON oauth_authorization_code (expires_at);

-- Profile fields of PUT /api/v1/user/.
ALTER TABLE account ADD COLUMN given_name TEXT;
ALTER TABLE account ADD COLUMN family_name TEXT;
ALTER TABLE account ADD COLUMN company TEXT;
ALTER TABLE account ADD COLUMN location TEXT;

-- A requested e-mail change waiting for its confirmation link; the address changes only when it is followed.
CREATE TABLE email_confirmation (
    code_name  TEXT        PRIMARY KEY,
    code_hash  TEXT        NOT NULL,
    account_id BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    new_email  TEXT        NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX email_confirmation_account ON email_confirmation (account_id);

-- Deleting a namespace is one DELETE of its account row: everything it owns goes with it through ON DELETE CASCADE.
-- Every table that references account or repository must therefore cascade (or SET NULL).
