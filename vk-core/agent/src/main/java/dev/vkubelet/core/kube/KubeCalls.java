package dev.vkubelet.core.kube;

import dev.vkubelet.core.ports.ApiFailure;
import dev.vkubelet.core.ports.ObjectConflict;
import dev.vkubelet.core.ports.ObjectExists;
import dev.vkubelet.core.ports.ObjectMissing;
import io.kubernetes.client.openapi.ApiException;
import java.util.Optional;

/** Runs client-java calls and maps their failures to the ports' exceptions. */
final class KubeCalls {

    @FunctionalInterface
    interface Call<T> {
        T run() throws ApiException;
    }

    private KubeCalls() {}

    /** A read: 404 becomes empty. */
    static <T> Optional<T> read(String what, Call<T> call) {
        try {
            return Optional.of(call.run());
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw failure(what, e, false);
        }
    }

    /** A create: 409 becomes {@link ObjectExists}. */
    static <T> T create(String what, Call<T> call) {
        try {
            return call.run();
        } catch (ApiException e) {
            throw failure(what, e, true);
        }
    }

    /** An update: 409 becomes {@link ObjectConflict}, 404 {@link ObjectMissing}. */
    static <T> T update(String what, Call<T> call) {
        try {
            return call.run();
        } catch (ApiException e) {
            throw failure(what, e, false);
        }
    }

    /**
     * Runs {@code call} and reads its answer only when it is an error (for the message): a success's
     * body is skipped. Returns the status code; throws as client-java's {@code execute} would.
     */
    static int unread(okhttp3.Call call) throws ApiException {
        try (okhttp3.Response response = call.execute()) {
            if (response.isSuccessful()) {
                return response.code();
            }
            okhttp3.ResponseBody body = response.body();
            throw new ApiException(response.message(), response.code(), response.headers().toMultimap(),
                    body == null ? null : body.string());
        } catch (java.io.IOException e) {
            throw new ApiException(e);
        }
    }

    static ApiFailure failure(String what, ApiException e, boolean creating) {
        String message = what + " failed: " + ApiMessages.describe(e);
        return switch (e.getCode()) {
            case 404 -> new ObjectMissing(message, e);
            case 409 -> creating ? new ObjectExists(message, e) : new ObjectConflict(message, e);
            default -> new ApiFailure(e.getCode(), message, e);
        };
    }
}
