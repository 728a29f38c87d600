package io.berth.registry.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs container clients (docker, podman, skopeo, buildah) as child processes with a timeout and captures their
 * output. Each instance has a home of its own, so credentials never leak between tests or from the developer's
 * machine: docker reads {@code DOCKER_CONFIG}, the containers tools read {@code REGISTRY_AUTH_FILE}.
 */
public final class Cli {
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Path home;
    private final Map<String, String> env = new HashMap<>();

    /** The outcome of one command; {@link #ok()} turns a non-zero exit into a test failure that shows the output. */
    public record Result(List<String> command, int exit, String out, String err) {
        public String all() {
            return out + err;
        }

        public Result ok() {
            if (exit != 0) throw new AssertionError("command failed: " + this);
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    Cli(Path home) {
        this.home = home;
        try {
            Files.createDirectories(home.resolve("docker"));
            // podman and skopeo refuse to start when REGISTRY_AUTH_FILE names a missing file
            Files.writeString(home.resolve("auth.json"), "{\"auths\":{}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("DOCKER_CONFIG", home.resolve("docker").toString());
        env.put("REGISTRY_AUTH_FILE", home.resolve("auth.json").toString());
        // the classic builder works with every daemon version and honours --network=host without buildx
        env.put("DOCKER_BUILDKIT", "0");
    }

    /** A client home in a fresh temporary directory. */
    public static Cli withFreshHome(String prefix) {
        return new Cli(Clients.tempDir(prefix));
    }

    public Path home() {
        return home;
    }

    public Result run(String... command) {
        return run(DEFAULT_TIMEOUT, null, command);
    }

    /** Best effort {@code docker rmi -f}, so that a test leaves the shared daemon as it found it. */
    public void removeImages(List<String> references) {
        if (references.isEmpty()) return;
        var args = new ArrayList<>(List.of("docker", "rmi", "-f"));
        args.addAll(references);
        run(args.toArray(String[]::new));
    }

    public Result runWithInput(String stdin, String... command) {
        return run(DEFAULT_TIMEOUT, stdin, command);
    }

    public Result run(Duration timeout, String stdin, String... command) {
        int n = RUNS.incrementAndGet();
        Path out = home.resolve("run-" + n + ".out");
        Path err = home.resolve("run-" + n + ".err");
        var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            // output goes to files, so a chatty client can never block on a full pipe
            try (var in = process.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout + ": " + new Result(List.of(command), -1,
                        Files.readString(out), Files.readString(err)));
            }
            return new Result(List.of(command), process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
