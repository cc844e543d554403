/**
 * A keyed work queue for controllers: {@link dev.vkubelet.core.queue.WorkQueue} hands each key to
 * one worker at a time (a key added while it is being processed is processed again afterwards,
 * once), deduplicates keys that wait, and delays retries by a
 * {@link dev.vkubelet.core.queue.Backoff} that grows per key and is capped.
 *
 * <p>Depends on the JDK only. Time comes from an injected {@link java.time.Clock}-like ticker so
 * tests need not sleep.
 */
package dev.vkubelet.core.queue;
