package io.berth.model.build;

import java.util.List;

/**
 * Everything a worker needs to run one build, and nothing else: the context source, where the Dockerfile is, what to
 * tag and where to push. {@code context} is a directory relative to the source's root ({@code ""} for the root);
 * {@code dockerfilePath} is relative to the context. The push token is a registry token that may push to
 * {@code repository} only; pull credentials (or null) are for base images on {@link RegistryCredentials#registry()}.
 */
public record BuildJob(String buildUuid, String registry, String repository, BuildSource source, String context,
                       String dockerfilePath, List<String> tags, RegistryCredentials pullCredentials,
                       String pushToken) {
    public BuildJob {
        if (buildUuid == null || registry == null || repository == null || source == null || pushToken == null) {
            throw new IllegalArgumentException("a build job needs its uuid, registry, repository, source and push token");
        }
        context = BuildPaths.relative("context", context == null ? "" : context);
        dockerfilePath = BuildPaths.relative("dockerfile_path", dockerfilePath == null ? "Dockerfile" : dockerfilePath);
        if (dockerfilePath.isEmpty()) throw new IllegalArgumentException("dockerfile_path names no file");
        tags = List.copyOf(tags == null || tags.isEmpty() ? List.of("latest") : tags);
    }

    @Override
    public String toString() {
        return "BuildJob[" + buildUuid + " " + repository + ":" + tags + " from " + source + " context=/" + context
                + " dockerfile=" + dockerfilePath + (pullCredentials == null ? "" : " pull as " + pullCredentials) + "]";
    }
}
