/**
 * The kubelet HTTP API that the API server, kubectl and metrics-server reach on
 * {@code --listen-port}: HTTPS (Netty), authentication and authorisation like the kubelet's webhook
 * mode, and the routes.
 *
 * <ul>
 *   <li>{@link dev.vkubelet.core.kubeletapi.KubeletApiServer}: the pipeline and its limits; TLS from
 *       {@link dev.vkubelet.core.kubeletapi.ServingCertificates} (files reloaded on change, a
 *       certificate the cluster issues and renews, or {@code SelfSigned}; {@code CertificateRequests}
 *       makes the key and CSR), client certificates optional so bearer tokens still work when a client CA
 *       is set;
 *   <li>{@link dev.vkubelet.core.kubeletapi.ConnectionGuard}: connection caps (in all, per client
 *       address) and the idle limit; {@link dev.vkubelet.core.kubeletapi.FrontDoor}: on the event
 *       loop, from the request head: {@code /healthz}, body limit, authentication (certificate,
 *       cached token, anonymous, else a TokenReview while reading waits);
 *   <li>{@link dev.vkubelet.core.kubeletapi.Authenticator} and
 *       {@link dev.vkubelet.core.kubeletapi.Authorizer}: x509 client certificates, bearer tokens by
 *       TokenReview, every request authorised by SubjectAccessReview as the current kubelet does;
 *       reviews on a client of their own, within a {@link dev.vkubelet.core.kubeletapi.ReviewBudget},
 *       results in a bounded {@link dev.vkubelet.core.kubeletapi.ReviewCache} keyed by digests;
 *   <li>{@link dev.vkubelet.core.kubeletapi.KubeletHandler}: authorisation, the server span,
 *       dispatch to one {@link dev.vkubelet.core.kubeletapi.Route} per endpoint family, errors as
 *       4xx/5xx with a message. Routes share a {@link dev.vkubelet.core.kubeletapi.RouteContext}
 *       (provider calls within a {@link dev.vkubelet.core.kubeletapi.ProviderDeadline}, 504 when it
 *       passes): {@link dev.vkubelet.core.kubeletapi.PodsRoute} ({@code /pods} and
 *       {@code /runningpods/} from the pod watch's API objects via
 *       {@link dev.vkubelet.core.kubeletapi.PodLists}, never the provider's resolved copies),
 *       {@link dev.vkubelet.core.kubeletapi.StatsRoute}, {@link dev.vkubelet.core.kubeletapi.LogsRoute},
 *       {@link dev.vkubelet.core.kubeletapi.ExecRoute} (exec, attach) and
 *       {@link dev.vkubelet.core.kubeletapi.PortForwardRoute}, the last two upgrading the connection
 *       through {@link dev.vkubelet.core.kubeletapi.StreamUpgrades};
 *   <li>stream sessions (exec, attach, port-forward over WebSocket or SPDY): client input bounded by
 *       {@link dev.vkubelet.core.kubeletapi.QueueInputStream} and
 *       {@link dev.vkubelet.core.kubeletapi.ReadGate}, forwarded streams by
 *       {@link dev.vkubelet.core.kubeletapi.StreamPlaces}, output written frame by frame; their work
 *       and a log's copying run on the stream threads as children of the request's span
 *       ({@link dev.vkubelet.core.kubeletapi.ContinuedStreams});
 *   <li>{@link dev.vkubelet.core.kubeletapi.LogRequest}: log query parameters, validated as the
 *       kubelet does; {@link dev.vkubelet.core.kubeletapi.StatsRendering}: the stats summary JSON and
 *       the resource metrics text.
 * </ul>
 *
 * <p>Depends on the plugin host's {@code ProviderHandle}, the pod index port, client-java (for the
 * reviews), BouncyCastle (keys, CSRs) and Netty; never on the local control plane's tooling.
 */
package dev.vkubelet.core.kubeletapi;
