package io.berth.builder.pipeline;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.berth.model.build.RegistryCredentials;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link BuildExecutor} on a Docker engine through docker-java and its Apache HttpClient 5 transport. Builds use the
 * classic builder with host networking (workers' engines may have no bridge). Errors the engine reports in a build
 * or pull stream are the user's (a failing RUN, a bad Dockerfile, a missing base image); a failing engine or
 * connection is internal.
 */
public final class DockerExecutor implements BuildExecutor {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DockerExecutor.class);
    /** Tagging, pushing and untagging a repository:tag must not interleave with another build's on this engine. */
    private static final ReentrantLock PUSHING = new ReentrantLock();
    private static final java.util.regex.Pattern IMAGE_REFUSED = java.util.regex.Pattern.compile(
            "unauthorized|denied|not found|manifest unknown|does not exist|no such host|invalid reference",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    private final DockerClient docker;

    public DockerExecutor(String dockerHost, Path emptyConfigDir) throws IOException {
        Files.createDirectories(emptyConfigDir);
        // an empty client config: a worker never lends a build the credentials of the machine it runs on
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost)
                .withDockerConfig(emptyConfigDir.toString()).build();
        var http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig())
                .maxConnections(16).connectionTimeout(Duration.ofSeconds(10)).build();
        this.docker = DockerClientImpl.getInstance(config, http);
    }

    /** Fails when the engine does not answer. */
    public void ping() {
        docker.pingCmd().exec();
    }

    @Override
    public void pull(ImageName image, RegistryCredentials credentials, Log log, Cancel cancel) throws Exception {
        var cmd = docker.pullImageCmd(image.fullRepository()).withTag(image.digest() != null ? image.digest() : image.tag());
        AuthConfig auth = auth(image.registry(), credentials);
        if (auth != null) cmd.withAuthConfig(auth);
        var callback = cmd.exec(new Stream<PullResponseItem>(log));
        try {
            await(callback, cancel);
        } catch (NotFoundException | DockerClientException e) {
            throw new UserError("Could not pull base image " + image + ": " + e.getMessage());
        } catch (DockerException e) {
            // the engine answered, and about the image: refused or unknown to its registry is the user's to fix
            if (!IMAGE_REFUSED.matcher(String.valueOf(e.getMessage())).find()) throw e;
            throw new UserError("Could not pull base image " + image + ": " + engineMessage(e));
        }
        if (callback.error != null) throw new UserError("Could not pull base image " + image + ": " + callback.error);
    }

    /** The engine's own message inside docker-java's "Status 500: {"message": …}". */
    private static String engineMessage(DockerException e) {
        var m = java.util.regex.Pattern.compile("\\{\"message\":\"(.*)\"}").matcher(String.valueOf(e.getMessage()));
        return m.find() ? m.group(1) : e.getMessage();
    }

    @Override
    public String build(Path context, Path dockerfile, RegistryCredentials credentials, String localTag, Log log,
                        Cancel cancel) throws Exception {
        var auths = new AuthConfigurations();
        if (credentials != null) auths.addConfig(auth(credentials.registry(), credentials));
        var callback = new BuildImageResultCallback() {
            @Override
            public void onNext(BuildResponseItem item) {
                forward(item, log);
                super.onNext(item);
            }
        };
        try {
            docker.buildImageCmd().withBaseDirectory(context.toFile()).withDockerfile(dockerfile.toFile())
                    .withNetworkMode("host").withPull(false).withRemove(true).withForcerm(true)
                    .withTags(Set.of(localTag)).withBuildAuthConfigs(auths).exec(callback);
        } catch (DockerClientException e) {
            // docker-java refuses the context before sending it, e.g. a Dockerfile excluded by .dockerignore
            throw new UserError(e.getMessage());
        }
        cancel.register(callback);
        try {
            return callback.awaitImageId();
        } catch (DockerClientException e) {
            cancel.check();
            throw new UserError(e.getMessage().replaceFirst("^Could not build image: ", ""));
        } finally {
            cancel.unregister(callback);
        }
    }

    @Override
    public String push(String imageId, String repository, String tag, String registry, String token, Log log,
                       Cancel cancel) throws Exception {
        String name = registry + "/" + repository;
        PUSHING.lock();
        try {
            docker.tagImageCmd(imageId, name, tag).withForce().exec();
            try {
                var callback = docker.pushImageCmd(name).withTag(tag)
                        .withAuthConfig(new AuthConfig().withRegistryAddress(registry).withRegistrytoken(token))
                        .exec(new Stream<PushResponseItem>(log));
                await(callback, cancel);
                if (callback.error != null) throw new IOException("pushing " + name + ":" + tag + " failed: " + callback.error);
                if (callback.digest == null) throw new IOException("the engine reported no digest for " + name + ":" + tag);
                return callback.digest;
            } finally {
                untag(name + ":" + tag);
            }
        } finally {
            PUSHING.unlock();
        }
    }

    /** Best effort: gone already, in use, or removed by a concurrent build all leave nothing of ours behind. */
    @Override
    public void untag(String name) {
        try {
            docker.removeImageCmd(name).withForce(false).withNoPrune(false).exec();
        } catch (DockerException e) {
            LOG.debug("Left image {} in the engine: {}", name, e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            docker.close();
        } catch (IOException ignored) {
            // the worker is going away
        }
    }

    private static AuthConfig auth(String registry, RegistryCredentials credentials) {
        // credentials go only to the registry they are for, as quay-builder does
        if (credentials == null || registry == null || !registry.equals(credentials.registry())) return null;
        return new AuthConfig().withRegistryAddress(credentials.registry()).withUsername(credentials.username())
                .withPassword(credentials.password());
    }

    private static <T extends ResultCallback<?>> void await(Stream<?> callback, Cancel cancel) throws Exception {
        cancel.register(callback);
        try {
            callback.awaitCompletion();
        } catch (DockerException e) {
            cancel.check();
            throw e;
        } finally {
            cancel.unregister(callback);
        }
        cancel.check();
    }

    /** Forwards every line of an engine's stream to the log; the error (if any) is kept for the caller. */
    private static void forward(ResponseItem item, Log log) {
        if (item.getErrorDetail() != null || item.getError() != null) {
            String message = item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError();
            log.line(message, "error");
            return;
        }
        String text = item.getStream() != null ? item.getStream() : item.getStatus();
        if (text == null) return;
        if (item.getId() != null && item.getStream() == null) text = item.getId() + ": " + text;
        for (String line : text.split("\n")) {
            if (!line.isBlank()) log.line(line, null);
        }
    }

    private static final class Stream<T extends ResponseItem> extends ResultCallback.Adapter<T> {
        private final Log log;
        private volatile String error;
        private volatile String digest;

        Stream(Log log) {
            this.log = log;
        }

        @Override
        public void onNext(T item) {
            if (item.getErrorDetail() != null || item.getError() != null) {
                error = item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError();
            }
            if (item.getAux() != null && item.getAux().getDigest() != null) digest = item.getAux().getDigest();
            // pull and push progress bars are noise in a build log; their status lines are kept
            if (item.getProgressDetail() != null && item.getProgressDetail().getCurrent() != null) return;
            forward(item, log);
        }
    }
}
