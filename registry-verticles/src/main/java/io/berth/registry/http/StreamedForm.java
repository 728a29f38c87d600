package io.berth.registry.http;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/**
 * A multipart form read as a stream, for uploads past a page's body limit: its one file part goes to a consumer as it
 * arrives; only the small fields are held. Vert.x hands over the fields only once the whole body has arrived, so the
 * consumer must receive the file provisionally (its CSRF token is among those fields). The route needs
 * {@link StreamedBody#hold} first and no BodyHandler.
 */
public final class StreamedForm {
    /** The form's fields and what the consumer made of its file: null when no file was chosen. */
    public record Form<T>(MultiMap fields, T file) {}

    private StreamedForm() {}

    /**
     * Reads the request. {@code receive} gets the file part, paused (reading it resumes it); its failure fails the
     * result at once, and the rest of the body is then dropped. When the form fails after the file was received,
     * {@code discard} gets what {@code receive} made of it.
     */
    public static <T> Future<Form<T>> read(RoutingContext ctx, Function<HttpServerFileUpload, Future<T>> receive,
                                           Function<T, Future<Void>> discard) {
        HttpServerRequest request = ctx.request();
        Promise<Form<T>> result = Promise.promise();
        @SuppressWarnings("unchecked") Future<T>[] file = new Future[1];
        request.setExpectMultipart(true);
        request.uploadHandler(upload -> {
            upload.pause();
            if (upload.filename().isEmpty() || file[0] != null) {
                // a file input left empty still sends its part; a form has one file
                drop(upload);
                return;
            }
            file[0] = receive.apply(upload).onFailure(err -> {
                drop(upload);
                result.tryFail(err);
            });
        });
        request.end()
                .recover(err -> Future.failedFuture(new BerthException(ErrorCode.INVALID_REQUEST,
                        "The form could not be read: " + err.getMessage())))
                .compose(v -> file[0] == null ? Future.<T>succeededFuture() : file[0])
                .onSuccess(f -> result.tryComplete(new Form<>(request.formAttributes(), f)))
                .onFailure(err -> {
                    if (file[0] != null) file[0].onSuccess(discard::apply);
                    result.tryFail(err);
                });
        StreamedBody.proceed(ctx);
        request.resume();
        return result.future();
    }

    /** Lets the rest of a file part go by unread, so that the request can still end. */
    private static void drop(HttpServerFileUpload upload) {
        upload.handler(null);
        upload.resume();
    }
}
