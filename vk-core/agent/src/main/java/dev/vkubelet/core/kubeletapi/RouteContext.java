package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.plugin.ProviderDeadline;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.core.ports.PodIndex;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.tracing.Tracer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the routes share: the node, its provider and the deadline, the pod watch, the stream
 * threads and counts, the time limits, the agent's metrics registry, the tracer.
 */
record RouteContext(String node, ProviderHandle provider, PodIndex index, ProviderDeadline deadline,
        ExecutorService streamThreads, AtomicInteger openStreams, int maxStreams, StreamPlaces forwarded,
        KubeletApiServer.StreamTimeouts timeouts, Optional<PrometheusMeterRegistry> metrics, Tracer tracer) {

    /**
     * The stream threads for the request being served: call it while serving, so that what a
     * followed log or a stream session runs on them later continues the request's span.
     */
    ExecutorService streams() {
        return new ContinuedStreams(streamThreads, tracer.continuation());
    }

    /** Whether the provider serves other nodes too (its lists and stats cover them all). */
    boolean sharedProvider() {
        return provider.capability(dev.vkubelet.provider.MultiNodeProvider.class).isPresent();
    }

    /** 501: the provider lacks the capability. */
    Answer notImplemented(String what) {
        return Answer.text(HttpResponseStatus.NOT_IMPLEMENTED, "provider " + provider.name() + " does not support "
                + what);
    }

    /** Fails with 404 unless {@code namespace/pod} is bound to this node (the pod watch's view). */
    void requirePod(String namespace, String pod) {
        if (index.get(namespace, pod).isEmpty()) {
            throw new NotFoundException("pod " + namespace + "/" + pod + " is not on this node");
        }
    }

    /** Fails with 503 when {@code maxStreams} streams (followed logs, stream sessions) are open. */
    void requireStreamPlace() throws Refused {
        if (openStreams.get() >= maxStreams) {
            throw new Refused(503, "Service unavailable: " + maxStreams + " streams are open on this node; retry"
                    + " later");
        }
    }
}
