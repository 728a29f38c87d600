package io.berth.registry.oci;

/** The {@code WWW-Authenticate} challenge that sends docker and podman to {@code /v2/auth}. */
public record V2Challenge(String realm, String service) {
    public String header(String scope) {
        String base = "Bearer realm=\"" + realm + "\",service=\"" + service + "\"";
        return scope == null ? base : base + ",scope=\"" + scope + "\"";
    }
}
