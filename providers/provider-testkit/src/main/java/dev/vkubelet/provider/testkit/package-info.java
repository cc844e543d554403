/**
 * The conformance suite every provider module extends, and the small helpers it needs.
 *
 * <p>A provider's test extends {@link dev.vkubelet.provider.testkit.ProviderConformanceTest},
 * supplies its factory and a configuration, and inherits the standard behaviours: create to
 * running, create twice, update, delete to a terminal status, delete twice, unknown pods are
 * {@code NotFound}, listed pods match, logs of an unknown pod are {@code NotFound}.
 * {@link dev.vkubelet.provider.testkit.TestPods} builds pods; {@link dev.vkubelet.provider.testkit.Await}
 * waits for a condition with a timeout instead of sleeping;
 * {@link dev.vkubelet.provider.testkit.RecordingTracer} records the spans a provider starts,
 * {@link dev.vkubelet.provider.testkit.RecordingMetrics} its metrics, and
 * {@link dev.vkubelet.provider.testkit.NotifiedPods} the status changes it pushes;
 * {@link dev.vkubelet.provider.testkit.TrustAll} talks TLS to a kubelet API with a self-signed
 * certificate.
 *
 * <p>Depends on the provider API and JUnit only: no Kubernetes API server is needed.
 */
package dev.vkubelet.provider.testkit;
