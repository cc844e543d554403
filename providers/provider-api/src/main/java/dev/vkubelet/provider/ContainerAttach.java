package dev.vkubelet.provider;

/** Optional capability: attach to a container's main process ({@code kubectl attach}). */
public interface ContainerAttach {

    /** Attaches {@code io} to the container and blocks until the session ends. */
    void attachToContainer(String namespace, String podName, String containerName, AttachIO io);
}
