package dev.vkubelet.provider;

/**
 * Optional capability: the backend reports events about pods (image pulls, restarts, scheduling
 * failures) and the provider hands them on, so they appear as Kubernetes events on the pod
 * ({@code kubectl describe pod}).
 */
public interface PodEventSource {

    /** Where a provider sends pod events. Thread-safe; never blocks for long; never throws. */
    @FunctionalInterface
    interface PodEvents {

        /**
         * Records an event on the pod {@code namespace/name}; dropped when the host has no such pod.
         *
         * @param type {@code Normal} or {@code Warning}
         * @param reason a short CamelCase reason, e.g. {@code Pulled}
         * @param message what happened
         */
        void record(String namespace, String name, String type, String reason, String message);
    }

    /**
     * Registers the host's sink. Called once, before any pod is created. The provider sends each
     * backend event once (not again at every poll).
     */
    void eventsTo(PodEvents events);
}
