package io.berth.registry.build;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.berth.model.oci.Digester;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/** Hashes and counts a dropped file on its way to storage, refusing the write that would pass the size limit. */
final class CountingSink implements WriteStream<Buffer> {
    private final WriteStream<Buffer> storage;
    private final Digester digester;
    private final long[] size;
    private final long limit;
    private boolean refused;

    CountingSink(WriteStream<Buffer> storage, Digester digester, long[] size, long limit) {
        this.storage = storage;
        this.digester = digester;
        this.size = size;
        this.limit = limit;
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (refused || size[0] + data.length() > limit) {
            refused = true;
            return Future.failedFuture(new BerthException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "A build context may have at most " + limit + " bytes"));
        }
        size[0] += data.length();
        digester.update(data.getBytes());
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
    public boolean writeQueueFull() { return !refused && storage.writeQueueFull(); }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        storage.drainHandler(handler);
        return this;
    }
}
