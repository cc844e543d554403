package dev.vkubelet.core.pod;

import dev.vkubelet.provider.Models;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A model as the API server would store it, for comparison with {@code equals}: every
 * {@link OffsetDateTime} in UTC and cut to whole seconds, and no empty lists, maps or objects (an
 * object whose fields are all empty becomes null, so an empty model's canonical form is null).
 *
 * <p>Made from a deep copy ({@code Models.copy}, which is all the provider API offers), normalised
 * in place: the copy's lists and maps are its own and mutable.
 */
final class CanonicalForm {

    private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        fields.add(f);
                    }
                }
            }
            return fields.toArray(Field[]::new);
        }
    };

    private CanonicalForm() {}

    /** The canonical form of {@code model}, a deep copy; null for null or an empty model. */
    static <T> T of(T model) {
        @SuppressWarnings("unchecked")
        T canonical = (T) normalise(Models.copy(model));
        return canonical;
    }

    private static Object normalise(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime time) {
            return time.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        }
        if (value instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<Object> elements = (List<Object>) list;
            elements.replaceAll(CanonicalForm::normalise);
            elements.removeIf(e -> e == null);
            return elements.isEmpty() ? null : elements;
        }
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> entries = (Map<Object, Object>) map;
            for (Iterator<Map.Entry<Object, Object>> i = entries.entrySet().iterator(); i.hasNext(); ) {
                Map.Entry<Object, Object> entry = i.next();
                Object normalised = normalise(entry.getValue());
                if (normalised == null) {
                    i.remove();
                } else {
                    entry.setValue(normalised);
                }
            }
            return entries.isEmpty() ? null : entries;
        }
        if (leaf(value)) {
            return value;
        }
        boolean empty = true;
        try {
            for (Field f : FIELDS.get(value.getClass())) {
                Object normalised = normalise(f.get(value));
                f.set(value, normalised);
                empty &= normalised == null;
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot normalise a " + value.getClass().getName(), e);
        }
        return empty ? null : value;
    }

    /** A value {@code Models.copy} shares or clones as a whole: nothing inside it to normalise. */
    private static boolean leaf(Object value) {
        Class<?> type = value.getClass();
        return type.isArray() || type.isEnum() || type.getName().startsWith("java.")
                || value instanceof io.kubernetes.client.custom.Quantity
                || value instanceof io.kubernetes.client.custom.IntOrString;
    }
}
