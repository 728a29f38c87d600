-- A manifest deleted by digest stays as a row while tag history (the time machine) still points at it; it is no longer
-- served, listed or usable as an index child. Pushing the same bytes again revives it. GC removes the row later.
ALTER TABLE manifest ADD COLUMN deleted_at TIMESTAMPTZ;

-- tags list and catalog page in byte order
CREATE INDEX tag_live_names ON tag (repository_id, name COLLATE "C") WHERE end_ts IS NULL;
