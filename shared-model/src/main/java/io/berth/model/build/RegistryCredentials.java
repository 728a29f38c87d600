package io.berth.model.build;

/**
 * Credentials for one registry host, as {@code docker login} takes them. The password may be a token; it never
 * appears in {@link #toString()}.
 */
public record RegistryCredentials(String registry, String username, String password) {
    public RegistryCredentials {
        if (registry == null || registry.isBlank() || username == null || password == null) {
            throw new IllegalArgumentException("registry credentials need a registry host, a username and a password");
        }
    }

    @Override
    public String toString() {
        return "RegistryCredentials[" + username + "@" + registry + "]";
    }
}
