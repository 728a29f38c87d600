package io.berth.registry.oci;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** A /v2 success without a body: a status and its headers. */
record Reply(int status, Map<String, String> headers) {
    static Reply of(int status) {
        return new Reply(status, new LinkedHashMap<>());
    }

    Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    void send(RoutingContext ctx) {
        var response = ctx.response();
        headers.forEach(response::putHeader);
        response.setStatusCode(status).end();
    }

    /** Runs a handler body so that an exception thrown while parsing the request becomes a failed future. */
    static <T> Future<T> attempt(Supplier<Future<T>> body) {
        return Future.<Void>succeededFuture().compose(v -> body.get());
    }
}
