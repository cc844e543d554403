package dev.vkubelet.core.kubeletapi;

/** A request that must be answered with {@code status} and the message, before it reaches a route. */
final class Refused extends Exception {

    private static final long serialVersionUID = 1L;

    final int status;

    Refused(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
