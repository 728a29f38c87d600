package io.berth.registry.oci;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The byte-range headers of /v2: {@code Range} on blob reads, {@code Content-Range} and {@code Range} on uploads. */
final class ByteRanges {
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");
    private static final Pattern CONTENT_RANGE = Pattern.compile("^(?:bytes[ =])?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?$");

    private ByteRanges() {}

    /** An inclusive byte range. */
    record Span(long start, long end) {
        long length() { return end - start + 1; }
    }

    /**
     * The part of a {@code total}-byte blob a {@code Range} header asks for, or null for the whole blob (no header,
     * a header this server ignores as RFC 9110 allows: several ranges, other units, bad syntax). A range that starts
     * past the end is a 416 carrying {@code Content-Range: bytes * /total}.
     */
    static Span read(String header, long total) {
        if (header == null) return null;
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) return null;
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || total == 0) throw unsatisfiable(total);
                return new Span(Math.max(0, total - suffix), total - 1);
            }
            long start = Long.parseLong(m.group(1));
            if (start >= total) throw unsatisfiable(total);
            long end = m.group(2).isEmpty() ? total - 1 : Long.parseLong(m.group(2));
            if (end < start) return null;
            return new Span(start, Math.min(end, total - 1));
        } catch (NumberFormatException e) {
            return null; // more digits than a long holds: not a range this server can serve
        }
    }

    /** An upload chunk's {@code Content-Range} ({@code start-end}, optionally with a {@code bytes } prefix), or null. */
    static Span upload(String header) {
        if (header == null) return null;
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        try {
            if (m.matches()) {
                var span = new Span(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                if (span.end() >= span.start()) return span;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new BerthException(ErrorCode.BLOB_UPLOAD_INVALID, "Invalid range header",
                Map.of("Content-Range", header));
    }

    /** The upload progress header value: {@code 0-<last byte>}, and {@code 0-0} for an empty upload. */
    static String progress(long size) {
        return "0-" + Math.max(0, size - 1);
    }

    private static BerthException unsatisfiable(long total) {
        return new BerthException(ErrorCode.BLOB_RANGE_NOT_SATISFIABLE, "requested range not satisfiable",
                Map.of("size", total), Map.of("Content-Range", "bytes */" + total));
    }
}
