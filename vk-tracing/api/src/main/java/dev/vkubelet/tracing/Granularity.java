package dev.vkubelet.tracing;

import java.util.Locale;

/**
 * How much detail provider plugins record. The host's own spans (one per provider call, the
 * reconcile loops) are always recorded; a plugin's spans are recorded when their level is at most
 * the configured one.
 */
public enum Granularity {
    /** Only the host's span around each provider call. */
    COARSE,
    /** Also the plugin's own steps, such as each backend API call. */
    NORMAL,
    /** Also retries, polls and waits. */
    FINE;

    /** Parses {@code coarse}, {@code normal} or {@code fine} (any case). */
    public static Granularity parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a trace granularity: use coarse, normal or fine");
        }
    }
}
