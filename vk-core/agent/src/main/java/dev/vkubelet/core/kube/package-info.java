/**
 * The client-java implementations of the ports in {@code dev.vkubelet.core.ports}, and how the
 * {@code ApiClient} is found ({@link dev.vkubelet.core.kube.KubeClients}); the pod and Service
 * watches ({@link dev.vkubelet.core.kube.KubeInformers}); ConfigMaps and Secrets read by name when a
 * pod refers to them, never listed ({@link dev.vkubelet.core.kube.KubeReferencedObjects},
 * {@link dev.vkubelet.core.kube.PodReferences}).
 *
 * <p>The only package of the host that calls the Kubernetes HTTP client. Translates
 * {@code ApiException}s into the ports' outcome classes: 404 to {@code ObjectMissing}, 409 to
 * {@code ObjectConflict} (updates) or {@code ObjectExists} (creates), anything else to
 * {@code ApiFailure}.
 *
 * <p>One pod watch serves every node of the process: {@code NodeSetPods} keeps only their pods in
 * the informer's cache when there are several; one node watch ({@code NodeSetNodes}) lets heartbeats
 * check their node without a request ({@code KubeNodeClient.getRecent}); both filter a wider watch
 * through {@code FilteredWatch}. Events are correlated as the kubelet's are ({@code EventCorrelator})
 * and written by {@link dev.vkubelet.core.kube.KubeEventRecorder}; every request carries the calling
 * thread's trace context ({@link dev.vkubelet.core.kube.TraceHeaders}). Depends on client-java, the ports and {@code limits}; only {@code app} and {@code kubeletapi} depend on it, never the controllers.
 */
package dev.vkubelet.core.kube;
