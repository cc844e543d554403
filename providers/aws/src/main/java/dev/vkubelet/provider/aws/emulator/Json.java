package dev.vkubelet.provider.aws.emulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reading request fields and writing AWS JSON values; a missing or mistyped field is a 400. */
final class Json {

    private Json() {}

    static String requiredString(JsonObject o, String field) {
        String value = optionalString(o, field, null);
        if (value == null || value.isEmpty()) {
            throw new ApiError(400, "InvalidParameterException", field + " can not be empty.");
        }
        return value;
    }

    static String optionalString(JsonObject o, String field, String fallback) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive()) {
            throw new ApiError(400, "SerializationException", field + " must be a string");
        }
        return e.getAsString();
    }

    static long optionalLong(JsonObject o, String field, long fallback) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        try {
            return e.getAsLong();
        } catch (RuntimeException ex) {
            throw new ApiError(400, "SerializationException", field + " must be a number");
        }
    }

    static List<String> strings(JsonObject o, String field) {
        JsonElement e = o.get(field);
        List<String> out = new ArrayList<>();
        if (e == null || e.isJsonNull()) {
            return out;
        }
        if (!e.isJsonArray()) {
            throw new ApiError(400, "SerializationException", field + " must be a list");
        }
        for (JsonElement item : e.getAsJsonArray()) {
            out.add(item.getAsString());
        }
        return out;
    }

    static JsonArray array(List<String> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    /** An object of two string fields, e.g. a failure's {@code arn} and {@code reason}. */
    static JsonObject pair(String key1, String value1, String key2, String value2) {
        JsonObject o = new JsonObject();
        o.addProperty(key1, value1);
        o.addProperty(key2, value2);
        return o;
    }

    /** AWS JSON protocols send timestamps as epoch seconds with a fraction. */
    static double epochSeconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }
}
