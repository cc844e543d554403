/**
 * The host's threads: {@link dev.vkubelet.core.threads.DaemonThreads} names them and makes them
 * daemons, so no thread of the agent keeps the JVM alive after {@code close()}.
 *
 * <p>Depends on the JDK only.
 */
package dev.vkubelet.core.threads;
