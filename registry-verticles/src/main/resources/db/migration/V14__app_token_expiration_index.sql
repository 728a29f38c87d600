-- Garbage collection looks for app-specific tokens that expired a while ago on every pass of every node, and the
-- superuser listing of expiring tokens looks across all users: both by expiration. Tokens that never expire are left out.
CREATE INDEX app_specific_token_expiration ON app_specific_token (expiration) WHERE expiration IS NOT NULL;
