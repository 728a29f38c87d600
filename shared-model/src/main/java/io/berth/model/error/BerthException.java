package io.berth.model.error;

import java.util.Map;

/** A failure with a known cause; every surface's failure handler renders it from its {@link ErrorCode}. */
public class BerthException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, Object> detail;
    private final Map<String, String> headers;

    public BerthException(ErrorCode code) {
        this(code, code.defaultMessage(), Map.of(), Map.of());
    }

    public BerthException(ErrorCode code, String message) {
        this(code, message, Map.of(), Map.of());
    }

    public BerthException(ErrorCode code, String message, Map<String, Object> detail) {
        this(code, message, detail, Map.of());
    }

    public BerthException(ErrorCode code, String message, Map<String, Object> detail, Map<String, String> headers) {
        super(message, null, false, false);
        this.code = code;
        this.detail = detail;
        this.headers = headers;
    }

    public ErrorCode code() { return code; }
    public Map<String, Object> detail() { return detail; }
    /** Extra response headers the error needs, such as {@code Range} on a 416. */
    public Map<String, String> headers() { return headers; }
}
