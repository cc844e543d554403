/**
 * Benchmarks run by hand (never by the tests): {@link dev.vkubelet.core.bench.PodBench} measures
 * pod throughput and latency of the whole node agent against a local control plane. Run it with
 * {@code dist/scripts/bench-pods}.
 */
package dev.vkubelet.core.bench;
