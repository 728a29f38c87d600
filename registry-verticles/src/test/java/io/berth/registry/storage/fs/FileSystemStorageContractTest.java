package io.berth.registry.storage.fs;

import io.berth.registry.storage.BlobStorage;
import io.berth.registry.storage.BlobStorageContractTest;
import io.vertx.core.Vertx;

import java.nio.file.Path;

class FileSystemStorageContractTest extends BlobStorageContractTest {
    @Override
    protected BlobStorage create(Vertx vertx, Path dir) {
        return new FileSystemStorage(vertx, dir);
    }
}
