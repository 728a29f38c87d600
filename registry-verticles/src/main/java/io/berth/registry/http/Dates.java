package io.berth.registry.http;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Dates as /api/v1 renders them: RFC 2822 in UTC, as Quay does ({@code Tue, 05 Mar 2024 10:00:00 -0000}). */
public final class Dates {
    private static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss '-0000'", Locale.ENGLISH);

    private Dates() {}

    /** The date in RFC 2822, or null for null. */
    public static String rfc2822(OffsetDateTime at) {
        return at == null ? null : RFC_2822.format(at.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
