package dev.vkubelet.provider;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Pod;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deep copies of client-java model objects ({@code V1Pod}, {@code V1PodStatus}, ...), made field
 * by field, and the Secret-free view of a pod that providers return and store. A round trip through client-java's JSON does the same several times
 * slower (it builds and validates a JSON tree each way), which showed in profiles of pod bursts.
 * A model is a class with a no-argument constructor whose instance fields hold models, lists, maps,
 * strings, numbers, booleans, enums, {@code java.time} values, {@link Quantity}, {@link IntOrString}
 * or byte arrays; the last is copied, the other leaves are immutable and shared.
 */
public final class Models {

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private Models() {}

    /** A deep copy of {@code model}: changing one never changes the other. Null for null. */
    public static <T> T copy(T model) {
        @SuppressWarnings("unchecked")
        T copy = (T) walk(model);
        return copy;
    }

    /**
     * A deep copy of {@code pod} with every Secret-derived environment value withheld: a variable
     * that keeps {@code valueFrom.secretKeyRef} (as the host hands them to {@code createPod}) loses
     * its {@code value} and keeps the reference. What a provider returns from {@code getPod} and
     * {@code getPods}, and may store outside the backend that runs the pod, goes through this.
     */
    public static V1Pod withoutSecretValues(V1Pod pod) {
        V1Pod copy = copy(pod);
        if (copy == null || copy.getSpec() == null) {
            return copy;
        }
        withholdSecretValues(copy.getSpec().getContainers());
        withholdSecretValues(copy.getSpec().getInitContainers());
        if (copy.getSpec().getEphemeralContainers() != null) {
            copy.getSpec().getEphemeralContainers().forEach(c -> withhold(c.getEnv()));
        }
        return copy;
    }

    private static void withholdSecretValues(List<V1Container> containers) {
        if (containers != null) {
            containers.forEach(c -> withhold(c.getEnv()));
        }
    }

    private static void withhold(List<V1EnvVar> env) {
        if (env != null) {
            env.stream().filter(Models::fromSecret).forEach(var -> var.setValue(null));
        }
    }

    /** Whether {@code var}'s value came from a Secret ({@code valueFrom.secretKeyRef} is set). */
    public static boolean fromSecret(V1EnvVar var) {
        return var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null;
    }

    private static Object walk(Object value) {
        if (value == null || immutable(value)) {
            return value;
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object element : list) {
                out.add(walk(element));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), walk(e.getValue()));
            }
            return out;
        }
        if (value instanceof Collection<?>) {
            throw new IllegalArgumentException("cannot copy a " + value.getClass().getName() + ": only lists");
        }
        return SHAPES.get(value.getClass()).walk(value);
    }

    private static boolean immutable(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Character || value instanceof Enum<?> || value instanceof Quantity
                || value instanceof IntOrString || value instanceof UUID || value instanceof Temporal;
    }

    /** A model class: its constructor and instance fields. */
    private record Shape(Class<?> type, Constructor<?> constructor, Field[] fields) {

        static Shape of(Class<?> type) {
            if (type.getName().startsWith("java.") || type.getName().startsWith("javax.") || type.isArray()) {
                throw new IllegalArgumentException("cannot copy a " + type.getName() + ": not a model");
            }
            Constructor<?> constructor;
            try {
                constructor = type.getDeclaredConstructor();
                constructor.setAccessible(true);
            } catch (NoSuchMethodException | RuntimeException e) {
                throw new IllegalArgumentException("cannot copy a " + type.getName()
                        + ": not a model (no constructor without arguments)", e);
            }
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers())) {
                        if (Modifier.isFinal(f.getModifiers())) {
                            throw new IllegalArgumentException("cannot copy a " + type.getName() + ": field "
                                    + f.getName() + " is final");
                        }
                        f.setAccessible(true);
                        fields.add(f);
                    }
                }
            }
            return new Shape(type, constructor, fields.toArray(Field[]::new));
        }

        Object walk(Object value) {
            try {
                Object out = constructor.newInstance();
                for (Field f : fields) {
                    f.set(out, Models.walk(f.get(value)));
                }
                return out;
            } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
                throw new IllegalArgumentException("cannot copy a " + type.getName() + ": " + e, e);
            }
        }
    }
}
