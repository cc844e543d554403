/**
 * Comparing traces across providers: reading the span files of the {@code file} exporter
 * ({@link dev.vkubelet.core.traces.SpanFile}), analysing one run per file
 * ({@link dev.vkubelet.core.traces.RunAnalysis}: latency per span name, spans per pod, the
 * critical path of each pod's start), and reporting several runs side by side as text and as a
 * self-contained HTML page ({@link dev.vkubelet.core.traces.Reports}).
 *
 * <p>Depends on the JDK and Gson only; only the launcher depends on it.
 */
package dev.vkubelet.core.traces;
