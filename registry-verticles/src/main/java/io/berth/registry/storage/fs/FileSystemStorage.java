package io.berth.registry.storage.fs;

import io.berth.model.oci.Digest;
import io.berth.model.oci.Digester;
import io.berth.registry.storage.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Local-filesystem storage. Layout under the root: {@code blobs/<algorithm>/<first two hex>/<hex>},
 * {@code uploads/<upload id>} and {@code objects/<key>}. Blobs and uploads live on one filesystem so that finishing an
 * upload is an atomic rename.
 */
public final class FileSystemStorage implements BlobStorage {
    private final Vertx vertx;
    private final Path blobs;
    private final Path uploads;
    private final Path objects;

    public FileSystemStorage(Vertx vertx, Path root) {
        this.vertx = vertx;
        this.blobs = root.resolve("blobs");
        this.uploads = root.resolve("uploads");
        this.objects = root.resolve("objects");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(uploads);
            Files.createDirectories(objects);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create storage directories under " + root, e);
        }
    }

    Path blobPath(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    }

    private Path uploadPath(String uploadId) {
        if (!uploadId.matches("[0-9a-f-]{36}")) throw new IllegalArgumentException("bad upload id " + uploadId);
        return uploads.resolve(uploadId);
    }

    private Path objectPath(String key) {
        if (!key.matches("[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*")) {
            throw new IllegalArgumentException("bad object key " + key);
        }
        return objects.resolve(key);
    }

    @Override
    public Future<Long> size(Digest digest) {
        return vertx.fileSystem().props(blobPath(digest).toString())
                .map(props -> props.size())
                .recover(err -> missing(err) ? Future.succeededFuture(null) : Future.failedFuture(err));
    }

    @Override
    public Future<Void> send(Digest digest, HttpServerResponse response, long offset, long length) {
        return response.sendFile(blobPath(digest).toString(), offset, length);
    }

    @Override
    public Future<Buffer> read(Digest digest, int maxBytes) {
        String path = blobPath(digest).toString();
        return size(digest).compose(size -> {
            if (size == null) return Future.succeededFuture();
            if (size > maxBytes) {
                return Future.failedFuture(new IOException("blob " + digest + " has " + size + " bytes, more than "
                        + maxBytes));
            }
            return vertx.fileSystem().readFile(path);
        });
    }

    @Override
    public Future<Void> delete(Digest digest) {
        return deleteIfExists(blobPath(digest));
    }

    @Override
    public Future<WriteStream<Buffer>> appendUpload(String uploadId, long offset) {
        String path = uploadPath(uploadId).toString();
        return vertx.fileSystem().open(path, new OpenOptions().setCreate(true).setWrite(true))
                .compose(file -> file.size().compose(size -> {
                    if (size < offset) {
                        return Future.failedFuture(new IOException("upload " + uploadId + " has " + size
                                + " bytes in storage, expected " + offset));
                    }
                    return size == offset ? Future.succeededFuture() : vertx.fileSystem().truncate(path, offset);
                }).<WriteStream<Buffer>>map(v -> file.setWritePos(offset))
                  .onFailure(err -> file.close()));
    }

    @Override
    public Future<Long> uploadSize(String uploadId) {
        return vertx.fileSystem().props(uploadPath(uploadId).toString())
                .map(props -> props.size())
                .recover(err -> missing(err) ? Future.succeededFuture(0L) : Future.failedFuture(err));
    }

    @Override
    public Future<Digest> digestUpload(String uploadId, String algorithm) {
        Path path = uploadPath(uploadId);
        return vertx.executeBlocking(() -> {
            Digester digester = Digester.of(algorithm);
            if (Files.exists(path)) {
                try (InputStream in = Files.newInputStream(path)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n; (n = in.read(buffer)) > 0; ) digester.update(buffer, 0, n);
                }
            }
            return digester.digest();
        }, false);
    }

    @Override
    public Future<Void> commitUpload(String uploadId, Digest digest) {
        Path source = uploadPath(uploadId);
        Path target = blobPath(digest);
        return vertx.executeBlocking(() -> {
            Files.createDirectories(target.getParent());
            if (!Files.exists(source)) Files.createFile(source);
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(source);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("storage root must be on one filesystem: " + e.getMessage(), e);
            }
            return null;
        }, false);
    }

    @Override
    public Future<Void> deleteUpload(String uploadId) {
        return deleteIfExists(uploadPath(uploadId));
    }

    @Override
    public Future<WriteStream<Buffer>> writeObject(String key) {
        Path path = objectPath(key);
        return vertx.fileSystem().mkdirs(path.getParent().toString())
                .compose(v -> vertx.fileSystem().open(path.toString(),
                        new OpenOptions().setCreate(true).setWrite(true).setTruncateExisting(true)))
                .map(file -> file);
    }

    @Override
    public Future<ReadStream<Buffer>> readObject(String key) {
        Path path = objectPath(key);
        return vertx.fileSystem().open(path.toString(), new OpenOptions().setRead(true).setCreate(false))
                .map(file -> file.pause());
    }

    @Override
    public Future<Void> deleteObject(String key) {
        return deleteIfExists(objectPath(key));
    }

    private Future<Void> deleteIfExists(Path path) {
        return vertx.executeBlocking(() -> {
            Files.deleteIfExists(path);
            return null;
        }, false);
    }

    private static boolean missing(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            if (t instanceof NoSuchFileException) return true;
        }
        return false;
    }
}
