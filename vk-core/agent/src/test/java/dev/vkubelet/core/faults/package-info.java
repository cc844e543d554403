/**
 * Faults the node agent must survive, each against the local control plane: provider failures,
 * hangs and malformed statuses, an API server outage under load, the agent killed and restarted,
 * status writes racing another writer, and an API server that throttles.
 */
package dev.vkubelet.core.faults;
