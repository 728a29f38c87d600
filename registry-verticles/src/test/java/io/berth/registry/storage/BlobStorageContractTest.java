package io.berth.registry.storage;

import io.berth.model.oci.Digest;
import io.berth.model.oci.Digester;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What every {@link BlobStorage} driver must do; each driver runs it through a subclass. */
public abstract class BlobStorageContractTest {
    protected Vertx vertx;
    protected BlobStorage storage;
    @TempDir
    protected Path dir;

    /** A fresh, empty storage for one test. */
    protected abstract BlobStorage create(Vertx vertx, Path dir) throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        storage = create(vertx, dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    protected static <T> T await(Future<T> future) throws Exception {
        return future.await(30, TimeUnit.SECONDS);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private void write(String id, long offset, byte[] bytes) throws Exception {
        var out = await(storage.appendUpload(id, offset));
        await(out.write(Buffer.buffer(bytes)));
        await(out.end());
    }

    private Digest store(byte[] bytes) throws Exception {
        String id = UUID.randomUUID().toString();
        write(id, 0, bytes);
        Digest digest = Digester.sha256(bytes);
        await(storage.commitUpload(id, digest));
        return digest;
    }

    @Test
    void missingThingsAreEmptyNotErrors() throws Exception {
        Digest digest = Digester.sha256(new byte[]{1});
        assertNull(await(storage.size(digest)));
        assertNull(await(storage.read(digest, 100)));
        await(storage.delete(digest));
        String id = UUID.randomUUID().toString();
        assertEquals(0L, await(storage.uploadSize(id)));
        await(storage.deleteUpload(id));
        assertEquals(Digester.sha256(new byte[0]), await(storage.digestUpload(id, "sha256")));
    }

    @Test
    void smallBlobsAreReadWholeAndLargerOnesRefused() throws Exception {
        byte[] bytes = random(3000, 9);
        Digest digest = store(bytes);
        assertArrayEquals(bytes, await(storage.read(digest, 3000)).getBytes());
        assertThrows(Exception.class, () -> await(storage.read(digest, 2999)));
        await(storage.delete(digest));
        assertNull(await(storage.read(digest, 3000)));
    }

    @Test
    void uploadsAppendAtTheirOffset() throws Exception {
        byte[] bytes = random(200_000, 1);
        String id = UUID.randomUUID().toString();
        write(id, 0, Arrays.copyOfRange(bytes, 0, 70_000));
        assertEquals(70_000L, await(storage.uploadSize(id)));
        write(id, 70_000, Arrays.copyOfRange(bytes, 70_000, 200_000));
        assertEquals(200_000L, await(storage.uploadSize(id)));
        assertEquals(Digester.sha256(bytes), await(storage.digestUpload(id, "sha256")));
        assertEquals(Digester.of("sha512", bytes), await(storage.digestUpload(id, "sha512")));
    }

    @Test
    void writingAtAnEarlierOffsetDiscardsTheBytesPastIt() throws Exception {
        byte[] bytes = random(1000, 2);
        String id = UUID.randomUUID().toString();
        write(id, 0, Arrays.copyOfRange(bytes, 0, 600));
        write(id, 400, Arrays.copyOfRange(bytes, 400, 1000));
        assertEquals(1000L, await(storage.uploadSize(id)));
        assertEquals(Digester.sha256(bytes), await(storage.digestUpload(id, "sha256")));
    }

    @Test
    void writingPastTheEndFails() throws Exception {
        String id = UUID.randomUUID().toString();
        write(id, 0, new byte[10]);
        assertThrows(Exception.class, () -> await(storage.appendUpload(id, 11)));
        assertEquals(10L, await(storage.uploadSize(id)));
    }

    @Test
    void commitMovesTheUploadIntoPlaceAndKeepsAnExistingBlob() throws Exception {
        byte[] bytes = random(5000, 3);
        Digest digest = store(bytes);
        assertEquals(5000L, await(storage.size(digest)));

        String again = UUID.randomUUID().toString();
        write(again, 0, bytes);
        await(storage.commitUpload(again, digest));
        assertEquals(0L, await(storage.uploadSize(again)));
        assertEquals(5000L, await(storage.size(digest)));

        await(storage.delete(digest));
        assertNull(await(storage.size(digest)));
    }

    @Test
    void anEmptyUploadCommitsAsAnEmptyBlob() throws Exception {
        String id = UUID.randomUUID().toString();
        Digest empty = Digester.sha256(new byte[0]);
        await(storage.commitUpload(id, empty));
        assertEquals(0L, await(storage.size(empty)));
    }

    @Test
    void deleteUploadDiscardsItsBytes() throws Exception {
        String id = UUID.randomUUID().toString();
        write(id, 0, new byte[100]);
        await(storage.deleteUpload(id));
        assertEquals(0L, await(storage.uploadSize(id)));
    }

    @Test
    void sendWritesTheRequestedBytes() throws Exception {
        byte[] bytes = random(300_000, 4);
        Digest digest = store(bytes);
        HttpServer server = await(vertx.createHttpServer().requestHandler(request -> {
            long offset = Long.parseLong(request.getParam("offset"));
            long length = Long.parseLong(request.getParam("length"));
            var response = request.response().putHeader("Content-Length", String.valueOf(length));
            storage.send(digest, response, offset, length).onFailure(err -> response.reset());
        }).listen(0, "127.0.0.1"));
        var client = HttpClient.newHttpClient();
        for (long[] range : new long[][]{{0, 300_000}, {1000, 5000}, {299_999, 1}}) {
            var response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
                    + "/?offset=" + range[0] + "&length=" + range[1])).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(Arrays.copyOfRange(bytes, (int) range[0], (int) (range[0] + range[1])), response.body());
        }
    }

    private String readObject(String key) throws Exception {
        var in = await(storage.readObject(key));
        var content = Buffer.buffer();
        in.handler(content::appendBuffer);
        var done = io.vertx.core.Promise.<Void>promise();
        in.endHandler(v -> done.tryComplete()).exceptionHandler(done::tryFail);
        in.resume();
        await(done.future());
        return content.toString();
    }

    private void writeObject(String key, String... parts) throws Exception {
        var out = await(storage.writeObject(key));
        for (String part : parts) await(out.write(Buffer.buffer(part)));
        await(out.end());
    }

    @Test
    void objectsAreWrittenReplacedReadAndDeleted() throws Exception {
        writeObject("exports/a1.json", "{\"logs\":", "[1, 2, 3]}");
        assertEquals("{\"logs\":[1, 2, 3]}", readObject("exports/a1.json"));
        writeObject("exports/a1.json", "{}");
        assertEquals("{}", readObject("exports/a1.json"));
        await(storage.deleteObject("exports/a1.json"));
        assertThrows(Exception.class, () -> await(storage.readObject("exports/a1.json")));
        await(storage.deleteObject("exports/a1.json"));
    }

    @Test
    void objectKeysCannotLeaveTheirPlace() {
        for (String key : new String[]{"../escape", "exports/../../x", "/absolute", "Upper", ""}) {
            assertThrows(Exception.class, () -> await(storage.writeObject(key)), key);
        }
    }
}
