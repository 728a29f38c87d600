package io.berth.registry.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL server for the whole test JVM; each test server gets a database of its own, so tests are
 * isolated without paying for a server start each.
 */
public final class TestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestDatabase() {}

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the embedded server's own hook cleans up
                }
            }));
        }
        return server;
    }

    /** Creates a fresh, empty database and returns its {@code DB_URI}. */
    public static String freshDatabaseUri() {
        String name = "berth_test_" + COUNTER.incrementAndGet() + "_" + ProcessHandle.current().pid();
        try (Connection c = server().getPostgresDatabase().getConnection()) {
            c.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return "postgresql://postgres@localhost:" + server().getPort() + "/" + name;
    }
}
