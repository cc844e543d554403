package dev.vkubelet.provider;

import java.util.List;

/** Optional capability: run a command in a container ({@code kubectl exec}). */
public interface ContainerExec {

    /**
     * Runs {@code command} in the container, wired to {@code io}, and blocks until it ends or
     * the client goes away (the host then closes the streams). Returns the command's exit code.
     */
    int runInContainer(String namespace, String podName, String containerName, List<String> command, AttachIO io);
}
