/**
 * Benchmarks of the node agent: {@code virtual-kubelet bench} drives a {@link dev.vkubelet.core.bench.Workload}
 * of pods against a node ({@link dev.vkubelet.core.bench.WorkloadRun}), of a cluster or of a local
 * control plane and agent started for a provider ({@link dev.vkubelet.core.bench.Bench}), and
 * reports a {@link dev.vkubelet.core.bench.BenchResult} (text and JSON);
 * {@link dev.vkubelet.core.bench.PodBench} is the maintainers' script around it
 * ({@code dist/scripts/bench-pods}).
 *
 * <p>Depends on the agent's {@code app} (to run an agent it is handed the configuration of), its
 * {@code kube} ({@code NodeSetPods}: the ceiling writer watches as the agent does) and on
 * vk-controlplane; never on the command line. Only the launcher depends on it.
 */
package dev.vkubelet.core.bench;
