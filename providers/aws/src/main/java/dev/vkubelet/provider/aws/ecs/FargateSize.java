package dev.vkubelet.provider.aws.ecs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Fargate task size: cpu units (1024 per vCPU) and memory in MiB, from the combinations
 * Fargate accepts.
 *
 * @param cpu cpu units
 * @param memoryMiB memory in MiB
 */
public record FargateSize(int cpu, int memoryMiB) {

    private static final List<FargateSize> ALL = all();

    private static List<FargateSize> all() {
        List<FargateSize> sizes = new ArrayList<>();
        sizes.add(new FargateSize(256, 512));
        sizes.add(new FargateSize(256, 1024));
        sizes.add(new FargateSize(256, 2048));
        range(sizes, 512, 1024, 4096, 1024);
        range(sizes, 1024, 2048, 8192, 1024);
        range(sizes, 2048, 4096, 16384, 1024);
        range(sizes, 4096, 8192, 30720, 1024);
        range(sizes, 8192, 16384, 61440, 4096);
        range(sizes, 16384, 32768, 122880, 8192);
        return List.copyOf(sizes);
    }

    private static void range(List<FargateSize> sizes, int cpu, int from, int to, int step) {
        for (int memory = from; memory <= to; memory += step) {
            sizes.add(new FargateSize(cpu, memory));
        }
    }

    /** The smallest size (least cpu, then least memory) with at least this cpu and memory. */
    public static Optional<FargateSize> smallestFitting(long cpuUnits, long memoryMiB) {
        return ALL.stream().filter(s -> s.cpu >= cpuUnits && s.memoryMiB >= memoryMiB).findFirst();
    }

    /** The largest size Fargate offers. */
    public static FargateSize largest() {
        return ALL.get(ALL.size() - 1);
    }
}
