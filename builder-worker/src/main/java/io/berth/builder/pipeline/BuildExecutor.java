package io.berth.builder.pipeline;

import io.berth.model.build.RegistryCredentials;

import java.nio.file.Path;

/**
 * What a build needs from a container engine. Every call blocks (run it on a virtual or worker thread), streams the
 * engine's output to {@code log}, throws {@link UserError} when the user's input is at fault, and gives up promptly
 * once {@code cancel} is signalled, stopping the engine's work.
 */
public interface BuildExecutor extends AutoCloseable {

    /** Where output lines go: a message and an optional Quay log type ({@code error}). */
    interface Log {
        void line(String message, String type);
    }

    /** Pulls an image, with credentials when given. */
    void pull(ImageName image, RegistryCredentials credentials, Log log, Cancel cancel) throws Exception;

    /**
     * Builds the context with the Dockerfile (inside it), with host networking, pulling further base images with
     * {@code credentials} when given; returns the image id, tagged locally as {@code localTag}.
     */
    String build(Path context, Path dockerfile, RegistryCredentials credentials, String localTag, Log log, Cancel cancel)
            throws Exception;

    /** Tags the image as {@code repository:tag} and pushes it with a registry token; returns the manifest digest. */
    String push(String imageId, String repository, String tag, String registry, String token, Log log, Cancel cancel)
            throws Exception;

    /** Removes a local image name, the image with it when no name is left; never fails (it is cleanup). */
    void untag(String name);

    @Override
    void close();
}
