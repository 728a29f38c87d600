-- Password recovery codes (POST /api/v1/recovery mails one; /recovery?code= signs its user in once). Only the code's
-- SHA-256 is stored; a code works until expires_at (USER_RECOVERY_TOKEN_LIFETIME after it was mailed).
CREATE TABLE password_recovery (
    code_hash  TEXT        PRIMARY KEY,
    account_id BIGINT      NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX password_recovery_account ON password_recovery (account_id);
