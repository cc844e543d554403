/**
 * Test support for the host's integration tests: one local control plane per test run
 * ({@link dev.vkubelet.core.testing.LocalControlPlaneExtension}) and unique names so tests can
 * share it ({@link dev.vkubelet.core.testing.Names}).
 */
package dev.vkubelet.core.testing;
