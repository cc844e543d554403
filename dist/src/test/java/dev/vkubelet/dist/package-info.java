/**
 * Tests of what ships: the tarball and its launcher, plugins as drop-ins, the provider template,
 * the container image definition, and the Kubernetes manifests against the local control plane.
 */
package dev.vkubelet.dist;
