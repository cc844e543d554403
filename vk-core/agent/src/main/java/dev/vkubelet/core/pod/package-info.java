/**
 * The pod controller: drives the pods bound to this node through the provider and writes their
 * status back.
 *
 * <ul>
 *   <li>{@link dev.vkubelet.core.pod.PodController}: wiring and run loop: informer events and
 *       provider notifications (or {@link dev.vkubelet.core.pod.StatusPoller}) feed two keyed work
 *       queues, each served by {@code --pod-sync-workers} workers;
 *   <li>{@link dev.vkubelet.core.pod.PodSync}: Kubernetes to provider: create, update, delete
 *       (with delayed removal of the API object), dangling pods at start-up;
 *   <li>{@link dev.vkubelet.core.pod.PodStatusSync}: provider to Kubernetes: status-only writes
 *       guarded by resourceVersion, skipped when nothing changed;
 *   <li>{@link dev.vkubelet.core.pod.PodEquality}: what counts as a change worth an update, on
 *       {@link dev.vkubelet.core.pod.CanonicalForm}s (models as the API server stores them);
 *   <li>every provider call runs within {@code --provider-timeout} ({@code plugin.ProviderDeadline});
 *   <li>{@link dev.vkubelet.core.pod.NodeProviders}: one controller serves every node of the
 *       process; a pod goes to the provider of its {@code spec.nodeName}, a pod of a node not served
 *       here is left alone.
 * </ul>
 *
 * <p>Depends on the ports, the env resolver, the work queue, the plugin host's
 * {@code ProviderHandle} and the tracing facade; never on client-java's HTTP API.
 */
package dev.vkubelet.core.pod;
