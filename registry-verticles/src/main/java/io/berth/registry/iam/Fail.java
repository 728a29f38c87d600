package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.core.Future;

/** The failures the tenancy services answer with, in Quay's wording for the common ones. */
final class Fail {
    private Fail() {}

    static <T> Future<T> invalid(String message) {
        return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, message));
    }

    static <T> Future<T> notFound(String message) {
        return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, message));
    }

    /** 401: the caller is anonymous. */
    static <T> Future<T> unauthenticated() {
        return Future.failedFuture(new BerthException(ErrorCode.UNAUTHORIZED, "Requires authentication"));
    }

    /** 403: the caller is signed in but may not do this. */
    static <T> Future<T> denied() {
        return Future.failedFuture(new BerthException(ErrorCode.DENIED, "Unauthorized"));
    }
}
