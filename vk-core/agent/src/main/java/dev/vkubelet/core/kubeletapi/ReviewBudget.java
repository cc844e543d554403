package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.kube.ApiMessages;
import dev.vkubelet.core.limits.TokenBucket;
import io.kubernetes.client.openapi.ApiException;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the kubelet API may spend on token and access reviews: at most {@code inFlight} at once and
 * {@code perSecond} a second on average (bursts up to {@code burst}). A review beyond either limit
 * is refused at once (429) rather than queued, so a flood of bogus credentials costs the API server
 * a bounded number of reviews and never delays the node's own requests, which use another client.
 */
final class ReviewBudget {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewBudget.class);

    private final Semaphore inFlight;
    private final TokenBucket rate;

    ReviewBudget(int inFlight, double perSecond, int burst, LongSupplier nanoTime) {
        if (inFlight < 1) {
            throw new IllegalArgumentException("review budget needs inFlight >= 1");
        }
        this.inFlight = new Semaphore(inFlight);
        this.rate = new TokenBucket(perSecond, burst, nanoTime);
    }

    /** A review made through client-java. */
    @FunctionalInterface
    interface Review<T> {
        T make() throws ApiException;
    }

    /**
     * Makes {@code review} (a {@code what}: {@code token review}, {@code access review}) within the
     * budget, to {@code doWhat} (for messages); a failure to reach or be answered by the API server
     * is a 503 naming it, and the API server's refusal is logged with its message.
     */
    <T> T spend(String what, String doWhat, Review<T> review) throws Refused {
        try (AutoCloseable permit = take(what)) {
            return review.make();
        } catch (ApiException e) {
            LOG.warn("cannot {} with the API server (may the node agent create {}s?): HTTP {} {}", doWhat,
                    what.replace(" ", ""), e.getCode(), ApiMessages.of(e));
            throw new Refused(503, "cannot " + doWhat + " with the API server: HTTP " + e.getCode());
        } catch (Refused e) {
            throw e;
        } catch (Exception e) {
            throw new Refused(503, "cannot " + doWhat + " with the API server: " + e.getClass().getSimpleName());
        }
    }

    /** A permit for one review, to be closed when the review is done. */
    AutoCloseable take(String what) throws Refused {
        if (!rate.tryTake()) {
            throw new Refused(429, "Too many requests: the kubelet API's " + what + " budget is spent; retry later");
        }
        if (!inFlight.tryAcquire()) {
            throw new Refused(429, "Too many requests: too many " + what + "s in flight; retry later");
        }
        return inFlight::release;
    }
}
