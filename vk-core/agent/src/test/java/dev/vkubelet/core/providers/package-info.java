/**
 * Integration tests of the provider plugins we ship, each loaded from the plugins directory as a
 * user would run it, against the local control plane and the plugin's own cloud emulator.
 */
package dev.vkubelet.core.providers;
