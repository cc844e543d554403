package dev.vkubelet.core.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.ports.ApiFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodeOwnershipTest {

    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Set<String> NODES = Set.copyOf(IntStream.range(0, 10).mapToObj(i -> "vk-" + i).toList());

    private final InMemoryLeases store = new InMemoryLeases();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC);

    /** A replica and what its listener heard. */
    private final class Replica {
        final List<String> acquired = new ArrayList<>();
        final List<String> lost = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        /** Stops that take time: a node here is stopped when its future completes, else at once. */
        final java.util.Map<String, CompletableFuture<Void>> stops = new java.util.HashMap<>();
        final NodeOwnership ownership;

        Replica(String id) {
            this(id, "fleet");
        }

        Replica(String id, String set) {
            ownership = new NodeOwnership(store, new NodeOwnership.Settings("vk", set, id, LEASE,
                    Duration.ofSeconds(5)), NODES, new NodeOwnership.Listener() {
                        @Override
                        public void acquired(String node) {
                            acquired.add(node);
                            events.add("+" + node);
                        }

                        @Override
                        public CompletionStage<?> lost(String node) {
                            lost.add(node);
                            events.add("-" + node);
                            return stops.getOrDefault(node, CompletableFuture.completedFuture(null));
                        }
                    }, clock, nanos::get);
        }

        Set<String> owned() {
            return ownership.owned();
        }

        /** What its listener says it serves, replaying what it heard in order. */
        Set<String> serving() {
            Set<String> serving = new HashSet<>();
            for (String event : events) {
                if (event.startsWith("+")) {
                    assertTrue(serving.add(event.substring(1)), "acquired twice without losing it: " + events);
                } else {
                    assertTrue(serving.remove(event.substring(1)), "lost without holding it: " + events);
                }
            }
            return serving;
        }
    }

    private void rounds(int times, Replica... replicas) {
        for (int i = 0; i < times; i++) {
            for (Replica r : replicas) {
                r.ownership.round();
            }
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(5));
        }
    }

    private static void assertPartition(Replica... replicas) {
        Set<String> all = new TreeSet<>();
        int total = 0;
        for (Replica r : replicas) {
            all.addAll(r.owned());
            total += r.owned().size();
            assertEquals(r.owned(), r.serving(), "the listener heard what the replica holds");
        }
        assertEquals(new TreeSet<>(NODES), all, "every node has a holder");
        assertEquals(NODES.size(), total, "no node has two holders");
    }

    @Test
    void twoReplicasSplitTheNodesEvenly() {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        rounds(1, a);
        assertEquals(10, a.owned().size(), "alone, a replica serves every node");
        rounds(3, a, b);
        assertEquals(5, a.owned().size());
        assertEquals(5, b.owned().size());
        assertPartition(a, b);
    }

    @Test
    void threeReplicasTakeFourThreeAndThree() {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        Replica c = new Replica("replica-c");
        rounds(3, a, b);
        rounds(3, a, b, c);
        assertEquals(List.of(4, 3, 3), List.of(a.owned().size(), b.owned().size(), c.owned().size()));
        assertPartition(a, b, c);
    }

    @Test
    void aDeadReplicasNodesMoveAfterOneLeaseDurationAndNotBefore() {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        rounds(3, a, b);
        Set<String> bHad = b.owned();
        b.ownership.abandon();
        rounds(2, a); // 10 s after b's last renewal: its leases still count
        assertEquals(5, a.owned().size(), "a took b's nodes before their leases ran out");
        rounds(2, a); // 20 s: more than the 15 s lease duration
        assertEquals(NODES, a.owned(), "a did not take the dead replica's nodes");
        assertTrue(a.acquired.containsAll(bHad));
    }

    @Test
    void aLookBetweenRoundsTakesADeadReplicasNodesOneLeaseDurationAfterItsLastRenewal() {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        rounds(3, a, b);
        Set<String> bHad = b.owned();
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2)); // between two rounds of a
        b.ownership.round(); // b's last renewal
        a.ownership.look(); // seen at once, not at a's next round
        b.ownership.abandon();
        // a's own rounds go on, 3 s after the look and every 5 s: the last before b's lease runs out at
        // 13 s, the next at 18 s
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(3));
        rounds(2, a); // at 3 s and 8 s
        a.ownership.round(); // at 13 s
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2) - 1);
        a.ownership.look();
        assertEquals(5, a.owned().size(), "a took b's nodes before b's lease ran out");
        nanos.addAndGet(1);
        a.ownership.look(); // no round of a's own schedule in between
        assertEquals(NODES, a.owned(), "the look that found b's lease run out did not take its nodes");
        assertTrue(a.acquired.containsAll(bHad));
        assertPartition(a);
    }

    @Test
    void aLookFindingAReleasedReplicaLeaseTakesItsNodesAtOnce() {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        rounds(3, a, b);
        b.ownership.close();
        a.ownership.look(); // no time passes, no round of a's own schedule
        assertEquals(NODES, a.owned(), "the handed-over nodes waited for a's next round");
    }

    @Test
    void aReplicaThatCannotRenewGivesUpAtALookBeforeTheOthersCanTakeItsNodes() {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        rounds(3, a, b);
        b.ownership.round();
        a.ownership.look(); // a sees b's last renewal as soon as it can
        long look = NodeOwnership.lookInterval(LEASE).toNanos();
        store.down = true;
        nanos.addAndGet(LEASE.toNanos() - 2 * look - 1);
        assertThrows(ApiFailure.class, b.ownership::look);
        assertEquals(5, b.owned().size(), "b gave up before a lease duration less two looks");
        nanos.addAndGet(1);
        assertThrows(ApiFailure.class, b.ownership::look);
        assertEquals(Set.of(), b.owned(), "b still served its nodes when a could see its lease run out a look later");
        store.down = false;
        nanos.addAndGet(2 * look);
        a.ownership.round();
        assertEquals(NODES, a.owned());
    }

    @Test
    void aGracefulStopHandsOverAtOnce() {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        rounds(3, a, b);
        Set<String> bHad = b.owned();
        b.ownership.close();
        assertEquals(Set.of(), b.owned());
        assertEquals(bHad, new HashSet<>(b.lost), "the stopping replica's listener hears every node go");
        a.ownership.round(); // no time passes
        assertEquals(NODES, a.owned(), "the handed-over nodes were not taken at once");
    }

    @Test
    @org.junit.jupiter.api.Timeout(30) // a round that waited for a stop would hang here
    void aSlowStopNeitherHoldsUpTheRoundsNorFreesItsLeaseBeforeItEnds() {
        Replica a = new Replica("replica-a");
        rounds(1, a);
        NODES.forEach(n -> a.stops.put(n, new CompletableFuture<>()));
        Replica b = new Replica("replica-b");
        rounds(2, a, b);
        assertEquals(5, a.owned().size(), "a hands five nodes over");
        assertEquals(5, a.lost.size());
        assertEquals(Set.of(), b.owned(), "b took nodes whose stop on a had not ended");
        rounds(4, a, b); // 20 s, more than a lease duration: a renewed throughout, so b sees it alive
        assertEquals(Set.of(), b.owned(), "b took nodes whose stop on a had not ended");
        assertEquals(5, a.owned().size(), "a gave up more nodes while its hand-overs ran, or took them back");
        assertEquals(5, a.lost.size());
        a.lost.forEach(n -> a.stops.get(n).complete(null));
        rounds(2, a, b);
        assertEquals(5, b.owned().size(), "b did not take the nodes once their stop ended");
        assertEquals(5, a.owned().size());
        assertPartition(a, b);
    }

    @Test
    void aReplicaThatCannotRenewStopsServingWithinOneLeaseDuration() {
        Replica a = new Replica("replica-a");
        rounds(1, a);
        store.down = true;
        nanos.addAndGet(LEASE.toNanos());
        assertThrows(ApiFailure.class, a.ownership::round);
        assertEquals(Set.of(), a.owned(), "a replica kept serving nodes whose leases it could not renew");
        assertEquals(NODES, new HashSet<>(a.lost));
    }

    @Test
    void renewingCostsOneWritePerReplicaAndRoundWhateverTheNodeCount() {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        rounds(3, a, b);
        assertPartition(a, b);
        int before = store.writes.get();
        rounds(10, a, b);
        assertEquals(20, store.writes.get() - before, "ten rounds of two replicas, ten nodes each time");
        assertPartition(a, b);
    }

    @Test
    void aReplicaWhoseNodeWasTakenStopsServingIt() {
        Replica a = new Replica("replica-a");
        Replica z = new Replica("replica-z");
        rounds(1, a);
        z.ownership.round(); // alive, and nothing free to take
        assertEquals(Set.of(), z.owned());
        String node = new TreeSet<>(a.owned()).first();
        String lease = a.ownership.nodeLeaseName(node);
        var taken = store.get("vk", lease).orElseThrow();
        taken.getSpec().setHolderIdentity("replica-z");
        store.update(taken); // as a live replica that wrongly thought a dead would
        a.ownership.round();
        assertTrue(a.lost.contains(node), "a kept serving a node whose lease names another live replica");
        assertTrue(!a.owned().contains(node));
        assertEquals(a.owned(), a.serving());
    }

    @Test
    void twoNodeSetsInOneNamespaceWithTheSameReplicaIdentityDoNotMeet() {
        Replica fleet = new Replica("replica-a");
        rounds(1, fleet);
        Replica other = new Replica("replica-a", "other-fleet");
        other.ownership.round();
        assertEquals(NODES, fleet.owned(), "a replica of another set took part in this one");
        assertEquals(Set.of(), other.owned(), "the other set's nodes are leased by this set's replica");
        assertEquals(store.list("vk", NodeOwnership.SET_LABEL + "=other-fleet").size(), 1,
                "the other set's replica has a lease of its own");
    }

    @Test
    void aReplicaRestartedWithTheSameIdentityServesTheNodesItsLeasesName() {
        Replica before = new Replica("replica-a");
        rounds(1, before);
        before.ownership.abandon(); // killed: its leases still name it
        Replica after = new Replica("replica-a");
        after.ownership.round();
        assertEquals(NODES, after.owned());
        assertEquals(NODES, after.serving(), "the restarted replica's listener heard of every node");
    }

    @Test
    void sharesAreEvenAndAddUp() {
        Set<String> replicas = Set.of("r1", "r2", "r3", "r4");
        int total = 0;
        for (String r : replicas) {
            OwnershipPlan plan = OwnershipPlan.decide(r, NODES, java.util.Map.of(), replicas);
            assertTrue(plan.acquire().size() == 2 || plan.acquire().size() == 3, plan.toString());
            total += plan.acquire().size();
        }
        assertEquals(10, total);
    }

    @Test
    void leaseNamesAreValidWhateverTheIdentity() {
        assertEquals("vk-node-vk-1", LeaseNames.of("vk-node-", "vk-1"));
        String odd = LeaseNames.of("vk-replica-", "Host_Name:1234");
        assertTrue(odd.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") && odd.length() <= 253, odd);
        String longName = LeaseNames.of("vk-node-", "n".repeat(253));
        assertTrue(longName.length() <= 253, longName);
        assertTrue(LeaseNames.labelValue("x".repeat(100)).length() <= 63);
        assertEquals("fleet", LeaseNames.labelValue("fleet"));
    }
}
