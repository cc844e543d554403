package dev.vkubelet.provider.cloudkit;

import dev.vkubelet.provider.Models;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;

/**
 * A pod a cloud provider runs, with the status it last reported. A provider extends it with its
 * backend's handle (a task, a container group). The pod, status and deleting flag are guarded by
 * the instance: change them inside {@code synchronized (tracked)}.
 */
public class TrackedPod {

    public V1Pod pod;
    public V1PodStatus status;
    /**
     * Set while the provider deletes the pod in its backend. The record lives until the backend has
     * released what the pod held, so a record being deleted is one still releasing
     * ({@link TrackingProvider#releasing}).
     */
    public boolean deleting;

    protected TrackedPod(V1Pod pod) {
        this.pod = pod;
    }

    /** A deep copy of a pod. */
    public static V1Pod copy(V1Pod pod) {
        return Models.copy(pod);
    }

    public static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    public static String key(V1Pod pod) {
        return key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }

    public synchronized String key() {
        return key(pod);
    }

    /** A copy of the pod with its current status and no Secret-derived values, for the host. */
    public synchronized V1Pod snapshot() {
        V1Pod copy = Models.withoutSecretValues(pod);
        copy.setStatus(status == null ? null : copy(new V1Pod().status(status)).getStatus());
        return copy;
    }
}
