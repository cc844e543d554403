package dev.vkubelet.provider;

import io.kubernetes.client.openapi.models.V1Node;

/** Optional capability: the provider describes the node it backs. */
public interface NodeConfigurer {

    /**
     * Fills in the node before registration: capacity, allocatable, conditions, addresses,
     * nodeInfo fields, labels. The host has already set metadata, taints, daemon endpoints and
     * defaults; the provider mutates {@code node} in place and must not remove what the host set.
     */
    void configureNode(V1Node node);
}
