package dev.vkubelet.provider;

/** A passing failure (throttling, a backend restart): the host requeues with backoff. */
public class RetriableException extends ProviderException {

    private static final long serialVersionUID = 1L;

    public RetriableException(String message) {
        super(message);
    }

    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
