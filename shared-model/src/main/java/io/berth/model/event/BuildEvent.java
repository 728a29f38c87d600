package io.berth.model.event;

import java.util.Map;

/**
 * A build's notification event ({@code build_queued}, {@code build_start}, {@code build_success},
 * {@code build_failure}, {@code build_cancelled}) with Quay's {@code event_data} payload (quay-api.md §4). Published
 * on {@link #ADDRESS}, on the node that committed the change, after the commit; the build row is the durable fact.
 */
public record BuildEvent(String event, long repositoryId, String buildUuid, Map<String, Object> eventData) {
    public static final String ADDRESS = "berth.events.build";

    public static final String QUEUED = "build_queued";
    public static final String START = "build_start";
    public static final String SUCCESS = "build_success";
    public static final String FAILURE = "build_failure";
    public static final String CANCELLED = "build_cancelled";
}
