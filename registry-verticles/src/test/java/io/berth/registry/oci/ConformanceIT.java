package io.berth.registry.oci;

import io.berth.registry.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the standalone OCI distribution-spec checker ({@code scripts/conformance.py}) against a real Berth node. The
 * checker is written from the specification, not from Berth's code, so it catches misreadings the unit tests share.
 */
class ConformanceIT {
    private static final String USER = "conformer";
    private static final String PASSWORD = "conformance-pass-1";
    private static final long TIMEOUT_MINUTES = 5;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.createUser(USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void registryPassesTheConformanceChecker() throws Exception {
        String python = python3();
        // surefire runs in the module directory; the script lives at the repository root
        Path script = Path.of("..", "scripts", "conformance.py").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), "checker not found at " + script);

        var process = new ProcessBuilder(List.of(python, script.toString(),
                "--url", server.baseUrl(),
                "--username", USER,
                "--password", PASSWORD,
                "--namespace", USER + "/conformance",
                "--cross-mount-namespace", USER + "/conformance-other",
                // Berth answers a deleted tag still in the time machine with Quay's TAG_EXPIRED
                "--allow-code", "TAG_EXPIRED"))
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        // read on another thread so a hung checker cannot block us past the timeout
        var output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), output));
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        System.out.println(text);
        if (!finished) fail("conformance checker did not finish within " + TIMEOUT_MINUTES + " minutes:\n" + text);
        assertEquals(0, process.exitValue(), "conformance checker reported failures:\n" + text);
    }

    /** The python3 executable; a missing one skips the test locally and fails it on CI, where it must run. */
    private static String python3() {
        boolean available;
        try {
            var probe = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            probe.getInputStream().transferTo(OutputStream.nullOutputStream());
            available = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            available = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (!available) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("python3 is required on CI to run the conformance checker");
            assumeTrue(false, "python3 not found; skipping the conformance checker");
        }
        return "python3";
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
