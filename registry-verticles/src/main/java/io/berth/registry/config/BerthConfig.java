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
        Duration defaultTagExpiration,
        List<String> tagExpirationOptions,
        boolean actionLogAuditLogins,
        boolean actionLogAuditLoginFailures,
        String registryJwtIssuer,
        String secretKey,
        String databaseSecretKey,
        Path instanceServiceKeyLocation,
        Mail mail,
        UsageLogConfig usageLog) {

    /** SMTP settings; mailing is on when {@code FEATURE_MAILING} is and a {@code MAIL_SERVER} is configured. */
    public record Mail(boolean enabled, String server, int port, boolean useTls, String username, String password,
                       String defaultSender) {}

    /** The base URL clients are told to use, e.g. {@code http://localhost:8080}. */
    public String baseUrl() {
        return preferredUrlScheme + "://" + serverHostname;
    }

    public boolean isSuperUser(String username) {
        return featureSuperUsers && superUsers.contains(username);
    }
}
