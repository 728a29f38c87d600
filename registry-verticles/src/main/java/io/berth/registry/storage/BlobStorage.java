package io.berth.registry.storage;

import io.berth.model.oci.Digest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * Where bytes live: content-addressed blobs, the scratch files of uploads in progress, and named objects (files Berth
 * produces, such as usage-log exports). Metadata is PostgreSQL's business; a driver only moves bytes. Every
 * implementation passes {@code BlobStorageContractTest}.
 */
public interface BlobStorage {

    /** The blob's size in bytes, or null when storage does not hold it. */
    Future<Long> size(Digest digest);

    /** Writes {@code length} bytes of the blob from {@code offset} to the response, which the caller has headed. */
    Future<Void> send(Digest digest, HttpServerResponse response, long offset, long length);

    /**
     * The whole blob, for small ones a registry reads itself (image configs): null when storage does not hold it;
     * fails when it is larger than {@code maxBytes}.
     */
    Future<Buffer> read(Digest digest, int maxBytes);

    /** Removes the blob; removing a missing blob succeeds. */
    Future<Void> delete(Digest digest);

    /**
     * Opens the upload's scratch space for writing at {@code offset}, creating it when new. Bytes already stored past
     * {@code offset} (left by a write that failed before its size was recorded) are discarded first. Fails when fewer
     * than {@code offset} bytes are stored. End the stream when done; the bytes are durable once {@code end()} succeeds.
     */
    Future<WriteStream<Buffer>> appendUpload(String uploadId, long offset);

    /** Bytes received so far for the upload (0 when none). */
    Future<Long> uploadSize(String uploadId);

    /** Hashes the upload's bytes from the start: used when the running hash of a resumed upload is not at hand. */
    Future<Digest> digestUpload(String uploadId, String algorithm);

    /** Moves the finished upload into place as the blob, atomically; an existing copy of the blob is kept. */
    Future<Void> commitUpload(String uploadId, Digest digest);

    /** Discards the upload's bytes; discarding a missing upload succeeds. */
    Future<Void> deleteUpload(String uploadId);

    /**
     * Opens a named object for writing from its start, replacing an existing one. Keys are relative paths of lower-case
     * letters, digits, {@code . _ -} and {@code /}. End the stream when done; the object is durable once {@code end()}
     * succeeds.
     */
    Future<WriteStream<Buffer>> writeObject(String key);

    /** Opens a named object for reading, paused; fails when it does not exist. */
    Future<ReadStream<Buffer>> readObject(String key);

    /** Removes a named object; removing a missing one succeeds. */
    Future<Void> deleteObject(String key);
}
