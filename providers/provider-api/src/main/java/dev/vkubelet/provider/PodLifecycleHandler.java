package dev.vkubelet.provider;

import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.List;
import java.util.Optional;

/**
 * The pod lifecycle every provider implements. The host calls these methods from several worker
 * threads at once, but never concurrently for the same pod ({@code namespace/name}).
 *
 * <p>Every method may block on the backend; the host applies its own timeout and treats a call
 * that does not return in time as failed. Errors: throw {@link NotFoundException},
 * {@link InvalidInputException} or {@link RetriableException} to tell the host how to react; any
 * other exception is treated as a failure to retry with backoff.
 */
public interface PodLifecycleHandler extends AutoCloseable {

    /**
     * Starts the pod on the backend. The host calls it when the provider does not have the pod. Must
     * be idempotent: a second call for a pod that already exists succeeds without creating a
     * duplicate. The provider may keep the argument (it is a copy).
     *
     * <p>The containers' environment arrives resolved, as the kubelet would run it: every variable
     * has its {@code value} ({@code envFrom} expanded, references and {@code $(VAR)} resolved). A
     * variable whose value came from a Secret also keeps {@code valueFrom.secretKeyRef} naming the
     * Secret and key, so a backend with secret values can store it as one. A Secret's value goes
     * to the backend that runs the pod and nowhere else: not into what {@link #getPod} and
     * {@link #getPods} return, logs, spans, metrics, events or files the provider writes outside the
     * backend ({@link Models#withoutSecretValues} makes the copy to keep or return).
     */
    void createPod(V1Pod pod);

    /**
     * Applies a change of the pod's mutable fields (containers' images, labels, annotations,
     * activeDeadlineSeconds, tolerations). Throws {@link NotFoundException} when the provider does
     * not have the pod.
     */
    void updatePod(V1Pod pod);

    /**
     * Stops the pod and releases its resources. May be called more than once for the same pod:
     * throw {@link NotFoundException} when the pod is already gone (the host counts that as done).
     * When the provider reports status asynchronously, it reports the pod with all containers
     * terminated once they have stopped.
     *
     * <p>The host removes the deleted pod's API object once the provider no longer has the pod, or
     * reports every container terminated and {@link #releasing} is false, or the grace period has
     * ended.
     */
    void deletePod(V1Pod pod);

    /**
     * Whether the backend still holds resources of a deleted pod whose containers have stopped (a
     * network interface, an address, a volume). The kubelet keeps a deleted pod's API object until
     * the pod's resources are reclaimed; a provider that answers true here gets the same: the host
     * keeps the object until the answer is false or the provider no longer has the pod. Such a
     * provider reports the pod again (or its absence) when the release completes, so the host looks
     * again without waiting for its periodic check. The default: false (containers stopped is done).
     */
    default boolean releasing(String namespace, String name) {
        return false;
    }

    /**
     * The pod as the provider runs it, or empty when the provider does not have it. Secret-derived
     * environment values are withheld ({@link Models#withoutSecretValues}).
     */
    Optional<V1Pod> getPod(String namespace, String name);

    /** The pod's current status, or empty when the provider does not have the pod. */
    Optional<V1PodStatus> getPodStatus(String namespace, String name);

    /**
     * Every pod the provider runs for this node, Secret-derived environment values withheld. The
     * host treats the list as immutable.
     */
    List<V1Pod> getPods();

    /** Releases the provider's resources at shutdown. Idempotent. The default does nothing. */
    @Override
    default void close() {}
}
