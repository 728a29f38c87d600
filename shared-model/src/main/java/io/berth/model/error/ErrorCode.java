package io.berth.model.error;

/**
 * Every error Berth reports, with the OCI distribution code (for /v2), the Quay API error type (for /api/v1)
 * and the HTTP status. One enum so that each surface renders the same failure the same way.
 */
public enum ErrorCode {
    BLOB_UNKNOWN("BLOB_UNKNOWN", "not_found", 404, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID("BLOB_UPLOAD_INVALID", "invalid_request", 400, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN("BLOB_UPLOAD_UNKNOWN", "not_found", 404, "blob upload unknown to registry"),
    RANGE_NOT_SATISFIABLE("BLOB_UPLOAD_INVALID", "invalid_request", 416, "requested range not satisfiable"),
    /** A blob GET/HEAD whose {@code Range} lies outside the blob. */
    BLOB_RANGE_NOT_SATISFIABLE("SIZE_INVALID", "invalid_request", 416, "requested range not satisfiable"),
    /** An upload that would grow past {@code MAXIMUM_LAYER_SIZE}; the session is cancelled. */
    BLOB_TOO_LARGE("SIZE_INVALID", "invalid_request", 413, "blob exceeds the maximum layer size"),
    DIGEST_INVALID("DIGEST_INVALID", "invalid_request", 400, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN("MANIFEST_BLOB_UNKNOWN", "invalid_request", 400, "manifest blob unknown to registry"),
    MANIFEST_INVALID("MANIFEST_INVALID", "invalid_request", 400, "manifest invalid"),
    MANIFEST_UNSUPPORTED("MANIFEST_INVALID", "invalid_request", 415, "manifest schema version not supported"),
    MANIFEST_TOO_LARGE("SIZE_INVALID", "invalid_request", 413, "manifest exceeds the size limit"),
    MANIFEST_UNKNOWN("MANIFEST_UNKNOWN", "not_found", 404, "manifest unknown"),
    MANIFEST_REFERENCED("DENIED", "invalid_request", 409, "manifest is referenced by another manifest"),
    TAG_EXPIRED("TAG_EXPIRED", "not_found", 404, "Tag has expired"),
    NAME_INVALID("NAME_INVALID", "invalid_request", 400, "invalid repository name"),
    NAME_UNKNOWN("NAME_UNKNOWN", "not_found", 404, "repository name not known to registry"),
    SIZE_INVALID("SIZE_INVALID", "invalid_request", 400, "provided length did not match content length"),
    TAG_INVALID("TAG_INVALID", "invalid_request", 400, "manifest tag did not match URI"),
    UNAUTHORIZED("UNAUTHORIZED", "invalid_token", 401, "access to the requested resource is not authorized"),
    DENIED("DENIED", "insufficient_scope", 403, "requested access to the resource is denied"),
    /** A session whose last password entry is older than {@code FRESH_LOGIN_TIMEOUT}, on an action that needs one. */
    FRESH_LOGIN_REQUIRED("UNAUTHORIZED", "fresh_login_required", 401, "Requires fresh login"),
    READ_ONLY("DENIED", "read_only", 405, "System is currently read-only. Pulls will succeed but all write operations are currently suspended."),
    UNSUPPORTED("UNSUPPORTED", "invalid_request", 405, "The operation is unsupported."),
    INVALID_REQUEST("INVALID_REQUEST", "invalid_request", 400, "Invalid request"),
    NOT_FOUND("NAME_UNKNOWN", "not_found", 404, "Not Found"),
    CONFLICT("INVALID_REQUEST", "invalid_request", 409, "Conflict"),
    PAYLOAD_TOO_LARGE("SIZE_INVALID", "invalid_request", 413, "request body too large"),
    /** A service Berth depends on (the mail server) failed; Quay's type and status for it. */
    DOWNSTREAM_ISSUE("UNKNOWN", "downstream_issue", 520, "A downstream service failed"),
    INTERNAL("UNKNOWN", "internal_error", 500, "internal server error");

    private final String ociCode;
    private final String apiType;
    private final int status;
    private final String defaultMessage;

    ErrorCode(String ociCode, String apiType, int status, String defaultMessage) {
        this.ociCode = ociCode;
        this.apiType = apiType;
        this.status = status;
        this.defaultMessage = defaultMessage;
    }

    public String ociCode() { return ociCode; }
    public String apiType() { return apiType; }
    public int status() { return status; }
    public String defaultMessage() { return defaultMessage; }
}
