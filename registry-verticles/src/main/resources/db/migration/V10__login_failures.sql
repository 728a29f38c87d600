-- Consecutive failed password logins per user (Quay's invalid_login_attempts): enough of them throttle the account.
ALTER TABLE account
    ADD COLUMN invalid_login_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN last_invalid_login timestamptz;
