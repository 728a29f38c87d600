-- Tag lifecycle (time machine, expiration, labels) and online garbage collection.

-- A manifest pushed by digest has no tag to keep it: it is kept until keep_until (PUSH_TEMP_TAG_EXPIRATION_SEC after
-- the push), long enough for the index, tag or subject that will reference it. layers_size is the sum of the layer
-- sizes of an image manifest (NULL for an index).
ALTER TABLE manifest ADD COLUMN keep_until TIMESTAMPTZ;
ALTER TABLE manifest ADD COLUMN layers_size BIGINT;
UPDATE manifest SET layers_size = (SELECT coalesce(sum((l ->> 'size')::bigint), 0)
                                   FROM jsonb_array_elements(convert_from(content, 'UTF8')::jsonb -> 'layers') AS l)
WHERE media_type NOT IN ('application/vnd.docker.distribution.manifest.list.v2+json',
                         'application/vnd.oci.image.index.v1+json');
-- manifests from before this migration get the default grace, so that none is collected the moment GC first runs
UPDATE manifest SET keep_until = now() + interval '1 hour';

-- Labels of a manifest: from its image config at push (source_type 'manifest', immutable) or added through the API.
CREATE TABLE manifest_label (
    id          BIGSERIAL PRIMARY KEY,
    uuid        UUID        NOT NULL UNIQUE,
    manifest_id BIGINT      NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    key         TEXT        NOT NULL,
    value       TEXT        NOT NULL,
    source_type TEXT        NOT NULL CHECK (source_type IN ('manifest', 'api', 'internal')),
    media_type  TEXT        NOT NULL CHECK (media_type IN ('text/plain', 'application/json')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX manifest_label_manifest ON manifest_label (manifest_id, key);

-- Blobs whose rows GC has deleted and whose bytes are still to be removed from storage. Whoever stores a blob again
-- deletes its row here in the same transaction, so the bytes are never removed from under a new upload.
CREATE TABLE blob_deletion (
    digest    TEXT        PRIMARY KEY,
    queued_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- tag history pages (newest first) and the expiry sweep
CREATE INDEX tag_repository_start ON tag (repository_id, start_ts DESC, name);
CREATE INDEX tag_expiring ON tag (expiration) WHERE end_ts IS NULL AND expiration IS NOT NULL;
