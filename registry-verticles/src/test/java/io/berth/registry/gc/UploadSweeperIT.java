package io.berth.registry.gc;

import io.berth.registry.testing.Blobs;
import io.berth.registry.testing.RegistryHttp;
import io.berth.registry.testing.TestServer;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweeper deletes sessions untouched for UPLOAD_EXPIRATION, row and bytes, and leaves the others alone. The test
 * ages a session in the database rather than waiting, and runs one sweep directly.
 */
class UploadSweeperIT {
    static TestServer server;
    static RegistryHttp http;
    static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("UPLOAD_EXPIRATION", "1h"));
        server.createUser("alice", "correct-horse");
        http = new RegistryHttp(server);
        token = http.token("alice", "correct-horse", "repository:alice/app:pull,push");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private String startWithBytes() {
        String location = Blobs.start(http, "alice/app", token);
        var r = http.send(http.request(location, token).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(new byte[500])).build());
        assertEquals(202, r.statusCode(), r.body());
        return location;
    }

    private static String uuid(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private Path scratch(String location) {
        return server.services().config().storagePath().resolve("uploads").resolve(uuid(location));
    }

    private void age(String location, String interval) throws Exception {
        server.services().database().pool()
                .preparedQuery("UPDATE upload SET updated_at = now() - $2::text::interval WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(uuid(location)), interval)).await(10, TimeUnit.SECONDS);
    }

    @Test
    void expiredSessionsAreDeletedWithTheirBytes() throws Exception {
        String expired = startWithBytes();
        String fresh = startWithBytes();
        String leased = startWithBytes();
        age(expired, "61 minutes");
        age(leased, "2 hours");
        // a session some request is writing right now is left alone, however old
        server.services().database().pool()
                .preparedQuery("UPDATE upload SET lease_token = $2, lease_until = now() + interval '1 minute' WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(uuid(leased)), UUID.randomUUID())).await(10, TimeUnit.SECONDS);
        assertTrue(Files.exists(scratch(expired)));

        int deleted = server.services().uploadSweeper().sweep().await(30, TimeUnit.SECONDS);

        assertEquals(1, deleted);
        assertEquals(404, http.send(http.request(expired, token).GET().build()).statusCode());
        assertFalse(Files.exists(scratch(expired)));
        assertEquals(204, http.send(http.request(fresh, token).GET().build()).statusCode());
        assertTrue(Files.exists(scratch(fresh)));
        assertEquals(204, http.send(http.request(leased, token).GET().build()).statusCode());
        assertEquals(0, server.services().uploadSweeper().sweep().await(30, TimeUnit.SECONDS));
    }
}
