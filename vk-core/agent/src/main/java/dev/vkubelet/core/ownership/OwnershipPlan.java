package dev.vkubelet.core.ownership;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one replica does in a round, from what it saw: the nodes it keeps, releases and tries to
 * acquire. Pure. Shares are even and add up to the node count: with N nodes and R live replicas
 * sorted by identity, the replica at index i is due {@code N / R}, plus one when {@code i < N % R}.
 * A replica above its share releases its last nodes; below it, it tries free nodes (no live holder),
 * starting at an offset of its own, so replicas rarely try the same node in the same round.
 *
 * @param keep nodes this replica holds and keeps renewing
 * @param release nodes this replica holds and gives up (above its share)
 * @param acquire free nodes to try, in order, as many as the share allows
 */
record OwnershipPlan(List<String> keep, List<String> release, List<String> acquire) {

    OwnershipPlan {
        keep = List.copyOf(keep);
        release = List.copyOf(release);
        acquire = List.copyOf(acquire);
    }

    /**
     * @param self this replica's identity
     * @param nodes every node of the set
     * @param holders each node's live holder (nodes without one are free)
     * @param replicas the live replicas (this one among them)
     */
    static OwnershipPlan decide(String self, Set<String> nodes, Map<String, String> holders, Set<String> replicas) {
        Objects.requireNonNull(self, "self");
        List<String> sortedNodes = new ArrayList<>(new TreeSet<>(nodes));
        List<String> sortedReplicas = new ArrayList<>(new TreeSet<>(replicas));
        if (!sortedReplicas.contains(self)) {
            sortedReplicas.add(self);
            sortedReplicas.sort(null);
        }
        int index = sortedReplicas.indexOf(self);
        int count = sortedReplicas.size();
        int share = sortedNodes.size() / count + (index < sortedNodes.size() % count ? 1 : 0);
        List<String> owned = sortedNodes.stream().filter(n -> self.equals(holders.get(n))).toList();
        if (owned.size() >= share) {
            return new OwnershipPlan(owned.subList(0, share), owned.subList(share, owned.size()), List.of());
        }
        List<String> free = sortedNodes.stream().filter(n -> holders.get(n) == null).toList();
        List<String> acquire = new ArrayList<>();
        int start = free.isEmpty() ? 0 : (int) ((long) index * free.size() / count);
        for (int i = 0; i < free.size() && acquire.size() < share - owned.size(); i++) {
            acquire.add(free.get((start + i) % free.size()));
        }
        return new OwnershipPlan(owned, List.of(), acquire);
    }
}
