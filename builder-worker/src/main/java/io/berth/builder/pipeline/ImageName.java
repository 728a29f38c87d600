package io.berth.builder.pipeline;

/**
 * An image reference as a Dockerfile's {@code FROM} names it: registry host (null for Docker Hub), repository, and a
 * tag or digest.
 */
public record ImageName(String registry, String repository, String tag, String digest) {

    public static ImageName parse(String reference) throws UserError {
        String ref = reference.trim();
        if (ref.isEmpty() || ref.chars().anyMatch(Character::isWhitespace)) {
            throw new UserError("FROM line specifies an invalid base image: " + reference);
        }
        String digest = null;
        int at = ref.indexOf('@');
        if (at >= 0) {
            digest = ref.substring(at + 1);
            ref = ref.substring(0, at);
        }
        String tag = null;
        int colon = ref.lastIndexOf(':');
        if (colon > ref.lastIndexOf('/')) {
            tag = ref.substring(colon + 1);
            ref = ref.substring(0, colon);
        }
        String registry = null;
        int slash = ref.indexOf('/');
        if (slash > 0) {
            String first = ref.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                ref = ref.substring(slash + 1);
            }
        }
        if (ref.isEmpty()) throw new UserError("FROM line specifies an invalid base image: " + reference);
        return new ImageName(registry, ref, tag == null && digest == null ? "latest" : tag, digest);
    }

    /** The repository as the engine names it, with the registry host when there is one. */
    public String fullRepository() {
        return registry == null ? repository : registry + "/" + repository;
    }

    @Override
    public String toString() {
        return fullRepository() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
