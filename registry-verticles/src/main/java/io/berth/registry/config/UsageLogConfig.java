package io.berth.registry.config;

import java.time.Duration;
import java.util.Set;

/**
 * Usage-log settings.
 *
 * @param enabled              whether actions are recorded at all ({@code ACTION_LOG_ENABLED}, Berth's own key; off only
 *                             to measure what logging costs)
 * @param retention            entries older than this are deleted ({@code ACTION_LOG_RETENTION}, Berth's own key)
 * @param featureLogExport     {@code FEATURE_LOG_EXPORT}
 * @param featureAggregation   {@code FEATURE_AGGREGATED_LOG_COUNT_RETRIEVAL}
 * @param exportLifetime       how long an export's download URL works ({@code EXPORT_ACTION_LOGS_SECONDS})
 * @param callbackAllowedHosts hosts an export callback may reach although they resolve to a loopback, link-local or
 *                             private address ({@code CALLBACK_ALLOWED_HOSTS}, Berth's own key), lower case
 */
public record UsageLogConfig(boolean enabled, Duration retention, boolean featureLogExport, boolean featureAggregation,
                             Duration exportLifetime, Set<String> callbackAllowedHosts) {}
