package dev.vkubelet.core.kube;

import com.google.gson.ExclusionStrategy;
import com.google.gson.FieldAttributes;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.Watch;
import java.io.IOException;
import java.lang.reflect.Type;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Date;

/**
 * A watch whose object events are decoded straight into the model classes. client-java's own
 * decoding reads every event into a JSON tree, checks each field against the model, then converts
 * the tree: most of the agent's CPU for a pod start went there. This reads the line once, by
 * reflection over the models' {@code @SerializedName} fields, with client-java's adapters for
 * timestamps and bytes ({@code Quantity} and {@code IntOrString} bring theirs), and leaves out
 * {@code metadata.managedFields} as client-java does unless told otherwise. {@code ERROR} events, and
 * any line not shaped as the API server writes them, go through client-java's decoding.
 */
final class ModelWatch<T> extends Watch<T> {

    /** The decoder of the models, shared (a Gson is thread-safe). */
    static final Gson MODELS = new GsonBuilder()
            .registerTypeAdapter(OffsetDateTime.class, new JSON.OffsetDateTimeTypeAdapter())
            .registerTypeAdapter(LocalDate.class, new JSON.LocalDateTypeAdapter())
            .registerTypeAdapter(Date.class, new JSON.DateTypeAdapter())
            .registerTypeAdapter(byte[].class, new JSON.ByteArrayAdapter())
            .setExclusionStrategies(new ExclusionStrategy() {
                @Override
                public boolean shouldSkipField(FieldAttributes f) {
                    return f.getDeclaringClass() == V1ObjectMeta.class && "managedFields".equals(f.getName());
                }

                @Override
                public boolean shouldSkipClass(Class<?> c) {
                    return false;
                }
            })
            .create();

    private static final String OBJECT_EVENT = "{\"type\":\"";
    private static final String ERROR_EVENT = "{\"type\":\"ERROR\"";

    private final Type type;

    private ModelWatch(ApiClient client, okhttp3.ResponseBody body, Type type, okhttp3.Call call) {
        super(client.getJSON(), body, type, call);
        this.type = type;
    }

    /** Starts the watch {@code call} as client-java's {@code Watch.createWatch} does: an error answer throws. */
    static <T> ModelWatch<T> start(ApiClient client, okhttp3.Call call, Type type) throws ApiException {
        okhttp3.Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            throw new ApiException(e);
        }
        if (!response.isSuccessful()) {
            String body = null;
            try (okhttp3.ResponseBody failed = response.body()) {
                if (failed != null) {
                    body = failed.string();
                }
            } catch (IOException e) {
                throw new ApiException(response.message(), e, response.code(), response.headers().toMultimap());
            }
            throw new ApiException(response.message(), response.code(), response.headers().toMultimap(), body);
        }
        return new ModelWatch<>(client, response.body(), type, call);
    }

    @Override
    protected Watch.Response<T> parseLine(String line) throws IOException {
        Watch.Response<T> event = decode(line, type);
        return event != null ? event : super.parseLine(line);
    }

    /** The object event {@code line} holds, or null when client-java decodes it (errors, other shapes). */
    static <T> Watch.Response<T> decode(String line, Type type) {
        if (!line.startsWith(OBJECT_EVENT) || line.startsWith(ERROR_EVENT)) {
            return null;
        }
        return MODELS.fromJson(line, type);
    }
}
