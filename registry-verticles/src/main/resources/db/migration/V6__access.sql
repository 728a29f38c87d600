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
