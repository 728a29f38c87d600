package io.berth.builder.pipeline;

import io.berth.model.build.BuildSource;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The first pipeline step: brings the build's source into a fresh directory. An archive is downloaded (no more than
 * the size limit) and unpacked by {@link ContextUnpacker}; a git source is cloned with JGit and checked out at its
 * commit, then checked for symbolic links that leave it.
 */
public final class FetchContextStep {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    private final long maxBytes;
    private final int maxFiles;

    public FetchContextStep(long maxBytes, int maxFiles) {
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    /** Fetches into {@code work}; returns the source's root directory. */
    public Path fetch(BuildSource source, Path work, BuildExecutor.Log log, Cancel cancel) throws Exception {
        Path root = work.resolve("context").toAbsolutePath().normalize();
        switch (source) {
            case BuildSource.Archive archive -> {
                Path download = work.resolve("package");
                log.line("Fetching the build package", null);
                downloadTo(archive.url(), download, cancel);
                new ContextUnpacker(maxBytes, maxFiles).unpack(download, root);
                Files.delete(download);
            }
            case BuildSource.Git git -> {
                log.line("Cloning " + git.url() + " at " + git.commit(), null);
                clone(git, root);
                ContextUnpacker.checkTree(root, maxBytes, maxFiles);
            }
        }
        cancel.check();
        return root;
    }

    private void downloadTo(String url, Path file, Cancel cancel) throws Exception {
        HttpResponse<InputStream> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IOException("cannot fetch the build package: " + e.getMessage(), e);
        }
        try (InputStream in = response.body()) {
            cancel.register(in);
            if (response.statusCode() == 404 || response.statusCode() == 403 || response.statusCode() == 410) {
                throw new UserError("The build package could not be fetched: HTTP " + response.statusCode());
            }
            if (response.statusCode() != 200) {
                throw new IOException("fetching the build package answered HTTP " + response.statusCode());
            }
            long total = 0;
            try (OutputStream out = Files.newOutputStream(file)) {
                byte[] buffer = new byte[64 * 1024];
                int r;
                while ((r = in.read(buffer)) > 0) {
                    total += r;
                    if (total > maxBytes) throw new UserError("The build package is larger than " + maxBytes + " bytes");
                    out.write(buffer, 0, r);
                }
            } catch (IOException e) {
                cancel.check();
                throw e;
            } finally {
                cancel.unregister(in);
            }
        }
    }

    private static void clone(BuildSource.Git git, Path root) throws IOException, UserError {
        try (Git repo = Git.cloneRepository().setURI(git.url()).setDirectory(root.toFile())
                .setTimeout(180).call()) {
            ObjectId commit = repo.getRepository().resolve(git.commit() + "^{commit}");
            if (commit == null) throw new UserError("Commit " + git.commit() + " is not in " + git.url());
            repo.checkout().setName(commit.name()).call();
        } catch (GitAPIException e) {
            throw new UserError("Could not clone " + git.url() + ": " + e.getMessage());
        }
        // the context is the work tree; git's own data has no place in it
        deleteTree(root.resolve(".git"));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }
}
