package dev.vkubelet.core.ports;

import io.kubernetes.client.openapi.models.V1Pod;

/** Records Kubernetes Events about pods. Never throws: a failed event is logged and dropped. */
public interface EventRecorder {

    /** A {@code Normal} event. */
    String NORMAL = "Normal";
    /** A {@code Warning} event. */
    String WARNING = "Warning";

    /** Records an event of {@code type} with {@code reason} and {@code message} on {@code pod}. */
    void record(V1Pod pod, String type, String reason, String message);
}
