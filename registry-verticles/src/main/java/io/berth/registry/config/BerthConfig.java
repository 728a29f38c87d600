package io.berth.registry.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The validated configuration of a registry node. Key names follow Quay's {@code config.yaml}; the few keys that are
 * Berth's own say so in {@link ConfigLoader}.
 */
public record BerthConfig(
        String serverHostname,
        String preferredUrlScheme,
        int port,
        Path dataDir,
        String dbUri,
        Path storagePath,
        boolean featureUserInitialize,
        boolean featureUserCreation,
        boolean featureDirectLogin,
        boolean featureAnonymousAccess,
        boolean featurePublicCatalog,
        boolean featureReferrersApi,
        boolean featureLibrarySupport,
        boolean featureSuperUsers,
        Set<String> superUsers,
        boolean readOnly,
        String libraryNamespace,
        boolean createPrivateRepoOnPush,
        int v2PaginationSize,
        long maximumLayerSize,
        Duration uploadExpiration,
        Duration freshLoginTimeout,
        Duration userRecoveryTokenLifetime,
        Duration defaultTagExpiration,
        List<String> tagExpirationOptions,
        boolean featureChangeTagExpiration,
        boolean browserApiCallsXhrOnly,
        boolean actionLogAuditLogins,
        boolean actionLogAuditLoginFailures,
        AppTokens appTokens,
        String registryJwtIssuer,
        String secretKey,
        String databaseSecretKey,
        Path instanceServiceKeyLocation,
        Mail mail,
        Tags tags,
        Gc gc,
        UsageLogConfig usageLog,
Builds builds,
        Cluster cluster) {

    /**
     * Dockerfile builds: on with {@code FEATURE_BUILD_SUPPORT}; {@code namespaceMaximumBuildCount} null is unlimited;
     * {@code lease} is how long a worker holds a job without a heartbeat; {@code localWorker} runs one worker in the
     * registry's process when the Docker engine at {@code dockerHost} answers; a dropped build context that no build
     * uses is deleted {@code userFilesExpiration} after its upload URL expired.
     */
    public record Builds(boolean enabled, boolean readerLogs, Integer namespaceMaximumBuildCount, Duration lease,
                         boolean localWorker, String dockerHost, Duration userFilesExpiration) {}

    /**
     * Membership in a Hazelcast cluster of registry nodes and build workers: {@code members} are the {@code host[:port]}
     * addresses to join by TCP/IP, {@code host}/{@code port} where this member listens, and every member must hold the
     * same {@code secret}. Null when the node runs alone.
     */
    public record Cluster(List<String> members, String host, int port, String secret) {}

    /**
     * App-specific tokens ({@code FEATURE_APP_SPECIFIC_TOKENS}): passwords for the docker CLI and other clients;
     * {@code expiration} ({@code APP_SPECIFIC_TOKEN_EXPIRATION}) is the lifetime of a new one, null for none; garbage
     * collection deletes a token {@code expiredCollection} ({@code EXPIRED_APP_SPECIFIC_TOKEN_GC}) after it expired,
     * or never when null: as Quay runs its worker, only with the feature on or the key set.
     */
    public record AppTokens(boolean enabled, Duration expiration, Duration expiredCollection) {}

    /** SMTP settings; mailing is on when {@code FEATURE_MAILING} is and a {@code MAIL_SERVER} is configured. */
    public record Mail(boolean enabled, String server, int port, boolean useTls, String username, String password,
                       String defaultSender) {}

    /**
     * Tag lifecycle: whether tags may be removed from the time machine ({@code PERMANENTLY_DELETE_TAGS}), the bounds of
     * a tag expiration ({@code LABELED_EXPIRATION_MINIMUM/MAXIMUM}), and the label key prefixes the API refuses
     * (Quay's defaults plus {@code LABEL_KEY_RESERVED_PREFIXES}).
     */
    public record Tags(boolean permanentlyDelete, Duration expirationMinimum, Duration expirationMaximum,
                       List<String> reservedLabelPrefixes) {}

    /**
     * Garbage collection: whether it runs in the background ({@code FEATURE_GARBAGE_COLLECTION}) and how often
     * ({@code GARBAGE_COLLECTION_FREQUENCY}); {@code grace} ({@code PUSH_TEMP_TAG_EXPIRATION_SEC}) is how long a blob
     * link and a manifest pushed by digest are kept without a manifest or tag referencing them, for the push that is
     * about to.
     */
    public record Gc(boolean enabled, Duration frequency, Duration grace) {}

    /** The base URL clients are told to use, e.g. {@code http://localhost:8080}. */
    public String baseUrl() {
        return preferredUrlScheme + "://" + serverHostname;
    }

    public boolean isSuperUser(String username) {
        return featureSuperUsers && superUsers.contains(username);
    }
}
