package dev.vkubelet.provider;

import java.io.InputStream;
import java.io.OutputStream;

/** Optional capability: forward a connection to a pod's port ({@code kubectl port-forward}). */
public interface PortForwarder {

    /**
     * Copies {@code fromClient} to the pod's {@code port} and what the pod answers to
     * {@code toClient}, blocking until either side closes.
     */
    void portForward(String namespace, String podName, int port, InputStream fromClient, OutputStream toClient);
}
