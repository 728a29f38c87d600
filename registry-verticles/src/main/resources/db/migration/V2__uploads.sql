-- Uploads: a short, renewable lease lets one request at a time write an upload session without holding a database
-- connection while the bytes stream. A node that dies mid-write leaves a lease that simply expires.
ALTER TABLE upload ADD COLUMN lease_token UUID;
ALTER TABLE upload ADD COLUMN lease_until TIMESTAMPTZ;
CREATE INDEX upload_repository ON upload (repository_id);
