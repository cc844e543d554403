package dev.vkubelet.core.bench;

import dev.vkubelet.core.app.RunConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a bench run does: {@code pods} pods bound to {@code node} (or, with {@code nodes} above 1,
 * spread in turn over {@code node-0} … {@code node-(nodes-1)}, the nodes of one process started with
 * {@code --node-count}) in {@code namespace}, created (and
 * later deleted) at {@code ratePerSecond} (0: all at once), each with {@code containers} containers carrying
 * {@code envVars} variables and {@code ports} ports; long-running, or jobs that exit with
 * {@code jobExitCode} after {@code jobSeconds}. Each pod is awaited Running (a job: its final phase),
 * its logs optionally read, then it is deleted and awaited gone; a pod that misses a step within
 * {@code timeout} is a failure, and the run goes on. With {@code keepPods} the pods are left in place: no
 * delete phase (for runs whose deletions alone would take long, on a control plane thrown away after).
 * With {@code warmupPods}, a node the bench starts first runs a round of that many pods (created,
 * awaited, deleted; not measured), so the measured round meets compiled code, as a long-running
 * node's pods do.
 */
public record Workload(
        String namespace,
        String node,
        int pods,
        double ratePerSecond,
        int containers,
        int envVars,
        int ports,
        OptionalInt jobExitCode,
        int jobSeconds,
        boolean readLogs,
        Duration timeout,
        int nodes,
        boolean keepPods,
        int warmupPods) {

    public Workload {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(jobExitCode, "jobExitCode");
        Objects.requireNonNull(timeout, "timeout");
        if (warmupPods < 0) {
            throw new IllegalArgumentException("warm-up pods must be 0 or more, got " + warmupPods);
        }
        if (nodes < 1) {
            throw new IllegalArgumentException("a workload needs at least one node, got " + nodes);
        }
        if (pods < 1 || containers < 1 || envVars < 0 || ports < 0 || ratePerSecond < 0 || jobSeconds < 0
                || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a workload needs pods >= 1, containers >= 1, env, ports, rate and job"
                    + " seconds >= 0, and a positive timeout");
        }
    }

    /** The warm-up round: {@code warmupPods} pods in a namespace of their own, deleted after. */
    public Workload warmup() {
        return new Workload(namespace + "-warmup", node, warmupPods, ratePerSecond, containers, envVars, ports,
                jobExitCode, jobSeconds, false, timeout, nodes, false, 0);
    }

    /** The nodes the pods go to: {@code node} alone, or {@code node-0} … {@code node-(nodes-1)}. */
    public java.util.List<String> nodeNames() {
        return RunConfig.nodeNames(node, nodes);
    }

    /** The node of pod number {@code i}: the nodes in turn. */
    public String nodeOf(int i) {
        return RunConfig.nodeName(node, nodes, i % nodes);
    }

    /** Whether the pods are jobs, awaited to their final phase instead of Running. */
    public boolean jobs() {
        return jobExitCode.isPresent();
    }
}
