package dev.vkubelet.provider;

import java.io.InputStream;

/** Optional capability: container logs ({@code kubectl logs}). */
public interface ContainerLogs {

    /**
     * Opens the container's log. The host closes the stream when the client goes away; with
     * {@link LogOptions#follow()} the stream blocks for new lines until closed. Throws
     * {@link NotFoundException} for an unknown pod or container.
     */
    InputStream getContainerLogs(String namespace, String podName, String containerName, LogOptions options);
}
