package io.berth.registry.content;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.oci.Digester;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

import java.util.function.BooleanSupplier;

/**
 * The write side of an upload chunk: counts and hashes each buffer on its way to storage, and refuses the write that
 * would take the upload past the size limit or that comes after the upload's lease was lost. Never holds more than
 * the buffer in hand. Also the sink of other streamed uploads (files dropped for builds), with their own refusal.
 */
public final class ChunkSink implements WriteStream<Buffer> {
    private final WriteStream<Buffer> storage;
    private final Digester digester;
    private final long base;
    private final long limit;
    private final BooleanSupplier leaseLost;
    private final BerthException tooLarge;
    private long written;
    private BerthException refusal;

    ChunkSink(WriteStream<Buffer> storage, Digester digester, long base, long limit, BooleanSupplier leaseLost) {
        this(storage, digester, base, limit, leaseLost, new BerthException(ErrorCode.BLOB_TOO_LARGE,
                "blob exceeds the maximum layer size of " + limit + " bytes"));
    }

    /** A sink from offset 0 without a lease, failing with {@code tooLarge} past {@code limit} bytes. */
    public ChunkSink(WriteStream<Buffer> storage, Digester digester, long limit, BerthException tooLarge) {
        this(storage, digester, 0, limit, () -> false, tooLarge);
    }

    private ChunkSink(WriteStream<Buffer> storage, Digester digester, long base, long limit, BooleanSupplier leaseLost,
                      BerthException tooLarge) {
        this.storage = storage;
        this.digester = digester;
        this.base = base;
        this.limit = limit;
        this.leaseLost = leaseLost;
        this.tooLarge = tooLarge;
    }

    public long written() { return written; }

    /** Why a write was refused, or null. */
    BerthException refusal() { return refusal; }

    @Override
    public Future<Void> write(Buffer data) {
        if (refusal != null) return Future.failedFuture(refusal);
        if (base + written + data.length() > limit) {
            refusal = tooLarge;
            return Future.failedFuture(refusal);
        }
        if (leaseLost.getAsBoolean()) {
            refusal = new BerthException(ErrorCode.BLOB_UPLOAD_INVALID, "upload was taken over by another request");
            return Future.failedFuture(refusal);
        }
        written += data.length();
        if (digester != null) digester.update(data.getBytes());
        return storage.write(data);
    }

    @Override
    public Future<Void> end() { return storage.end(); }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        storage.exceptionHandler(handler);
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        storage.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        // after a refusal the pipe has already ended (closed) the storage stream
        return refusal == null && storage.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        storage.drainHandler(handler);
        return this;
    }
}
