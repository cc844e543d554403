package dev.vkubelet.core.kube;

import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A watch that passes the object events ({@code ADDED}, {@code MODIFIED}, {@code DELETED}) of the
 * objects {@code keep} accepts, and every other event (errors, bookmarks) as it comes: how an
 * informer of a set of nodes, or of their pods, sees only the set's.
 */
final class FilteredWatch<T> implements Watchable<T> {

    private final Watchable<T> watch;
    private final Predicate<T> keep;
    private Watch.Response<T> ahead;

    FilteredWatch(Watchable<T> watch, Predicate<T> keep) {
        this.watch = Objects.requireNonNull(watch, "watch");
        this.keep = Objects.requireNonNull(keep, "keep");
    }

    @Override
    public boolean hasNext() {
        while (ahead == null && watch.hasNext()) {
            Watch.Response<T> event = watch.next();
            boolean object = "ADDED".equals(event.type) || "MODIFIED".equals(event.type)
                    || "DELETED".equals(event.type);
            if (!object || keep.test(event.object)) {
                ahead = event;
            }
        }
        return ahead != null;
    }

    @Override
    public Watch.Response<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Watch.Response<T> event = ahead;
        ahead = null;
        return event;
    }

    @Override
    public Iterator<Watch.Response<T>> iterator() {
        return this;
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
