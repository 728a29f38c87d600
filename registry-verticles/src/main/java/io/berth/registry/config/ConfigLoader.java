package io.berth.registry.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Quay-style {@code config.yaml}, lets environment variables ({@code BERTH_<KEY>}) and command-line flags
 * override it, and validates every value. An invalid value stops the start with a message naming the key; an unknown
 * key only warns, naming the closest known key.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final Pattern DURATION = Pattern.compile("^([0-9]+)(w|d|h|m|s)$");
    private static final Pattern SIZE = Pattern.compile("^([0-9]+)(G|M)$");

    /** Label key prefixes reserved for the registry and the ecosystem (Quay's list); the API refuses them. */
    private static final List<String> RESERVED_LABEL_PREFIXES = List.of("com.docker.", "io.docker.",
            "org.dockerproject.", "org.opencontainers.", "io.cncf.", "io.kubernetes.", "io.k8s.", "io.quay",
            "com.coreos", "com.tectonic", "internal", "quay");

    /** Keys Berth reads. */
    private static final Set<String> USED = Set.of(
            "SERVER_HOSTNAME", "PREFERRED_URL_SCHEME", "DB_URI", "DISTRIBUTED_STORAGE_CONFIG",
            "DISTRIBUTED_STORAGE_PREFERENCE", "FEATURE_USER_INITIALIZE", "FEATURE_USER_CREATION",
            "FEATURE_ANONYMOUS_ACCESS", "FEATURE_PUBLIC_CATALOG", "FEATURE_REFERRERS_API", "FEATURE_LIBRARY_SUPPORT",
            "FEATURE_SUPER_USERS", "SUPER_USERS", "REGISTRY_STATE", "LIBRARY_NAMESPACE", "CREATE_PRIVATE_REPO_ON_PUSH",
            "V2_PAGINATION_SIZE", "MAXIMUM_LAYER_SIZE", "DEFAULT_TAG_EXPIRATION", "TAG_EXPIRATION_OPTIONS",
            "FEATURE_CHANGE_TAG_EXPIRATION", "BROWSER_API_CALLS_XHR_ONLY",
            "ACTION_LOG_AUDIT_LOGINS", "ACTION_LOG_AUDIT_LOGIN_FAILURES", "FEATURE_DIRECT_LOGIN", "FRESH_LOGIN_TIMEOUT",
            "INSTANCE_SERVICE_KEY_SERVICE", "SECRET_KEY", "DATABASE_SECRET_KEY",
            "FEATURE_APP_SPECIFIC_TOKENS", "APP_SPECIFIC_TOKEN_EXPIRATION", "EXPIRED_APP_SPECIFIC_TOKEN_GC",
            "INSTANCE_SERVICE_KEY_LOCATION", "FEATURE_MAILING", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
            "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER", "PERMANENTLY_DELETE_TAGS",
            "LABELED_EXPIRATION_MINIMUM", "LABELED_EXPIRATION_MAXIMUM", "LABEL_KEY_RESERVED_PREFIXES",
            "FEATURE_GARBAGE_COLLECTION", "GARBAGE_COLLECTION_FREQUENCY", "PUSH_TEMP_TAG_EXPIRATION_SEC",
            "USER_RECOVERY_TOKEN_LIFETIME",
            "FEATURE_LOG_EXPORT", "FEATURE_AGGREGATED_LOG_COUNT_RETRIEVAL", "EXPORT_ACTION_LOGS_SECONDS",
            "FEATURE_BUILD_SUPPORT", "FEATURE_READER_BUILD_LOGS", "DEFAULT_NAMESPACE_MAXIMUM_BUILD_COUNT",
            // Berth's own keys
            "HTTP_PORT", "DATA_DIR", "UPLOAD_EXPIRATION", "ACTION_LOG_ENABLED", "ACTION_LOG_RETENTION",
            "CALLBACK_ALLOWED_HOSTS", "BUILD_LEASE", "BUILD_LOCAL_WORKER", "BUILD_DOCKER_HOST", "USERFILES_EXPIRATION",
            "CLUSTER_MEMBERS", "CLUSTER_HOST", "CLUSTER_PORT", "CLUSTER_SECRET");

    /** Quay keys Berth accepts without using them yet, so a Quay config.yaml loads without warnings. */
    private static final Set<String> ACCEPTED = Set.of(
            "AUTHENTICATION_TYPE", "BUILDLOGS_REDIS", "USER_EVENTS_REDIS", "DB_CONNECTION_ARGS",
            "DISTRIBUTED_STORAGE_DEFAULT_LOCATIONS",
            "FEATURE_SECURITY_SCANNER", "FEATURE_ACI_CONVERSION",
            "FEATURE_GENERAL_OCI_SUPPORT", "FEATURE_HELM_OCI_SUPPORT",
            "FEATURE_EXTENDED_REPOSITORY_NAMES", "FEATURE_REQUIRE_TEAM_INVITE", "FEATURE_PROXY_STORAGE",
            "FEATURE_REPO_MIRROR", "FEATURE_TEAM_SYNCING", "FEATURE_USER_LOG_ACCESS", "FEATURE_USER_METADATA",
            "FEATURE_ADVERTISE_V2", "FEATURE_QUOTA_MANAGEMENT",
            "FEATURE_PERMANENTLY_DELETE_TAGS", "FEATURE_RESTRICTED_USERS", "ENTERPRISE_LOGO_URL",
            "REGISTRY_TITLE", "REGISTRY_TITLE_SHORT", "SETUP_COMPLETE", "USE_CDN", "USERFILES_LOCATION", "USERFILES_PATH",
            "LOG_ARCHIVE_LOCATION", "LOG_ARCHIVE_PATH", "LOGS_MODEL", "LOGS_MODEL_CONFIG",
            "CREATE_NAMESPACE_ON_PUSH", "ALLOW_PULLS_WITHOUT_STRICT_LOGGING", "EXTERNAL_TLS_TERMINATION",
            "TESTING", "GLOBAL_READONLY_SUPER_USERS", "FEATURE_SUPERUSERS_FULL_ACCESS");

    private ConfigLoader() {}

    /** Overrides from the command line ({@code --port}, {@code --data-dir}); null where not given. */
    public record Overrides(Integer port, Path dataDir) {
        public static final Overrides NONE = new Overrides(null, null);
    }

    public static BerthConfig load(Path file, Overrides overrides, Map<String, String> env) {
        Map<String, Object> raw = new LinkedHashMap<>();
        if (file != null) {
            if (!Files.isRegularFile(file)) throw new ConfigException("config file not found: " + file);
            try {
                Object parsed = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
                if (parsed instanceof Map<?, ?> map) {
                    map.forEach((k, v) -> raw.put(String.valueOf(k), v));
                } else if (parsed != null) {
                    throw new ConfigException(file + ": the top level must be a mapping of keys to values");
                }
            } catch (IOException e) {
                throw new ConfigException(file + " is not valid YAML: " + e.getMessage());
            }
        }
        env.forEach((k, v) -> {
            if (k.startsWith("BERTH_") && known(k.substring(6))) raw.put(k.substring(6), v);
        });
        if (overrides.port() != null) raw.put("HTTP_PORT", overrides.port());
        if (overrides.dataDir() != null) raw.put("DATA_DIR", overrides.dataDir().toString());
        return from(raw);
    }

    public static BerthConfig from(Map<String, Object> raw) {
        for (String key : raw.keySet()) {
            if (!known(key)) {
                LOG.warn("Unknown config key {}; did you mean {}?", key, closest(key));
            }
        }
        var r = new Reader(raw);
        int port = r.integer("HTTP_PORT", 8080, 0, 65535);
        Path dataDir = Path.of(r.string("DATA_DIR", "berth-data")).toAbsolutePath().normalize();
        String hostname = r.string("SERVER_HOSTNAME", "localhost:" + port);
        if (hostname.isBlank() || hostname.contains("/") || hostname.contains(" ")) {
            throw new ConfigException("SERVER_HOSTNAME must be a host[:port], got: " + hostname);
        }
        String scheme = r.oneOf("PREFERRED_URL_SCHEME", "http", Set.of("http", "https"));
        String dbUri = r.string("DB_URI", null);
        if (dbUri != null && !dbUri.startsWith("postgresql://") && !dbUri.startsWith("postgres://")) {
            throw new ConfigException("DB_URI must be a postgresql:// URI (PostgreSQL is Berth's only database), got: " + dbUri);
        }
        Path storage = storagePath(raw, dataDir);
        String state = r.oneOf("REGISTRY_STATE", "normal", Set.of("normal", "readonly"));
        List<String> options = r.stringList("TAG_EXPIRATION_OPTIONS", List.of("0s", "1d", "1w", "2w", "4w"));
        for (String option : options) {
            if (!DURATION.matcher(option).matches()) {
                throw new ConfigException("TAG_EXPIRATION_OPTIONS: " + option + " is not a duration like 2w, 3d, 12h");
            }
        }
        return new BerthConfig(
                hostname, scheme, port, dataDir, dbUri, storage,
                r.bool("FEATURE_USER_INITIALIZE", true),
                r.bool("FEATURE_USER_CREATION", true),
                r.bool("FEATURE_DIRECT_LOGIN", true),
                r.bool("FEATURE_ANONYMOUS_ACCESS", true),
                r.bool("FEATURE_PUBLIC_CATALOG", false),
                r.bool("FEATURE_REFERRERS_API", true),
                r.bool("FEATURE_LIBRARY_SUPPORT", true),
                r.bool("FEATURE_SUPER_USERS", true),
                new LinkedHashSet<>(r.stringList("SUPER_USERS", List.of())),
                state.equals("readonly"),
                r.string("LIBRARY_NAMESPACE", "library"),
                r.bool("CREATE_PRIVATE_REPO_ON_PUSH", true),
                Math.max(r.integer("V2_PAGINATION_SIZE", 50, 1, 100_000), 100),
                r.size("MAXIMUM_LAYER_SIZE", "20G"),
                r.duration("UPLOAD_EXPIRATION", "1d"),
                r.duration("FRESH_LOGIN_TIMEOUT", "10m"),
                r.duration("USER_RECOVERY_TOKEN_LIFETIME", "30m"),
                r.duration("DEFAULT_TAG_EXPIRATION", "2w"),
                List.copyOf(options),
                r.bool("FEATURE_CHANGE_TAG_EXPIRATION", true),
                r.bool("BROWSER_API_CALLS_XHR_ONLY", true),
                r.bool("ACTION_LOG_AUDIT_LOGINS", true),
                // Quay's default is false; Berth audits failed logins unless told not to
                r.bool("ACTION_LOG_AUDIT_LOGIN_FAILURES", true),
                appTokens(r),
                r.string("INSTANCE_SERVICE_KEY_SERVICE", "quay"),
                r.string("SECRET_KEY", null),
                r.string("DATABASE_SECRET_KEY", null),
                keyLocation(r.string("INSTANCE_SERVICE_KEY_LOCATION", null)),
                mail(r),
                tags(r),
                new BerthConfig.Gc(r.bool("FEATURE_GARBAGE_COLLECTION", true),
                        Duration.ofSeconds(r.integer("GARBAGE_COLLECTION_FREQUENCY", 30, 1, 86_400)),
                        Duration.ofSeconds(r.integer("PUSH_TEMP_TAG_EXPIRATION_SEC", 3600, 0, Integer.MAX_VALUE))),
                new UsageLogConfig(
                        r.bool("ACTION_LOG_ENABLED", true),
                        r.duration("ACTION_LOG_RETENTION", "30d"),
                        r.bool("FEATURE_LOG_EXPORT", true),
                        r.bool("FEATURE_AGGREGATED_LOG_COUNT_RETRIEVAL", true),
                        Duration.ofSeconds(r.integer("EXPORT_ACTION_LOGS_SECONDS", 3600, 1, Integer.MAX_VALUE)),
                        r.stringList("CALLBACK_ALLOWED_HOSTS", List.of()).stream().map(String::toLowerCase)
                                .collect(java.util.stream.Collectors.toUnmodifiableSet())),
                builds(r),
                cluster(r));
    }

    private static BerthConfig.Builds builds(Reader r) {
        String limit = r.string("DEFAULT_NAMESPACE_MAXIMUM_BUILD_COUNT", null);
        Integer max = limit == null ? null : r.integer("DEFAULT_NAMESPACE_MAXIMUM_BUILD_COUNT", 0, 0, 1_000_000);
        Duration lease = r.duration("BUILD_LEASE", "60s");
        if (lease.toSeconds() < 3) throw new ConfigException("BUILD_LEASE must be at least 3s, got: " + lease);
        return new BerthConfig.Builds(r.bool("FEATURE_BUILD_SUPPORT", true), r.bool("FEATURE_READER_BUILD_LOGS", false),
                max, lease, r.bool("BUILD_LOCAL_WORKER", true),
                r.string("BUILD_DOCKER_HOST", "unix:///var/run/docker.sock"), r.duration("USERFILES_EXPIRATION", "1h"));
    }

    private static BerthConfig.AppTokens appTokens(Reader r) {
        boolean enabled = r.bool("FEATURE_APP_SPECIFIC_TOKENS", true);
        Duration lifetime = r.string("APP_SPECIFIC_TOKEN_EXPIRATION", null) == null ? null
                : r.duration("APP_SPECIFIC_TOKEN_EXPIRATION", null);
        boolean collected = enabled || r.string("EXPIRED_APP_SPECIFIC_TOKEN_GC", null) != null;
        return new BerthConfig.AppTokens(enabled, lifetime,
                collected ? r.duration("EXPIRED_APP_SPECIFIC_TOKEN_GC", "1d") : null);
    }

    /** Clustered only when members are listed; then a shared secret is required. */
    private static BerthConfig.Cluster cluster(Reader r) {
        List<String> members = r.stringList("CLUSTER_MEMBERS", List.of());
        if (members.isEmpty()) return null;
        String secret = r.string("CLUSTER_SECRET", null);
        if (secret == null || secret.length() < 16) {
            throw new ConfigException("CLUSTER_SECRET must be set to at least 16 characters when CLUSTER_MEMBERS is");
        }
        return new BerthConfig.Cluster(List.copyOf(members), r.string("CLUSTER_HOST", "127.0.0.1"),
                r.integer("CLUSTER_PORT", 5701, 0, 65535), secret);
    }

    private static BerthConfig.Tags tags(Reader r) {
        var reserved = new ArrayList<>(RESERVED_LABEL_PREFIXES);
        for (String prefix : r.stringList("LABEL_KEY_RESERVED_PREFIXES", List.of())) {
            if (!prefix.endsWith(".")) {
                throw new ConfigException("LABEL_KEY_RESERVED_PREFIXES: prefix " + prefix + " must end in a dot");
            }
            reserved.add(prefix);
        }
        Duration minimum = r.duration("LABELED_EXPIRATION_MINIMUM", "1h");
        Duration maximum = r.duration("LABELED_EXPIRATION_MAXIMUM", "104w");
        if (minimum.compareTo(maximum) > 0) {
            throw new ConfigException("LABELED_EXPIRATION_MINIMUM must not exceed LABELED_EXPIRATION_MAXIMUM");
        }
        // Berth permanently deletes tags from the time machine on request unless told otherwise
        return new BerthConfig.Tags(r.bool("PERMANENTLY_DELETE_TAGS", true), minimum, maximum, List.copyOf(reserved));
    }

    /** {@code DISTRIBUTED_STORAGE_CONFIG: {default: [LocalStorage, {storage_path: /x}]}}; the preferred location wins. */
    private static Path storagePath(Map<String, Object> raw, Path dataDir) {
        Object config = raw.get("DISTRIBUTED_STORAGE_CONFIG");
        if (config == null) return dataDir.resolve("storage");
        if (!(config instanceof Map<?, ?> locations) || locations.isEmpty()) {
            throw new ConfigException("DISTRIBUTED_STORAGE_CONFIG must map a location id to [DriverName, {params}]");
        }
        Object preference = raw.get("DISTRIBUTED_STORAGE_PREFERENCE");
        Object id = preference instanceof List<?> list && !list.isEmpty() ? list.get(0) : locations.keySet().iterator().next();
        Object entry = locations.get(id);
        if (!(entry instanceof List<?> pair) || pair.size() != 2 || !(pair.get(1) instanceof Map<?, ?> params)) {
            throw new ConfigException("DISTRIBUTED_STORAGE_CONFIG." + id + " must be [DriverName, {params}]");
        }
        if (!"LocalStorage".equals(pair.get(0))) {
            throw new ConfigException("DISTRIBUTED_STORAGE_CONFIG." + id + ": driver " + pair.get(0)
                    + " is not supported; use LocalStorage");
        }
        Object path = params.get("storage_path");
        if (!(path instanceof String s) || s.isBlank()) {
            throw new ConfigException("DISTRIBUTED_STORAGE_CONFIG." + id + ".storage_path must be a directory path");
        }
        Path p = Path.of(s);
        return (p.isAbsolute() ? p : dataDir.resolve(p)).normalize();
    }

    private static BerthConfig.Mail mail(Reader r) {
        String server = r.string("MAIL_SERVER", null);
        return new BerthConfig.Mail(r.bool("FEATURE_MAILING", true) && server != null && !server.isBlank(), server,
                r.integer("MAIL_PORT", 587, 1, 65535), r.bool("MAIL_USE_TLS", true), r.string("MAIL_USERNAME", null),
                r.string("MAIL_PASSWORD", null), r.string("MAIL_DEFAULT_SENDER", "admin@example.com"));
    }

    /** A configured registry-token signing key (PKCS#8 PEM); it must exist so that a typo fails the start. */
    private static Path keyLocation(String location) {
        if (location == null) return null;
        Path path = Path.of(location);
        if (!Files.isReadable(path)) {
            throw new ConfigException("INSTANCE_SERVICE_KEY_LOCATION: cannot read the key file " + location);
        }
        return path;
    }

    private static boolean known(String key) {
        return USED.contains(key) || ACCEPTED.contains(key);
    }

    static String closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : USED) {
            int d = levenshtein(key.toUpperCase(), candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        for (String candidate : ACCEPTED) {
            int d = levenshtein(key.toUpperCase(), candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Parses durations in Quay's notation ({@code 2w}, {@code 3d}, {@code 12h}, {@code 30m}, {@code 45s}). */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a duration: " + text);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "w" -> Duration.ofDays(7 * n);
            case "d" -> Duration.ofDays(n);
            case "h" -> Duration.ofHours(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** Typed reads of raw values; each failure names its key. */
    private record Reader(Map<String, Object> raw) {
        String string(String key, String fallback) {
            Object v = raw.get(key);
            if (v == null) return fallback;
            if (v instanceof Map || v instanceof List) throw new ConfigException(key + " must be a string");
            return String.valueOf(v);
        }

        boolean bool(String key, boolean fallback) {
            Object v = raw.get(key);
            if (v == null) return fallback;
            if (v instanceof Boolean b) return b;
            String s = String.valueOf(v).trim().toLowerCase();
            if (s.equals("true")) return true;
            if (s.equals("false")) return false;
            throw new ConfigException(key + " must be true or false, got: " + v);
        }

        int integer(String key, int fallback, int min, int max) {
            Object v = raw.get(key);
            if (v == null) return fallback;
            try {
                int n = v instanceof Number num ? Math.toIntExact(num.longValue()) : Integer.parseInt(String.valueOf(v).trim());
                if (n < min || n > max) throw new ConfigException(key + " must be between " + min + " and " + max + ", got: " + v);
                return n;
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ConfigException(key + " must be a whole number, got: " + v);
            }
        }

        String oneOf(String key, String fallback, Set<String> allowed) {
            String v = string(key, fallback);
            if (!allowed.contains(v)) throw new ConfigException(key + " must be one of " + allowed + ", got: " + v);
            return v;
        }

        List<String> stringList(String key, List<String> fallback) {
            Object v = raw.get(key);
            if (v == null) return fallback;
            if (v instanceof String s) return s.isBlank() ? List.of() : List.of(s.split("\\s*,\\s*"));
            if (!(v instanceof List<?> list)) throw new ConfigException(key + " must be a list");
            var out = new ArrayList<String>();
            for (Object o : list) {
                if (o == null || o instanceof Map || o instanceof List) throw new ConfigException(key + " must be a list of strings");
                out.add(String.valueOf(o));
            }
            return out;
        }

        Duration duration(String key, String fallback) {
            String v = string(key, fallback);
            try {
                return parseDuration(v);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key + " must be a duration like 2w, 3d, 12h, 30m or 45s, got: " + v);
            }
        }

        long size(String key, String fallback) {
            String v = string(key, fallback);
            Matcher m = SIZE.matcher(v.trim());
            if (!m.matches()) throw new ConfigException(key + " must be a size like 20G or 512M, got: " + v);
            long n = Long.parseLong(m.group(1));
            return m.group(2).equals("G") ? n << 30 : n << 20;
        }
    }
}
