package io.berth.registry.iam;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.core.Future;

/** Failures of the tenancy services (refusals come from {@code Authorizer.refusal}). */
final class Fail {
    private Fail() {}

    static <T> Future<T> invalid(String message) {
        return Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST, message));
    }

    static <T> Future<T> notFound(String message) {
        return Future.failedFuture(new BerthException(ErrorCode.NOT_FOUND, message));
    }
}
