package io.berth.builder.pipeline;

import io.berth.model.build.BuildSource;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The git source: a local repository cloned with JGit and checked out at a given (earlier) commit. */
class FetchContextStepTest {
    @TempDir
    Path dir;

    @Test
    void clonesAndChecksOutTheCommit() throws Exception {
        Path origin = dir.resolve("origin");
        String first;
        try (Git git = Git.init().setDirectory(origin.toFile()).setInitialBranch("main").call()) {
            Files.writeString(origin.resolve("Dockerfile"), "FROM first\n");
            git.add().addFilepattern(".").call();
            first = git.commit().setMessage("first").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com")
                    .setSign(false).call().name();
            Files.writeString(origin.resolve("Dockerfile"), "FROM second\n");
            git.commit().setAll(true).setMessage("second").setAuthor("t", "t@example.com")
                    .setCommitter("t", "t@example.com").setSign(false).call();
        }
        List<String> log = new ArrayList<>();
        Path work = Files.createDirectories(dir.resolve("work"));
        Path root = new FetchContextStep(1 << 20, 100).fetch(new BuildSource.Git(origin.toUri().toString(),
                first.substring(0, 10)), work, (m, t) -> log.add(m), new Cancel());
        assertEquals("FROM first\n", Files.readString(root.resolve("Dockerfile")));
        assertFalse(Files.exists(root.resolve(".git")), "git's data is not part of the context");
        assertTrue(log.get(0).startsWith("Cloning "), log.toString());

        Path again = Files.createDirectories(dir.resolve("again"));
        var missing = assertThrows(UserError.class, () -> new FetchContextStep(1 << 20, 100).fetch(
                new BuildSource.Git(origin.toUri().toString(), "deadbeefdeadbeef"), again, (m, t) -> { }, new Cancel()));
        assertTrue(missing.getMessage().startsWith("Commit deadbeefdeadbeef is not in "), missing.getMessage());
    }

    @Test
    void aStoppedBuildDoesNotStartFetching() {
        var cancel = new Cancel();
        cancel.fire();
        assertThrows(Cancel.Stopped.class, cancel::check);
    }
}
