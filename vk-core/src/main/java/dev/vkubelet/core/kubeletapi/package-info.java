/**
 * The kubelet HTTP API that the API server, kubectl and metrics-server reach on
 * {@code --listen-port}: HTTPS (Netty), authentication and authorisation like the kubelet's webhook
 * mode, and the routes.
 *
 * <ul>
 *   <li>{@link dev.vkubelet.core.kubeletapi.KubeletApiServer}: TLS (certificate from flags or
 *       {@code APISERVER_*_LOCATION}, else self-signed), client certificates optional so bearer
 *       tokens still work when a client CA is set;
 *   <li>{@link dev.vkubelet.core.kubeletapi.KubeletAuth}: x509 client certificates, bearer tokens
 *       by TokenReview, every request authorised by SubjectAccessReview ({@code nodes/proxy},
 *       {@code nodes/log}, {@code nodes/stats}, {@code nodes/metrics}), decisions cached;
 *   <li>{@link dev.vkubelet.core.kubeletapi.KubeletHandler}: routing, errors as 4xx/5xx with a
 *       message, streamed container logs;
 *   <li>{@link dev.vkubelet.core.kubeletapi.LogRequest}: log query parameters, validated as the
 *       kubelet does; {@link dev.vkubelet.core.kubeletapi.StatsRendering}: the stats summary JSON and
 *       the resource metrics text.
 * </ul>
 *
 * <p>Depends on the plugin host's {@code ProviderHandle}, the pod index port, client-java (for the
 * reviews) and Netty.
 */
package dev.vkubelet.core.kubeletapi;
