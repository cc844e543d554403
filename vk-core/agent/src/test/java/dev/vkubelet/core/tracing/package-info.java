/** Integration tests of tracing through the whole node agent: host spans, plugin spans, exporters. */
package dev.vkubelet.core.tracing;
